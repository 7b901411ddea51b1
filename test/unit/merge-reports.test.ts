import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeReports, mergeRuns } from '../../bench/report/merge.ts';
import type { Report } from '../../bench/report/types.ts';
import { ENVIRONMENT, entry, failedRun, makeReport, runsFrom, throwsCoded } from './fixtures.ts';

const round = (rps: number[], variant = 'sync') =>
  makeReport([entry('busy-wait', variant, runsFrom({ requestsPerSec: rps }), { ms: 20 })]);
/** The same report's runs started an hour later: another benchmark, not the same runs again. */
const later = (report: Report): Report => ({
  ...report,
  results: report.results.map((e) => ({
    ...e,
    runs: e.runs.map((r) => ({ ...r, startedAt: '2024-01-01T01:00:00.000Z' })),
  })),
});

describe('mergeReports', () => {
  it('keeps every run in input order, renumbered, and recomputes the summary', () => {
    const merged = mergeReports([round([10, 12]), later(round([14]))], ['a.json', 'b.json']);
    const [sync] = merged.results;
    assert.deepEqual(
      sync?.runs.map((r) => [r.run, r.state === 'completed' ? r.requestsPerSec : null]),
      [
        [1, 10],
        [2, 12],
        [3, 14],
      ],
    );
    assert.equal(sync?.summary.requestsPerSec.mean, 12);
    assert.equal(merged.options.runs, 3);
    assert.equal(merged.verdicts.length, 1);
  });

  it('adds variants that only some inputs have, and warns of failed runs', () => {
    const withFailure = makeReport([
      entry('busy-wait', 'async', [...runsFrom({ requestsPerSec: [40] }), failedRun(2)], {
        ms: 20,
      }),
    ]);
    const merged = mergeReports([round([10]), withFailure], ['a.json', 'b.json']);
    assert.deepEqual(
      merged.results.map((r) => `${r.variant} ${r.runs.length}`),
      ['sync 1', 'async 2'],
    );
    assert.match(merged.warnings.join('\n'), /busy-wait async: 1 of 2 runs failed/);
  });

  it('skips a run it already has (same start and server pid), and says which', () => {
    const a = round([10, 12]);
    const twice = mergeRuns([a, a], ['a.json', 'a.json']);
    assert.deepEqual(
      twice.report.results[0]?.runs.map((r) => [
        r.run,
        r.state === 'completed' && r.requestsPerSec,
      ]),
      [
        [1, 10],
        [2, 12],
      ],
    );
    assert.equal(twice.report.options.runs, 2);
    assert.deepEqual(twice.skipped, [{ name: 'a.json', firstIn: 'a.json', count: 2 }]);
    // b.json holds a's first run (pid 1001 at the same start) and a run of its own (pid 1003).
    const b = makeReport([
      entry(
        'busy-wait',
        'sync',
        [
          ...runsFrom({ requestsPerSec: [10] }),
          ...runsFrom({ requestsPerSec: [0, 0, 30] }).slice(2),
        ],
        { ms: 20 },
      ),
    ]);
    const some = mergeRuns([a, later(round([20])), b], ['a.json', 'c.json', 'b.json']);
    assert.deepEqual(
      some.report.results[0]?.runs.map((r) => r.state === 'completed' && r.requestsPerSec),
      [10, 12, 20, 30],
    );
    assert.deepEqual(some.skipped, [{ name: 'b.json', firstIn: 'a.json', count: 1 }]);
    assert.deepEqual(mergeRuns([a, later(a)], ['a.json', 'c.json']).skipped, []);
  });

  it('refuses reports of other machines, options or parameters', () => {
    const other = round([1]);
    other.environment = { ...ENVIRONMENT, cpuCount: 2 };
    throwsCoded(
      () => mergeReports([round([1]), other], ['a.json', 'b.json']),
      'LOOPLAB_ERR_REPORTS_DIFFER',
      'b.json differs from a.json (cpuCount 8 vs 2); merge only reports of one benchmark on one machine',
    );
    const longer = round([1]);
    longer.options = { ...longer.options, durationSec: 10 };
    throwsCoded(
      () => mergeReports([round([1]), longer], ['a.json', 'b.json']),
      'LOOPLAB_ERR_REPORTS_DIFFER',
      /durationSec 3 vs 10/,
    );
    const params = makeReport([
      entry('busy-wait', 'sync', runsFrom({ requestsPerSec: [1] }), { ms: 5 }),
    ]);
    throwsCoded(
      () => mergeReports([round([1]), params], ['a.json', 'b.json']),
      'LOOPLAB_ERR_REPORTS_DIFFER',
      /b\.json runs busy-wait with other parameters \(\{"ms":5\} vs \{"ms":20\}\)/,
    );
  });
});
