/**
 * The pure part of a live session (bench/live/frames.ts): a probe's frame and the load's tally
 * made into events, and the controls checked, with exact expectations.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addTally,
  applyParams,
  changeMarker,
  checkConnections,
  checkRate,
  emptyTally,
  frameEvent,
  loadFigures,
  openFigures,
  pingFigures,
  rateMarker,
  stallEvents,
} from '../../bench/live/frames.ts';
import type { LoadTally } from '../../bench/run/load/steady-load.ts';
import type { ProbeFrame } from '../../scenarios/probe/protocol.ts';
import { getScenario } from '../../scenarios/registry.ts';

const probe: ProbeFrame = {
  frameMs: 500,
  frameEndEpochMs: 1_000_750,
  lagP50Ms: 60,
  lagP99Ms: 150,
  lagMaxMs: 152,
  lagSamples: 12,
  elu: 1,
  cpuUserMs: 200,
  cpuSystemMs: 50,
  rssBytes: 50_000_000,
};

describe('a live frame from the load and the probe', () => {
  it('gives requests/s over the load’s own span and latency percentiles of the frame', () => {
    const tally = {
      completed: 5,
      errors: 1,
      timeouts: 0,
      latenciesMs: [40, 10, 30, 20, 50],
      spanMs: 250,
      ping: null,
    };
    assert.deepEqual(loadFigures(tally), {
      requestsPerSec: 20,
      latencyP50Ms: 30,
      latencyP99Ms: 49.6,
      errors: 1,
      timeouts: 0,
    });
  });

  it('has a measured 0 requests/s but no latency when nothing was answered', () => {
    const tally = {
      completed: 0,
      errors: 0,
      timeouts: 3,
      latenciesMs: [],
      spanMs: 1000,
      ping: null,
    };
    assert.deepEqual(loadFigures(tally), {
      requestsPerSec: 0,
      latencyP50Ms: null,
      latencyP99Ms: null,
      errors: 0,
      timeouts: 3,
    });
  });

  it('has null load figures without a load (paused), never 0', () => {
    assert.deepEqual(loadFigures(null), {
      requestsPerSec: null,
      latencyP50Ms: null,
      latencyP99Ms: null,
      errors: null,
      timeouts: null,
    });
  });

  it('adds two spans of load one after the other, their pings too', () => {
    const a = {
      completed: 2,
      errors: 1,
      timeouts: 0,
      latenciesMs: [1, 2],
      spanMs: 250,
      ping: { latenciesMs: [5], timeoutMs: 10_000, timeouts: 1, errors: 0 },
    };
    const b = {
      completed: 1,
      errors: 0,
      timeouts: 2,
      latenciesMs: [3],
      spanMs: 260,
      ping: { latenciesMs: [7, 6], timeoutMs: 10_000, timeouts: 0, errors: 2 },
    };
    assert.deepEqual(addTally(a, b), {
      completed: 3,
      errors: 1,
      timeouts: 2,
      latenciesMs: [1, 2, 3],
      spanMs: 510,
      ping: { latenciesMs: [5, 7, 6], timeoutMs: 10_000, timeouts: 1, errors: 2 },
    });
    assert.deepEqual(a.latenciesMs, [1, 2]);
    assert.deepEqual(a.ping.latenciesMs, [5]);
    assert.deepEqual(addTally(emptyTally(), b).ping, b.ping);
  });

  it('gives the pings that ended in the frame: percentiles from their due times, a failed one at the timeout', () => {
    const tally = {
      ...emptyTally(),
      spanMs: 250,
      ping: { latenciesMs: [4, 2, 3, 1], timeoutMs: 10_000, timeouts: 0, errors: 0 },
    };
    assert.deepEqual(pingFigures(tally), { pingP50Ms: 2.5, pingP99Ms: 3.97, pingTimeouts: 0 });
    // Issue 24's rule, as bench has it: a timeout and an error each count as 10 s, and as a timeout.
    const failing = { ...tally, ping: { ...tally.ping, timeouts: 1, errors: 1 } };
    assert.deepEqual(pingFigures(failing), {
      pingP50Ms: 3.5,
      pingP99Ms: 10_000,
      pingTimeouts: 2,
    });
  });

  it('has ping percentiles null but a measured 0 timeouts when no ping ended in the frame', () => {
    const quiet = {
      ...emptyTally(),
      spanMs: 250,
      ping: { latenciesMs: [], timeoutMs: 10_000, timeouts: 0, errors: 0 },
    };
    assert.deepEqual(pingFigures(quiet), { pingP50Ms: null, pingP99Ms: null, pingTimeouts: 0 });
  });

  it('has null ping figures without a bystander or without a load (paused), never 0', () => {
    const none = { pingP50Ms: null, pingP99Ms: null, pingTimeouts: null };
    assert.deepEqual(pingFigures(null), none);
    assert.deepEqual(pingFigures({ ...emptyTally(), spanMs: 250 }), none);
  });

  it('makes the frame event: elapsed from the session’s start, CPU in cores, no load no ping', () => {
    assert.deepEqual(frameEvent('sync', 1_000_000, probe, null), {
      type: 'frame',
      variant: 'sync',
      elapsedMs: 750,
      frameMs: 500,
      requestsPerSec: null,
      latencyP50Ms: null,
      latencyP99Ms: null,
      errors: null,
      timeouts: null,
      lagP50Ms: 60,
      lagP99Ms: 150,
      lagMaxMs: 152,
      elu: 1,
      pingP50Ms: null,
      pingP99Ms: null,
      pingTimeouts: null,
      cpuCores: 0.5,
      rssBytes: 50_000_000,
    });
  });

  it('gives no lag for a frame in which the sampler never fired', () => {
    const e = frameEvent('sync', 1_000_000, { ...probe, lagSamples: 0 }, null);
    assert.deepEqual([e.lagP50Ms, e.lagP99Ms, e.lagMaxMs], [null, null, null]);
  });

  it('makes one stall event per stack caught, none without stall capture', () => {
    const frames = [{ function: 'spin', file: 'scenarios/catalog/busy-wait.ts', line: 17 }];
    const withStalls: ProbeFrame = {
      ...probe,
      stalls: {
        state: 'recorded',
        thresholdMs: 50,
        count: 2,
        totalMs: 300,
        attributedMs: 300,
        samples: 15,
        samplingMs: 0.2,
        cpuWaitMs: null,
        machineMs: null,
        stacks: [
          { frames, ms: 300, share: 0.997, samples: 15 },
          // A stall that ended as this frame opened: no stall of this frame.
          {
            frames: [{ ...frames[0], line: 18 } as (typeof frames)[0]],
            ms: 0.4,
            share: 0.003,
            samples: 1,
          },
        ],
      },
    };
    assert.deepEqual(stallEvents('sync', 1_000_000, withStalls), [
      { type: 'stall', variant: 'sync', elapsedMs: 750, ms: 300, frames },
    ]);
    assert.deepEqual(stallEvents('sync', 1_000_000, probe), []);
    const off: ProbeFrame = { ...probe, stalls: { state: 'unavailable', reason: 'x' } };
    assert.deepEqual(stallEvents('sync', 1_000_000, off), []);
  });
});

describe('a live frame under an open-model load (--rate)', () => {
  const open = (over: Partial<NonNullable<LoadTally['open']>> = {}) => ({
    ratePerSec: 40,
    due: 10,
    uncorrectedLatenciesMs: [30, 10, 20, 40],
    queued: 0,
    generatorLimited: null,
    ...over,
  });
  const tally: LoadTally = {
    completed: 4,
    errors: 0,
    timeouts: 0,
    // Timed from each request's due time: each at least its time from the send.
    latenciesMs: [35, 12, 21, 60],
    spanMs: 250,
    ping: null,
    open: open(),
  };

  it('gives the latency from the due time as latencyP50Ms/P99Ms, and the uncorrected beside it', () => {
    const frame = frameEvent('sync', 1_000_000, probe, tally, 40);
    assert.equal(frame.requestsPerSec, 16);
    assert.equal(frame.latencyP50Ms, 28);
    assert.equal(frame.latencyP99Ms, 59.25);
    assert.equal(frame.offeredPerSec, 40);
    assert.equal(frame.uncorrectedP50Ms, 25);
    assert.equal(frame.uncorrectedP99Ms, 39.7);
  });

  it('has null open figures when no load ran, and none at all under a closed loop', () => {
    assert.deepEqual(openFigures(null, 40), {
      offeredPerSec: null,
      uncorrectedP50Ms: null,
      uncorrectedP99Ms: null,
    });
    assert.deepEqual(openFigures({ ...tally, open: open({ uncorrectedLatenciesMs: [] }) }, 40), {
      offeredPerSec: 40,
      uncorrectedP50Ms: null,
      uncorrectedP99Ms: null,
    });
    const closed = frameEvent('sync', 1_000_000, probe, { ...tally, open: undefined });
    assert.equal('offeredPerSec' in closed, false);
    assert.equal('uncorrectedP99Ms' in closed, false);
  });

  it('adds two spans of an open load: counts summed, the later rate and verdict kept', () => {
    const later: LoadTally = {
      ...tally,
      latenciesMs: [5],
      open: open({ ratePerSec: 80, due: 3, uncorrectedLatenciesMs: [4], queued: 2 }),
    };
    assert.deepEqual(addTally(tally, later).open, {
      ratePerSec: 80,
      due: 13,
      uncorrectedLatenciesMs: [30, 10, 20, 40, 4],
      queued: 2,
      generatorLimited: null,
    });
    const limited = { ...later, open: open({ generatorLimited: 'late' }) };
    assert.equal(addTally(limited, later).open?.generatorLimited, 'late');
    assert.equal(addTally(emptyTally(), later).open?.due, 3);
  });
});

describe('the controls of a live session', () => {
  const busyWait = getScenario('busy-wait');

  it('applies a parameter within its range and names the change', () => {
    const next = applyParams(busyWait, { ms: 20 }, { ms: 50 });
    assert.deepEqual(next, { ms: 50 });
    assert.equal(changeMarker({ ms: 20 }, next), 'ms 20 → 50');
    assert.equal(changeMarker({ ms: 20 }, { ms: 20 }), '');
  });

  it('refuses an unknown parameter or a value out of range with LOOPLAB_ERR_BAD_PARAM', () => {
    assert.throws(() => applyParams(busyWait, { ms: 20 }, { size: 5 }), {
      code: 'LOOPLAB_ERR_BAD_PARAM',
      message: 'busy-wait has no parameter "size"; known: ms',
    });
    assert.throws(() => applyParams(busyWait, { ms: 20 }, { ms: 0 }), {
      code: 'LOOPLAB_ERR_BAD_PARAM',
    });
    assert.throws(() => applyParams(busyWait, { ms: 20 }, { ms: '5' as unknown as number }), {
      code: 'LOOPLAB_ERR_BAD_PARAM',
    });
  });

  it('takes a rate above 0 and at most 10000 requests/s, and names its change', () => {
    assert.equal(checkRate(0.5), 0.5);
    assert.equal(checkRate(10_000), 10_000);
    for (const bad of [0, -1, 10_001, Number.NaN, Number.POSITIVE_INFINITY, '40', null])
      assert.throws(() => checkRate(bad), { code: 'LOOPLAB_ERR_BAD_PARAM' });
    assert.equal(rateMarker(40, 80), 'rate 40 → 80/s');
  });

  it('takes 1 to 1000 connections, whole', () => {
    assert.equal(checkConnections(1), 1);
    assert.equal(checkConnections(1000), 1000);
    for (const bad of [0, 1001, 2.5, '10', null])
      assert.throws(() => checkConnections(bad), { code: 'LOOPLAB_ERR_BAD_PARAM' });
  });
});
