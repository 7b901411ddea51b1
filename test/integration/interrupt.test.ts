/**
 * Ctrl-C keeps the runs: a bench stopped by SIGINT or SIGTERM after a run completed writes every
 * output it was asked for from the runs it has, marked partial, prints its table, exits 130 or
 * 143, and leaves no process behind; stopped before any run completed, it writes nothing and an
 * earlier report stays as it was. compare then says which side is partial. Only behaviour is
 * checked (the checking lane): what the runs measured does not matter here.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseReport } from '../../bench/report/read.ts';
import type { Report } from '../../bench/report/types.ts';
import { completedRun, entry, makeReport } from '../unit/fixtures.ts';
import { cli, runMarked } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-interrupt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** busy-wait's two variants, two runs each: four planned runs of about 1.5 s each here. */
const BENCH = ['bench', 'busy-wait', '--runs', '2', '--duration', '1', '--warmup', '0', '--debug'];

/** Runs the bench, and sends `signal` once the first run has completed (its progress line). */
function stopAfterFirstRun(args: string[], signal: NodeJS.Signals) {
  return runMarked([...BENCH, ...args], {}, (run) => {
    run
      .waitForStderr(/✓ \[1\/4\]/)
      .then(() => run.child.kill(signal))
      .catch(() => undefined);
  });
}

const runsIn = (report: Report) => report.results.reduce((n, e) => n + e.runs.length, 0);

/** What every partial report must hold: the stop, and each completed run once. */
function assertPartial(report: Report, signal: NodeJS.Signals): number {
  assert.equal(report.complete, false);
  assert.equal(report.stoppedBy, signal);
  assert.equal(report.plannedRuns, 4);
  const runs = runsIn(report);
  assert.ok(runs >= 1 && runs < 4, `${runs} runs`);
  for (const e of report.results) {
    assert.ok(e.runs.length >= 1, `${e.variant} has a run`);
    assert.deepEqual(
      e.runs.map((r) => r.run),
      e.runs.map((_, i) => i + 1),
      `${e.variant}: each run once, in order`,
    );
  }
  assert.equal(
    report.warnings[0]?.startsWith(`partial: stopped by ${signal} after ${runs} of 4 planned runs`),
    true,
    report.warnings[0],
  );
  return runs;
}

describe('Ctrl-C keeps the runs', () => {
  test('SIGINT after a run completed: --json, --md and --html hold it, marked partial; the table is printed; exit 130', {
    timeout: 60_000,
  }, async () => {
    const sub = mkdtempSync(join(dir, 'int-'));
    const [json, md, html] = ['out.json', 'out.md', 'out.html'].map((f) => join(sub, f)) as [
      string,
      string,
      string,
    ];
    const r = await stopAfterFirstRun(['--json', json, '--md', md, '--html', html], 'SIGINT');
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(r.left, [], 'no process left behind');
    assert.deepEqual(readdirSync(sub).sort(), ['out.html', 'out.json', 'out.md']);
    // parseReport checks it against the schema.
    const report = parseReport(readFileSync(json, 'utf8'), json);
    const runs = assertPartial(report, 'SIGINT');
    const line = `partial: stopped by SIGINT after ${runs} of 4 planned runs`;
    assert.ok(r.stdout.includes(line), r.stdout);
    assert.match(r.stdout, /busy-wait {2}ms=20/, 'the table');
    assert.ok(r.stdout.includes(`warning: ${line}`), r.stdout);
    assert.ok(readFileSync(md, 'utf8').includes(`> ⚠️ ${line}`));
    assert.ok(readFileSync(html, 'utf8').includes(line));
    assert.match(r.stderr, /wrote .*out\.json/);

    // compare reads it, says it is partial, and judges on the runs it has.
    const head = join(sub, 'head.json');
    copyFileSync(json, head);
    for (const format of ['table', 'markdown']) {
      const c = await cli(['compare', json, head, '--format', format]);
      assert.ok([0, 1].includes(c.code as number), c.stderr);
      for (const side of ['base', 'head']) {
        assert.ok(
          c.stdout.includes(
            `${side} is partial: stopped by SIGINT after ${runs} of 4 planned runs; judged on the runs it has`,
          ),
          `${format}, ${side}: ${c.stdout}`,
        );
      }
    }
  });

  test('SIGTERM after a run completed: the report holds it, exit 143', {
    timeout: 60_000,
  }, async () => {
    const json = join(mkdtempSync(join(dir, 'term-')), 'out.json');
    const r = await stopAfterFirstRun(['--json', json], 'SIGTERM');
    assert.equal(r.code, 143, r.stderr);
    assert.deepEqual(r.left, [], 'no process left behind');
    assertPartial(parseReport(readFileSync(json, 'utf8'), json), 'SIGTERM');
  });

  test('SIGINT before any run completed: nothing written, an earlier report untouched, exit 130', {
    timeout: 60_000,
  }, async () => {
    const sub = mkdtempSync(join(dir, 'none-'));
    const json = join(sub, 'out.json');
    const existing = `${JSON.stringify(makeReport([entry('noop', 'sync', [completedRun(1, { requestsPerSec: 1 })])]), null, 2)}\n`;
    writeFileSync(json, existing);
    // In the first run's window: its server has started, and the window is 5 s long.
    const r = await runMarked(
      ['bench', 'busy-wait', '--runs', '1', '--duration', '5', '--warmup', '0', '--debug'].concat([
        '--json',
        json,
      ]),
      {},
      (run) => {
        run
          .waitForStderr(/server pid \d+/)
          .then(() => setTimeout(() => run.child.kill('SIGINT'), 500))
          .catch(() => undefined);
      },
    );
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(r.left, [], 'no process left behind');
    assert.match(r.stderr, /stopped by SIGINT before any run completed; nothing written/);
    assert.equal(readFileSync(json, 'utf8'), existing);
    assert.deepEqual(readdirSync(sub), ['out.json'], 'no temporary file beside it');
    assert.doesNotMatch(r.stderr, /wrote /);
  });
});
