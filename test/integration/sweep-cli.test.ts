/**
 * looplab sweep's behaviour, not its measurements (the checking lane): bad input gets one line
 * and exit 2 before anything starts, and leaves no process; Ctrl-C mid-sweep exits 130, writes
 * the steps that completed (complete: false) and reaps every server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { SweepReport } from '../../bench/sweep/types.ts';
import { busyWaitSweep } from '../unit/sweep-fixture.ts';
import { cli, runMarked } from './helpers.ts';
import { APPS } from './own-server-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-sweep-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sweep: bad input', () => {
  for (const [name, args] of [
    ['--rates 0', ['busy-wait', '--rates', '0']],
    ['--rates 10:5', ['busy-wait', '--rates', '10:5']],
    ['--slo p99<', ['busy-wait', '--slo', 'p99<']],
    ['--hold 0', ['busy-wait', '--hold', '0']],
    ['--runs 0', ['busy-wait', '--runs', '0']],
    ['no scenario', []],
    ['an unknown scenario', ['no-such-scenario']],
    ['--path without --cmd', ['busy-wait', '--path', '/x']],
    ['--param with --cmd', ['--cmd', 'node x.js', '--param', 'ms=1']],
    ['a --url where nothing answers', ['--url', 'http://127.0.0.1:9/orders']],
  ] as const) {
    test(`${name}: one line, exit 2, no stack, no process left`, async () => {
      const r = await runMarked(['sweep', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^looplab: .+ \[LOOPLAB_ERR_[A-Z_]+\]$/m);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(r.stdout, '');
      assert.deepEqual(r.left, []);
    });
  }

  test('--help shows the usage and examples', async () => {
    const r = await cli(['sweep', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /--rates/);
    assert.match(r.stdout, /sweep busy-wait --param ms=20/);
  });
});

describe('sweep --cmd', () => {
  test('each --path a variant on its own server, its loop probed; no process left', {
    timeout: 60_000,
  }, async () => {
    const json = join(dir, 'app.json');
    const app = join(APPS, 'http-app.cjs');
    const r = await runMarked([
      'sweep',
      '--cmd',
      `node ${app}`,
      '--path',
      '/block?ms=2',
      '--path',
      '/timer?ms=2',
      '--rates',
      '10,20',
      '--warmup',
      '0.2',
      '--hold',
      '0.5',
      '--settle',
      '0.2',
      '--json',
      json,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.left, []);
    const report = JSON.parse(readFileSync(json, 'utf8')) as SweepReport;
    assert.deepEqual(
      report.variants.map((v) => v.variant),
      ['/block?ms=2', '/timer?ms=2'],
    );
    for (const v of report.variants) {
      const steps = v.runs[0]?.steps ?? [];
      assert.deepEqual(
        steps.map((s) => s.offeredPerSec),
        [10, 20],
      );
      for (const s of steps) assert.ok(s.elu !== null && s.pingP99Ms !== null, v.variant);
    }
  });
});

describe('sweep: a server that crashes mid-sweep', () => {
  test("ends that variant's run as failed with why, keeping its steps; the others go on; exit 1", {
    timeout: 60_000,
  }, async () => {
    const json = join(dir, 'crash.json');
    // fault-app's /crash exits after 20 requests to it: in the second step here (2 + 5, then
    // 4 + 10 requests), while /ok answers every step.
    const r = await runMarked([
      'sweep',
      '--cmd',
      `node ${join(APPS, 'fault-app.cjs')}`,
      '--path',
      '/crash',
      '--path',
      '/ok',
      '--rates',
      '10,20,30',
      '--arrivals',
      'uniform',
      '--warmup',
      '0.2',
      '--hold',
      '0.5',
      '--settle',
      '0.2',
      '--json',
      json,
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(r.left, []);
    const report = JSON.parse(readFileSync(json, 'utf8')) as SweepReport;
    const [crash, ok] = report.variants;
    assert.equal(crash?.runs[0]?.state, 'failed');
    assert.match(crash?.runs[0]?.reason ?? '', /^at 20\/s: /);
    assert.deepEqual(
      crash?.runs[0]?.steps.map((s) => s.offeredPerSec),
      [10],
    );
    assert.equal(ok?.runs[0]?.state, 'completed');
    assert.equal(ok?.runs[0]?.steps.length, 3);
    assert.ok(
      report.warnings.some((w) => w.includes('/crash run 1 failed: at 20/s')),
      report.warnings.join('\n'),
    );
  });
});

describe('sweep: Ctrl-C', () => {
  test('SIGINT after a step: exit 130, --json holds the completed steps (complete: false), no process left', {
    timeout: 60_000,
  }, async () => {
    const json = join(dir, 'partial.json');
    const r = await runMarked(
      [
        'sweep',
        'busy-wait',
        '--param',
        'ms=5',
        '--rates',
        '10,20,30,40,50,60',
        '--warmup',
        '0.2',
        '--hold',
        '0.5',
        '--settle',
        '0.2',
        '--no-ceiling',
        '--json',
        json,
        '--debug',
      ],
      {},
      (run) => {
        run
          .waitForStderr(/busy-wait async 10\/s: [\d.]+\/s arrived/)
          .then(() => run.child.kill('SIGINT'))
          .catch(() => undefined);
      },
    );
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(r.left, [], 'no process left behind');
    const report = JSON.parse(readFileSync(json, 'utf8')) as SweepReport;
    assert.equal(report.complete, false);
    const steps = report.variants.flatMap((v) => v.runs.flatMap((run) => run.steps));
    assert.ok(steps.length >= 2 && steps.length < 12, `${steps.length} steps kept`);
    assert.match(report.warnings[0] ?? '', /^partial: stopped by SIGINT/);
  });
});

describe('report: a saved sweep', () => {
  test('shows its table, writes its page, and refuses it beside another file', async () => {
    const file = join(dir, 'saved.json');
    writeFileSync(file, JSON.stringify(busyWaitSweep()));
    const table = await cli(['report', file]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^busy-wait sync {2}· {2}2 completed runs/m);
    assert.match(table.stdout, /^knee: 40 req\/s /m);
    const html = join(dir, 'saved.html');
    const page = await cli(['report', file, '--html', html, '--quiet']);
    assert.equal(page.code, 0, page.stderr);
    assert.match(readFileSync(html, 'utf8'), /<svg[^>]*>[\s\S]*sync ceiling/);
    const two = await cli(['report', file, file]);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /one sweep at a time.*\[LOOPLAB_ERR_USAGE\]/);
  });
});
