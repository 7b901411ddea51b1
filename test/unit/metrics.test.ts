import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METRIC_NAMES, METRICS } from '../../bench/report/metrics.ts';
import {
  buildCompletedRun,
  GENERATOR_SATURATED_ELU,
  type RunInputs,
  runProblem,
} from '../../bench/report/run-record.ts';
import type { BystanderResult, LoadResult } from '../../bench/report/types.ts';
import type { ProbeData } from '../../scenarios/probe/protocol.ts';

const LOAD: LoadResult = {
  elapsedMs: 3000,
  requestsTotal: 1000,
  bytesTotal: 1_000_000,
  latencyP50Ms: 12.5,
  latencyP90Ms: 20,
  latencyP99Ms: 45.25,
  latencyMaxMs: 80,
  errors: 1,
  timeouts: 2,
  non2xx: 3,
  ttfbMs: [4, 1.00004, 3, 2],
};

const PING: BystanderResult = {
  latenciesMs: [30, 0.5, 20, 10],
  timeoutMs: 10_000,
  sent: 5,
  errors: 1,
  timeouts: 0,
};

const PROBE: ProbeData = {
  windowMs: 3001,
  lagP50Ms: 10.5,
  lagP99Ms: 20.25,
  lagMaxMs: 40,
  lagSamples: 150,
  elu: 0.75,
  cpuUserMs: 2500,
  cpuSystemMs: 300,
  loopCpuMs: 2100,
  rssMaxBytes: 50_000_000,
  heapUsedMaxBytes: 10_000_000,
  timelineIntervalMs: 100,
  timeline: [
    { tMs: 100, lagMaxMs: 5, elu: 0.7 },
    { tMs: 200, lagMaxMs: 40, elu: 0.8 },
  ],
};

function inputs(over: Partial<RunInputs> = {}): RunInputs {
  return {
    run: 2,
    startedAt: '2024-01-01T00:00:00.000Z',
    serverPid: 4242,
    load: LOAD,
    ping: PING,
    probe: PROBE,
    generator: { elu: 0.123456, cpuPct: 87.654 },
    ...over,
  };
}

describe('METRIC_NAMES', () => {
  it('lists the 25 per-run metrics in report order', () => {
    assert.deepEqual(METRIC_NAMES, [
      'requestsPerSec',
      'bytesPerSec',
      'latencyP50Ms',
      'latencyP90Ms',
      'latencyP99Ms',
      'latencyMaxMs',
      'ttfbP50Ms',
      'ttfbP99Ms',
      'errors',
      'timeouts',
      'non2xx',
      'pingP50Ms',
      'pingP99Ms',
      'pingMaxMs',
      'lagP50Ms',
      'lagP99Ms',
      'lagMaxMs',
      'elu',
      'cpuUserMs',
      'cpuSystemMs',
      'rssMaxBytes',
      'upstreamCallsPerRequest',
      'upstreamConnectionsPerRequest',
      'upstreamAnswerP50Ms',
      'upstreamMaxInFlight',
    ]);
  });

  it('puts the unit in the name', () => {
    for (const name of METRIC_NAMES) {
      const { unit } = METRICS[name];
      if (name.endsWith('Ms')) assert.equal(unit, 'ms', name);
      if (name.endsWith('Bytes')) assert.equal(unit, 'bytes', name);
    }
    assert.equal(METRICS.requestsPerSec.unit, 'req/s');
    assert.equal(METRICS.bytesPerSec.unit, 'B/s');
  });

  it('calls only throughput, and calls waiting together, better when higher', () => {
    const higher = METRIC_NAMES.filter((n) => METRICS[n].better === 'higher');
    assert.deepEqual(higher, ['requestsPerSec', 'bytesPerSec', 'upstreamMaxInFlight']);
  });
});

