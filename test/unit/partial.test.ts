/**
 * A benchmark stopped by Ctrl-C or SIGTERM keeps its completed runs: the loop that stops
 * (runUntilStopped), the warning a partial report carries, compare's and merge's warnings, and
 * the formats that show them (the schema's fields: report-schema.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports } from '../../bench/compare/compare.ts';
import { formatCompareMarkdown, formatCompareTable } from '../../bench/render/compare.ts';
import { formats } from '../../bench/render/formats.ts';
import { renderReportHtml } from '../../bench/render/html/render.ts';
import { mergeReports } from '../../bench/report/merge.ts';
import type { Report } from '../../bench/report/types.ts';
import {
  completeness,
  partialWarning,
  runUntilStopped,
  type Stopped,
} from '../../bench/run/until-stopped.ts';
import { Interrupted } from '../../core/errors.ts';
import { entry, makeReport, runsFrom } from './fixtures.ts';

/** Jobs that each take a tick; `stopAt` aborts with `reason` while that job runs, as a signal would. */
function jobsStoppedAt(stopAt: number, reason: unknown) {
  const controller = new AbortController();
  const started: number[] = [];
  const kept: string[] = [];
  const run = async (job: number) => {
    started.push(job);
    if (job === stopAt) {
      controller.abort(reason);
      // As measureTarget does: the run in progress ends by throwing the abort's reason.
      throw controller.signal.reason;
    }
    await new Promise((r) => setImmediate(r));
    kept.push(`record ${job}`);
  };
  return { signal: controller.signal, run, started, kept };
}

describe('runUntilStopped', () => {
  it('runs every job in order when nothing stops it', async () => {
    const { run, signal, kept } = jobsStoppedAt(-1, undefined);
    assert.deepEqual(await runUntilStopped([1, 2, 3], run, signal), {
      completed: 3,
      stopped: null,
    });
    assert.deepEqual(kept, ['record 1', 'record 2', 'record 3']);
  });

  it('on an Interrupted, returns the runs that completed and what stopped it, and starts no more', async () => {
    const { run, signal, started, kept } = jobsStoppedAt(3, new Interrupted('SIGTERM'));
    assert.deepEqual(await runUntilStopped([1, 2, 3, 4, 5], run, signal), {
      completed: 2,
      stopped: { stoppedBy: 'SIGTERM', plannedRuns: 5 },
    });
    assert.deepEqual(started, [1, 2, 3]);
    assert.deepEqual(kept, ['record 1', 'record 2']);
  });

  it('stopped before the first run: no record, and none started', async () => {
    const controller = new AbortController();
    controller.abort(new Interrupted('SIGINT'));
    let calls = 0;
    const result = await runUntilStopped(
      [1, 2],
      async () => {
        calls++;
      },
      controller.signal,
    );
    assert.deepEqual(result, { completed: 0, stopped: { stoppedBy: 'SIGINT', plannedRuns: 2 } });
    assert.equal(calls, 0);
  });

  it('stopped before the first new run of a resume: the runs measured before are kept, no new one started', async () => {
    const controller = new AbortController();
    controller.abort(new Interrupted('SIGINT'));
    const ran: number[] = [];
    const result = await runUntilStopped(
      [1, 2, 3, 4],
      async (job) => {
        ran.push(job);
      },
      controller.signal,
      (index) => index < 2,
    );
    assert.deepEqual(result, { completed: 2, stopped: { stoppedBy: 'SIGINT', plannedRuns: 4 } });
    assert.deepEqual(ran, [1, 2]);
  });

  it("throws a caller's own abort, and a run's error, as they are", async () => {
    const own = new Error('the test is over');
    const a = jobsStoppedAt(2, own);
    await assert.rejects(runUntilStopped([1, 2, 3], a.run, a.signal), (e) => e === own);
    const bug = new Error('a bug');
    await assert.rejects(
      runUntilStopped([1], async () => {
        throw bug;
      }),
      (e) => e === bug,
    );
  });
});

