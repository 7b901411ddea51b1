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
import { makeReport } from '../unit/fixtures.ts';
import { sweepOf } from '../unit/sweep-compare-fixture.ts';
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
    // fault-app's /crash exits after 20 requests to it: in the second step here (2 + 10, then
    // 4 + 20 requests), while /ok answers every step. A 1 s hold, not 0.5: 5 answers at 10/s on
    // a busy machine fell under 95% of what arrived (a knee by throughput, before the crash).
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
      '1',
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
    // A crash at a rate is where its capacity ended: the run's knee, in the median.
    assert.deepEqual(crash?.runs[0]?.knee.reasons, ['failed']);
    assert.deepEqual(crash?.knee, { medianPerSec: 20, perRun: [20] });
  });
});

describe('sweep: a server that sheds load', () => {
  test('an error status is counted on its step and judged by the knee, not a failed run; exit 0', {
    timeout: 60_000,
  }, async () => {
    const json = join(dir, 'shed.json');
    // fault-app's /shed answers 503 to every 5th request: 20% of every step.
    const r = await runMarked(
      [
        'sweep',
        '--cmd',
        `node ${join(APPS, 'fault-app.cjs')}`,
        '--path',
        '/shed',
        '--rates',
        '10,20',
        '--arrivals',
        'uniform',
        '--warmup',
        '0.2',
        '--hold',
        '1',
        '--settle',
        '0.2',
        '--json',
        json,
      ],
      { SHED_EVERY: '5' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.left, []);
    const report = JSON.parse(readFileSync(json, 'utf8')) as SweepReport;
    const shed = report.variants[0]?.runs[0];
    assert.equal(shed?.state, 'completed');
    assert.equal(shed?.steps.length, 2);
    assert.ok((shed?.steps[0]?.errors ?? 0) >= 1, JSON.stringify(shed?.steps[0]));
    assert.equal(shed?.knee.atPerSec, 10);
    assert.ok(shed?.knee.reasons.includes('errors'), shed?.knee.reasons.join());
    assert.match(r.stdout, /requests failed \(error status or reset\) > 1%/);
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
    // What stopped it, and how much was planned: 6 rates × 2 variants × 1 run.
    assert.equal(report.stoppedBy, 'SIGINT');
    assert.equal(report.plannedRuns, 2);
    assert.equal(report.plannedSteps, 12);
    assert.equal(
      report.warnings[0],
      `partial: stopped by SIGINT after ${steps.length} steps of 12 planned; the steps that completed are kept`,
    );
    // The reader checks the schema: a partial sweep without stoppedBy would be refused.
    const shown = await cli(['report', json]);
    assert.equal(shown.code, 0, shown.stderr);
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

describe('compare: two saved sweeps', () => {
  const write = (name: string, doc: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  };
  const base = () => write('base-sweep.json', sweepOf({ knees: [48, 50, 47, 49, 48] }));

  test('a lower knee is a capacity regression: exit 1, the knee moved in the table and the Markdown', async () => {
    const head = write('head-sweep.json', sweepOf({ knees: [39, 40, 38, 41, 39] }));
    const table = await cli(['compare', base(), head]);
    assert.equal(table.code, 1, table.stderr);
    assert.match(
      table.stdout,
      /^knee 48 → 39 req\/s \(-18\.8%\), median; per run 48, 50, 47, 49, 48 → 39, 40, 38, 41, 39$/m,
    );
    assert.match(table.stdout, /^✗ 1 capacity regression: busy-wait sync knee 48 → 39 req\/s/m);
    const md = await cli(['compare', base(), head, '--format', 'markdown']);
    assert.equal(md.code, 1, md.stderr);
    assert.match(md.stdout, /^## looplab compare \(sweeps\)/);
    assert.match(md.stdout, /\*\*REGRESSION\*\*/);
    const json = await cli(['compare', base(), head, '--format', 'json']);
    assert.equal(json.code, 1, json.stderr);
    const c = JSON.parse(json.stdout) as { kind: string; regressions: { metric: string }[] };
    assert.equal(c.kind, 'sweep');
    assert.deepEqual(
      c.regressions.map((r) => r.metric),
      ['kneePerSec'],
    );
  });

  test('the same knees: exit 0; one run a side: exit 0, not judged', async () => {
    const same = await cli(['compare', base(), base()]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^✓ no capacity regression/m);
    const one = await cli([
      'compare',
      write('one-a.json', sweepOf({ knees: [48] })),
      write('one-b.json', sweepOf({ knees: [39] })),
    ]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^knee 48 → 39 req\/s \(-18\.8%\), median; per run 48 → 39$/m);
    assert.match(one.stdout, /at least 3 per side are needed for a verdict/);
  });

  test('bad input is one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [
        [base(), write('bench.json', makeReport([]))],
        /^looplab: compare takes two bench reports or two sweeps: .*base-sweep\.json is a sweep and .*bench\.json is not; .*\[LOOPLAB_ERR_USAGE\]\n$/,
      ],
      [
        [base(), write('k3.json', sweepOf({ knees: [39, 40, 38], options: { k: 3 } }))],
        /^looplab: the sweeps' knees are not comparable: --k 2 vs 3; .*\[LOOPLAB_ERR_REPORTS_DIFFER\]\n$/,
      ],
      [
        [
          base(),
          write(
            'other.json',
            sweepOf({ knees: [39], target: { scenario: 'json-parse', params: {} } }),
          ),
        ],
        /the targets differ \(busy-wait vs json-parse\).*\[LOOPLAB_ERR_REPORTS_DIFFER\]\n$/,
      ],
      [
        [base(), base(), '--metrics', 'elu'],
        /--metrics choose bench metrics.*\[LOOPLAB_ERR_BAD_OPTION\]\n$/,
      ],
      [[base(), base(), '--format', 'gab'], /--format gab.*\[LOOPLAB_ERR_BAD_OPTION\]\n$/],
    ];
    for (const [args, expected] of cases) {
      const r = await cli(['compare', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, expected);
      assert.equal(r.stdout, '');
    }
  });
});
