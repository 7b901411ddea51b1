/**
 * The fault suite: a scenario server that crashes in the middle of a run, never opens its port,
 * stops answering, answers 500s or floods stderr, and signals at many moments of a bench.
 *
 * Faults are injected by a preload (fixtures/fault-preload.ts) into the sync variant's server
 * only, so each bench also shows that the other variant goes on. Every case then checks what a
 * user relies on: the run is marked failed with its reason, the report is still written with
 * what completed, the exit code says so, an existing report is never damaged, and no process the
 * CLI started is left alive (found by a marker in their environment, not only by the pids
 * --debug printed, which a signal can beat).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseReport } from '../../bench/report/read.ts';
import type { Report, RunRecord } from '../../bench/report/types.ts';
import { completedRun, entry, makeReport } from '../unit/fixtures.ts';
import { type CliRun, runMarked } from './helpers.ts';

const PRELOAD = fileURLToPath(new URL('./fixtures/fault-preload.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'looplab-faults-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BENCH = [
  'bench',
  'busy-wait',
  '--duration',
  '1',
  '--warmup',
  '0.3',
  '--runs',
  '1',
  '--debug',
];

/** Runs the CLI with a fault (or none) injected into its scenario servers, to its end. */
const bench = (args: string[], env: NodeJS.ProcessEnv, during?: (run: CliRun) => void) =>
  runMarked(args, { NODE_OPTIONS: `--import=${PRELOAD}`, ...env }, during);

const runsOf = (report: Report, variant: string): RunRecord[] =>
  report.results.find((r) => r.variant === variant)?.runs ?? [];

describe('faults in a scenario server', () => {
  const cases: [fault: string, reason: RegExp][] = [
    ['crash', /server is gone \(exit code 3\): fault: crashing now/],
    // --start-timeout 4 below: the default 15 s would be a quarter of this file's time, idle.
    ['no-port', /did not report its port within 4000 ms/],
    [
      'hang',
      /no request to \/ finished in the 1 s window (\(\d+ timed out, --timeout\) )?while the event loop answered \/ping/,
    ],
    ['500', /answered [\d,]+ of [\d,]+ requests with an error status/],
  ];
  for (const [fault, reason] of cases) {
    test(`a server that ${fault === 'no-port' ? 'never opens its port' : fault === '500' ? 'answers 500s' : fault === 'hang' ? 'stops answering' : 'crashes mid-run'}: that run fails with why, the other completes, the report is written, exit 1`, {
      timeout: 60_000,
    }, async () => {
      const out = join(dir, `${fault}.json`);
      const startTimeout = fault === 'no-port' ? ['--start-timeout', '4'] : [];
      const r = await bench([...BENCH, ...startTimeout, '--json', out], {
        LOOPLAB_FAULT: fault,
        LOOPLAB_FAULT_VARIANT: 'sync',
      });
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(r.left, [], 'no process left behind');
      const report = parseReport(readFileSync(out, 'utf8'), out);
      const [failed] = runsOf(report, 'sync');
      assert.equal(failed?.state, 'failed', JSON.stringify(failed));
      assert.match(failed?.state === 'failed' ? failed.reason : '', reason);
      assert.equal(runsOf(report, 'async')[0]?.state, 'completed');
      assert.match(r.stdout, /warning: busy-wait sync: 1 of 1 runs failed/);
    });
  }

  test('a server that floods stderr: the runs complete, and the flood does not reach ours', {
    timeout: 60_000,
  }, async () => {
    const out = join(dir, 'flood.json');
    const r = await bench([...BENCH, '--json', out], { LOOPLAB_FAULT: 'stderr-flood' });
    assert.equal(r.code, 0, r.stderr.slice(0, 2000));
    assert.deepEqual(r.left, []);
    assert.ok(r.stderr.length < 10_000, `${r.stderr.length} bytes on the CLI's stderr`);
    const report = parseReport(readFileSync(out, 'utf8'), out);
    for (const v of ['sync', 'async']) assert.equal(runsOf(report, v)[0]?.state, 'completed', v);
  });
});

describe('signals at many moments of a bench', () => {
  // A report already at the output path: a run that is stopped must leave it as it was.
  const existing = `${JSON.stringify(makeReport([entry('noop', 'sync', [completedRun(1, { requestsPerSec: 1 })])]), null, 2)}\n`;
  // From start-up through warm-up, windows, probe reads and the report's write: this bench takes
  // about 4 s here, so the later moments may land after it ended, which is checked too.
  const moments = [40, 300, 800, 1500, 2500, 3800];
  for (const [i, ms] of moments.entries()) {
    const signal: NodeJS.Signals = i % 2 === 0 ? 'SIGINT' : 'SIGTERM';
    test(`${signal} after ${ms} ms: no orphan, and the existing report whole or replaced whole`, {
      timeout: 60_000,
    }, async () => {
      const sub = mkdtempSync(join(dir, 'signal-'));
      const out = join(sub, 'out.json');
      writeFileSync(out, existing);
      const r = await bench([...BENCH, '--json', out], {}, (run) => {
        setTimeout(() => run.child.kill(signal), ms);
      });
      assert.deepEqual(r.left, [], 'no process left behind');
      const now = readFileSync(out, 'utf8');
      // The journal beside the report stays only beside a partial one, to resume it.
      const partial = now !== existing && parseReport(now, out).complete === false;
      assert.deepEqual(
        readdirSync(sub).sort(),
        partial ? ['out.json', 'out.json.journal.ndjson'] : ['out.json'],
        'no temporary file left beside it',
      );
      assert.ok(
        [0, 1, signal === 'SIGINT' ? 130 : 143].includes(r.code as number),
        `exit ${r.code}: ${r.stderr}`,
      );
      // Either untouched, or replaced by a whole report (the run ended, was stopped after the
      // write, or was stopped after a run completed and kept it, marked partial): never a torn one.
      if (now !== existing) {
        const report = parseReport(now, out);
        if (report.complete === false) {
          assert.equal(report.stoppedBy, signal);
          assert.equal(report.plannedRuns, 2);
          assert.equal(report.results.flatMap((e) => e.runs).length, 1, 'the completed run, once');
        }
      }
      if (r.code === 0 || r.code === 1) assert.notEqual(now, existing, 'a finished run wrote');
    });
  }
});