describe('buildCompletedRun', () => {
  it('builds the whole record from the raw measurements', () => {
    assert.deepEqual(buildCompletedRun(inputs()), {
      state: 'completed',
      run: 2,
      startedAt: '2024-01-01T00:00:00.000Z',
      serverPid: 4242,
      windowMs: 3000,
      serverWindowMs: 3001,
      requestsPerSec: 333.333,
      bytesPerSec: 333_333,
      latencyP50Ms: 12.5,
      latencyP90Ms: 20,
      latencyP99Ms: 45.25,
      latencyMaxMs: 80,
      ttfbP50Ms: 2.5,
      ttfbP99Ms: 3.97,
      errors: 1,
      timeouts: 2,
      non2xx: 3,
      pingP50Ms: 15,
      pingP99Ms: 29.7,
      pingMaxMs: 30,
      lagP50Ms: 10.5,
      lagP99Ms: 20.25,
      lagMaxMs: 40,
      elu: 0.75,
      cpuUserMs: 2500,
      cpuSystemMs: 300,
      rssMaxBytes: 50_000_000,
      upstreamCallsPerRequest: null,
      upstreamConnectionsPerRequest: null,
      upstreamAnswerP50Ms: null,
      upstreamMaxInFlight: null,
      requestsTotal: 1000,
      pingSent: 5,
      pingErrors: 1,
      pingTimeouts: 0,
      lagSamples: 150,
      heapUsedMaxBytes: 10_000_000,
      loopCpuMs: 2100,
      loadGenerator: { elu: 0.1235, cpuPct: 87.7, saturated: false },
      timelineIntervalMs: 100,
      timeline: PROBE.timeline,
      stalls: null,
    });
  });

  it("carries the probe's stalls over as they are, and null without them", () => {
    const stalls = { state: 'unavailable', reason: 'no inspector' } as const;
    assert.deepEqual(buildCompletedRun(inputs({ probe: { ...PROBE, stalls } })).stalls, stalls);
    assert.equal(buildCompletedRun(inputs({ probe: null })).stalls, null);
  });

  it('has every metric name as a number or null', () => {
    const rec = buildCompletedRun(inputs({ probe: null }));
    for (const name of METRIC_NAMES) {
      assert.ok(Object.hasOwn(rec, name), `missing ${name}`);
      assert.ok(rec[name] === null || typeof rec[name] === 'number', name);
    }
  });

  it('divides by the elapsed window, not the requested duration', () => {
    const rec = buildCompletedRun(
      inputs({ load: { ...LOAD, elapsedMs: 1999.5, requestsTotal: 4000, bytesTotal: 1_234_567 } }),
    );
    assert.equal(rec.windowMs, 1999.5);
    assert.equal(rec.requestsPerSec, 2000.5); // 2000.50012… rounded to 3 decimals
    assert.equal(rec.bytesPerSec, 617_438); // 617437.86… rounded to a whole byte
  });

  it('takes ping percentiles over the sorted latencies, interpolating linearly', () => {
    // Sorted: [0.5, 10, 20, 30]. p50 sits halfway between 10 and 20; p99 at 20 + 0.97 × 10.
    // Taken over the unsorted input, p50 would be 10.25 instead.
    const rec = buildCompletedRun(inputs());
    assert.equal(rec.pingP50Ms, 15);
    assert.equal(rec.pingP99Ms, 29.7);
    assert.equal(rec.pingMaxMs, 30);
  });

  it('takes time-to-first-byte percentiles over the sorted samples, to 3 decimals', () => {
    // Sorted: [1.00004, 2, 3, 4]: p50 halfway between 2 and 3, p99 at 3 + 0.97 × 1.
    const rec = buildCompletedRun(inputs());
    assert.deepEqual([rec.ttfbP50Ms, rec.ttfbP99Ms], [2.5, 3.97]);
    const one = buildCompletedRun(inputs({ load: { ...LOAD, ttfbMs: [1.23456] } }));
    assert.deepEqual([one.ttfbP50Ms, one.ttfbP99Ms], [1.235, 1.235]);
  });

  it('gives null time to first byte, not zero, when no response completed', () => {
    const rec = buildCompletedRun(inputs({ load: { ...LOAD, requestsTotal: 0, ttfbMs: [] } }));
    assert.deepEqual([rec.ttfbP50Ms, rec.ttfbP99Ms], [null, null]);
  });

  it('rounds ping latencies to 3 decimals', () => {
    const rec = buildCompletedRun(inputs({ ping: { ...PING, latenciesMs: [1.23456, 1.23456] } }));
    assert.equal(rec.pingP50Ms, 1.235);
    assert.equal(rec.pingP99Ms, 1.235);
    assert.equal(rec.pingMaxMs, 1.235);
  });

  it('does not reorder the caller’s latencies', () => {
    const latenciesMs = [30, 0.5, 20, 10];
    buildCompletedRun(inputs({ ping: { ...PING, latenciesMs } }));
    assert.deepEqual(latenciesMs, [30, 0.5, 20, 10]);
  });

  it('counts a timed-out ping as the timeout, so a server too blocked to answer never looks fast', () => {
    const rec = buildCompletedRun(
      inputs({ ping: { latenciesMs: [10, 20], timeoutMs: 1000, sent: 4, errors: 0, timeouts: 2 } }),
    );
    // sorted: 10, 20, 1000, 1000
    assert.equal(rec.pingP50Ms, 510);
    assert.equal(rec.pingMaxMs, 1000);
    assert.equal(rec.pingTimeouts, 2);
  });

  it('gives null latencies, not zeros, when no request to / completed', () => {
    const rec = buildCompletedRun(
      inputs({
        load: {
          ...LOAD,
          requestsTotal: 0,
          latencyP50Ms: 0,
          latencyP90Ms: 0,
          latencyP99Ms: 0,
          latencyMaxMs: 0,
        },
      }),
    );
    assert.equal(rec.requestsPerSec, 0);
    assert.deepEqual(
      [rec.latencyP50Ms, rec.latencyP90Ms, rec.latencyP99Ms, rec.latencyMaxMs],
      [null, null, null, null],
    );
  });

  it('gives null ping metrics when no /ping was answered or timed out, keeping the counts', () => {
    const rec = buildCompletedRun(
      inputs({ ping: { latenciesMs: [], timeoutMs: 1000, sent: 10, errors: 10, timeouts: 0 } }),
    );
    assert.equal(rec.pingP50Ms, null);
    assert.equal(rec.pingP99Ms, null);
    assert.equal(rec.pingMaxMs, null);
    assert.equal(rec.pingSent, 10);
    assert.equal(rec.pingErrors, 10);
    assert.equal(rec.pingTimeouts, 0);
  });

  it('gives null probe metrics and an empty timeline when the probe is off', () => {
    const rec = buildCompletedRun(inputs({ probe: null }));
    for (const name of [
      'lagP50Ms',
      'lagP99Ms',
      'lagMaxMs',
      'elu',
      'cpuUserMs',
      'cpuSystemMs',
      'rssMaxBytes',
      'lagSamples',
      'heapUsedMaxBytes',
      'loopCpuMs',
      'timelineIntervalMs',
    ] as const) {
      assert.equal(rec[name], null, name);
    }
    assert.deepEqual(rec.timeline, []);
    assert.equal(rec.requestsPerSec, 333.333);
  });

  it('calls the load generator saturated from GENERATOR_SATURATED_ELU upwards', () => {
    assert.equal(GENERATOR_SATURATED_ELU, 0.9);
    const saturated = (elu: number) =>
      buildCompletedRun(inputs({ generator: { elu, cpuPct: 100 } })).loadGenerator.saturated;
    assert.equal(saturated(0.5), false);
    assert.equal(saturated(0.8999), false);
    assert.equal(saturated(0.9), true);
    assert.equal(saturated(1), true);
  });
});

describe('runProblem: a window that measured the server failing, not working', () => {
  const ok = { ...LOAD, non2xx: 0 };
  it('is null for a run that answered, however slowly', () => {
    assert.equal(runProblem(ok, PING, 3), null);
    // Blocked so long that neither / nor /ping was answered: that is a measurement.
    assert.equal(runProblem({ ...ok, requestsTotal: 0 }, { ...PING, latenciesMs: [] }, 3), null);
    // Requests that timed out were measured as timeouts.
    assert.equal(runProblem({ ...ok, requestsTotal: 0, timeouts: 4 }, PING, 3), null);
  });

  it('fails a run with any non-2xx answer, saying how many', () => {
    assert.equal(
      runProblem({ ...ok, requestsTotal: 2207, non2xx: 2207 }, PING, 1),
      'the server answered 2,207 of 2,207 requests with an error status (not 2xx): these numbers would measure its failures, not its work',
    );
  });

  it('fails a run whose handler never finished while the loop answered /ping', () => {
    assert.equal(
      runProblem({ ...ok, requestsTotal: 0, timeouts: 0 }, PING, 1),
      'no request to / finished in the 1 s window while the event loop answered /ping 4 times: the handler never finished, or one request takes longer than --duration',
    );
  });
});
