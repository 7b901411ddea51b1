/**
 * The measurement agrees with physics. One event loop that busy-waits 20 ms per request cannot
 * serve more than 1000 / 20 = 50 requests a second, and its loop stalls at least 20 ms at a
 * time; awaiting a timer instead leaves the loop free. Margins are generous: this checks
 * directions and ceilings, not timings.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { CompletedRun } from '../../bench/report/types.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { reapAll } from '../../bench/run/process/child.ts';
import busyWait from '../../scenarios/catalog/busy-wait.ts';
import { measuredTwice } from './helpers.ts';

after(reapAll);

test('busy-wait ms=20: sync is capped at 50 req/s and stalls; async does not', (t) =>
  measuredTwice(t, async () => {
    const report = await runBench(
      [{ scenario: busyWait, variants: ['sync', 'async'], params: { ms: 20 } }],
      {
        durationSec: 2,
        warmupSec: 0.5,
        connections: 10,
        runs: 1,
        pingRateHz: 50,
        timeoutSec: 10,
        timelineIntervalMs: 100,
      },
    );
    const run = (variant: string) => {
      const r = report.results.find((x) => x.variant === variant)?.runs[0];
      assert.equal(r?.state, 'completed', `${variant} run did not complete`);
      return r as CompletedRun;
    };
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
