/**
 * The measurement agrees with physics. One event loop that busy-waits 20 ms per request cannot
 * serve more than 1000 / 20 = 50 requests a second, and its loop stalls at least 20 ms at a
 * time; awaiting a timer instead leaves the loop free. A request that waits three 20 ms calls one
 * after another takes at least 60 ms; made together, the calls take one wait, and the two saved
 * stay saved however slow the work around them is. Margins are generous: this checks directions,
 * floors and ceilings, not timings.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { CompletedRun, Report } from '../../bench/report/types.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { reapAll } from '../../bench/run/process/child.ts';
import busyWait from '../../scenarios/catalog/busy-wait.ts';
import upstreamCalls from '../../scenarios/catalog/upstream-calls.ts';
import { measuredTwice } from './helpers.ts';

after(reapAll);

/** One short run per variant: enough for directions, floors and ceilings. */
const WINDOW = {
  durationSec: 2,
  warmupSec: 0.5,
  connections: 10,
  runs: 1,
  pingRateHz: 50,
  timeoutSec: 10,
  timelineIntervalMs: 100,
};

function completedRun(report: Report, variant: string): CompletedRun {
  const r = report.results.find((x) => x.variant === variant)?.runs[0];
  assert.equal(r?.state, 'completed', `${variant} run did not complete`);
  return r as CompletedRun;
}

test('busy-wait ms=20: sync is capped at 50 req/s and stalls; async does not', (t) =>
  measuredTwice(t, async () => {
    const report = await runBench(
      [{ scenario: busyWait, variants: ['sync', 'async'], params: { ms: 20 } }],
      WINDOW,
    );
    const run = (variant: string) => completedRun(report, variant);
    const sync = run('sync');
    const async = run('async');
    const ceiling = 1000 / 20;

    // Above the ceiling would mean the harness counts wrong; far below, that it measures itself.
    assert.ok(
      sync.requestsPerSec !== null && sync.requestsPerSec <= ceiling * 1.02,
      `sync ${sync.requestsPerSec} req/s`,
    );
    assert.ok(sync.requestsPerSec >= ceiling * 0.7, `sync ${sync.requestsPerSec} req/s`);
    assert.ok(sync.lagMaxMs !== null && sync.lagMaxMs >= 20, `sync lagMaxMs ${sync.lagMaxMs}`);
    assert.ok(sync.elu !== null && sync.elu > 0.8, `sync elu ${sync.elu}`);

    assert.ok(async.requestsPerSec !== null && async.requestsPerSec > sync.requestsPerSec * 3);
    assert.ok(
      async.lagP99Ms !== null && sync.lagP99Ms !== null && async.lagP99Ms * 10 < sync.lagP99Ms,
      `lag p99 async ${async.lagP99Ms} vs sync ${sync.lagP99Ms}`,
    );
    assert.ok(
      async.pingP99Ms !== null && sync.pingP99Ms !== null && async.pingP99Ms * 10 < sync.pingP99Ms,
      `/ping p99 async ${async.pingP99Ms} vs sync ${sync.pingP99Ms}`,
    );
    assert.ok(async.elu !== null && async.elu < sync.elu);

    // The timeline shows the stall too: some interval of sync saw the loop blocked 20 ms or more.
    assert.ok(sync.timeline.some((p) => p.lagMaxMs >= 20));
    assert.match(report.verdicts[0]?.text ?? '', /async served \d+(\.\d)?x the requests of sync/);
  }));

test('upstream-calls latency=20: async waits three calls, parallel one; the waits saved show in the difference', (t) =>
  measuredTwice(t, async () => {
    const latencyMs = 20;
    const report = await runBench(
      [
        {
          scenario: upstreamCalls,
          variants: ['async', 'parallel'],
          params: { latency: latencyMs },
        },
      ],
      WINDOW,
    );
    const run = (variant: string) => completedRun(report, variant);
    const async = run('async');
    const parallel = run('parallel');
    const seen = `async p50 ${async.latencyP50Ms} ms, ${async.requestsPerSec} req/s; parallel p50 ${parallel.latencyP50Ms} ms, ${parallel.requestsPerSec} req/s`;
    const asyncP50 = async.latencyP50Ms ?? Number.NaN;
    const parallelP50 = parallel.latencyP50Ms ?? Number.NaN;
    // Floors: a timer fires at most a millisecond early, and async starts each call after the last.
    assert.ok(asyncP50 >= 3 * latencyMs * 0.95, seen);
    assert.ok(parallelP50 >= latencyMs * 0.95, seen);
    // Two waits saved (40 ms); at least one, whatever the machine adds to both medians.
    assert.ok(asyncP50 - parallelP50 > latencyMs, seen);
    assert.ok(
      (parallel.requestsPerSec ?? 0) > (async.requestsPerSec ?? Number.POSITIVE_INFINITY),
      seen,
    );
    // The upstream's own count: one call out per connection, against three.
    assert.equal(async.upstream?.maxInFlight, 10, seen);
    assert.equal(parallel.upstream?.maxInFlight, 30, seen);
  }));
