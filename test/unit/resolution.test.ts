/**
 * How finely a run's latencies were recorded: the field when a run has it, else what wrote the
 * report (autocannon's whole ms for HTTP, µs for WebSocket); only the latency percentiles.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  entryResolution,
  inWholeMs,
  latencyResolutionMs,
  mixesWholeMs,
  resolutionOf,
  roundedDown,
} from '../../bench/report/resolution.ts';
import { completedRun, entry, failedRun } from './fixtures.ts';

describe('latency resolution', () => {
  it('reads a run without the field as whole ms for HTTP and µs for WebSocket', () => {
    assert.equal(latencyResolutionMs(completedRun(1)), 1);
    assert.equal(latencyResolutionMs(completedRun(1, { messagesSentPerSec: 50 })), 0.001);
    assert.equal(latencyResolutionMs(completedRun(1, {}, { latencyResolutionMs: 0.001 })), 0.001);
  });

  it('applies to the latency percentiles only: first byte, /ping and lag are timed finely', () => {
    const run = completedRun(1);
    assert.deepEqual(
      (['latencyP50Ms', 'latencyMaxMs', 'ttfbP50Ms', 'pingP99Ms', 'lagP99Ms'] as const).map((m) =>
        resolutionOf(run, m),
      ),
      [1, 1, 0, 0, 0],
    );
  });

  it("takes an entry's coarsest step over the runs that measured the metric", () => {
    const e = entry('a', 'b', [
      completedRun(1, { latencyP99Ms: 3 }, { latencyResolutionMs: 0.001 }),
      completedRun(2, { latencyP99Ms: 4 }),
      completedRun(3, { latencyP99Ms: null }, { latencyResolutionMs: 5 }),
      failedRun(4),
    ]);
    assert.equal(entryResolution(e, 'latencyP99Ms'), 1);
    assert.equal(inWholeMs(e, 'latencyP99Ms'), true);
    const fine = entry('a', 'b', [
      completedRun(1, { latencyP99Ms: 3 }, { latencyResolutionMs: 0.001 }),
    ]);
    assert.equal(inWholeMs(fine, 'latencyP99Ms'), false);
    assert.equal(entryResolution(fine, 'lagP99Ms'), 0);
  });

  it('finds whole ms rounded down set against µs, within a side or across two', () => {
    const wholeRun = completedRun(1, { latencyP99Ms: 3, ttfbP50Ms: 2.5 });
    const fineRun = completedRun(2, { latencyP99Ms: 3.4 }, { latencyResolutionMs: 0.001 });
    const whole = entry('a', 'b', [wholeRun]);
    const fine = entry('a', 'b', [fineRun]);
    const unmeasured = entry('a', 'b', [
      completedRun(1, { latencyP99Ms: null }, { latencyResolutionMs: 0.001 }),
    ]);
    assert.deepEqual(
      [
        roundedDown(wholeRun, 'latencyP99Ms'),
        roundedDown(fineRun, 'latencyP99Ms'),
        roundedDown(wholeRun, 'ttfbP50Ms'),
      ],
      [true, false, false],
    );
    assert.equal(mixesWholeMs([whole, fine], 'latencyP99Ms'), true);
    assert.equal(mixesWholeMs([fine, whole], 'latencyP99Ms'), true);
    assert.equal(mixesWholeMs([whole, whole], 'latencyP99Ms'), false);
    assert.equal(mixesWholeMs([fine, fine], 'latencyP99Ms'), false);
    // A run that did not measure the metric does not count; first byte is never rounded so.
    assert.equal(mixesWholeMs([whole, unmeasured], 'latencyP99Ms'), false);
    assert.equal(mixesWholeMs([whole, fine], 'ttfbP50Ms'), false);
    const merged = entry('a', 'b', [wholeRun, fineRun]);
    assert.equal(mixesWholeMs([merged], 'latencyP99Ms'), true);
  });
});