describe('a partial report', () => {
  const stopped: Stopped = { stoppedBy: 'SIGINT', plannedRuns: 10 };

  it('warns with what stopped it, how far it got and what never ran', () => {
    assert.equal(
      partialWarning(stopped, 3, ['cpu-bound sync', 'cpu-bound async', 'fs-read sync']),
      'partial: stopped by SIGINT after 3 of 10 planned runs; its figures come from the runs that completed; cpu-bound sync, cpu-bound async and fs-read sync never ran',
    );
    assert.equal(
      partialWarning({ stoppedBy: 'SIGTERM', plannedRuns: 4 }, 3, ['a async']),
      'partial: stopped by SIGTERM after 3 of 4 planned runs; its figures come from the runs that completed; a async never ran',
    );
    assert.equal(
      partialWarning({ stoppedBy: 'SIGINT', plannedRuns: 1 }, 0, []),
      'partial: stopped by SIGINT after 0 of 1 planned run; its figures come from the runs that completed',
    );
  });

  it('says complete: true, or false with the signal and the planned runs', () => {
    assert.deepEqual(completeness(null), { complete: true });
    assert.deepEqual(completeness(stopped), {
      complete: false,
      stoppedBy: 'SIGINT',
      plannedRuns: 10,
    });
  });

  const partial = (): Report => ({
    ...makeReport(
      [entry('busy-wait', 'sync', runsFrom({ requestsPerSec: [40, 42] }), { ms: 20 })],
      [],
      [partialWarning(stopped, 2, ['busy-wait async'])],
    ),
    ...completeness(stopped),
  });

  it('shows its warning in the table, the Markdown and the HTML', () => {
    const text = 'partial: stopped by SIGINT after 2 of 10 planned runs';
    assert.match(formats.table(partial()), new RegExp(`warning: ${text}`));
    assert.match(formats.markdown(partial()), new RegExp(`> ⚠️ ${text}`));
    assert.match(renderReportHtml(partial()), new RegExp(`<li>${text}`));
  });

  it('compare says which side is partial, in its table and its Markdown, and judges on the runs it has', () => {
    const complete = makeReport([
      entry('busy-wait', 'sync', runsFrom({ requestsPerSec: [41, 43, 40] }), { ms: 20 }),
    ]);
    const c = compareReports(complete, partial());
    const warning =
      'head is partial: stopped by SIGINT after 2 of 10 planned runs; judged on the runs it has';
    assert.deepEqual(
      c.warnings.filter((w) => w.includes('partial')),
      [warning],
    );
    assert.ok(c.rows.length > 0, 'the runs it has are compared');
    const labels = { base: 'base.json', head: 'head.json' };
    assert.ok(formatCompareTable(c, labels).includes(`warning: ${warning}`));
    assert.ok(formatCompareMarkdown(c, labels).includes(`> ⚠️ ${warning}`));
    assert.deepEqual(
      compareReports(partial(), complete).warnings.filter((w) => w.includes('partial')),
      [warning.replace('head', 'base')],
    );
    // One benchmark's two sides share its stop: one warning, with both sides' runs.
    assert.deepEqual(
      compareReports(partial(), partial(), { paired: true }).warnings.filter((w) =>
        w.includes('partial'),
      ),
      [
        'the paired benchmark is partial: stopped by SIGINT after 4 of 10 planned runs; judged on the runs it has',
      ],
    );
  });

  it('merged with a complete report, the result is partial and names the partial input', () => {
    const later = makeReport([
      entry(
        'busy-wait',
        'sync',
        runsFrom({ requestsPerSec: [44] }).map((r) => ({
          ...r,
          startedAt: '2024-01-01T01:00:00.000Z',
        })),
        { ms: 20 },
      ),
    ]);
    const merged = mergeReports([later, partial()], ['a.json', 'b.json']);
    assert.equal(merged.complete, false);
    assert.equal(merged.stoppedBy, 'SIGINT');
    assert.equal(merged.plannedRuns, 11);
    assert.equal(
      merged.warnings[0],
      'partial: b.json was stopped by SIGINT after 2 of 10 planned runs',
    );
    const whole = mergeReports([later], ['a.json']);
    assert.equal(whole.complete, true);
    assert.equal(whole.stoppedBy, undefined);
  });
});
