import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METRIC_NAMES, METRICS } from '../../bench/report/metrics.ts';
import {
  buildCompletedRun,
  GENERATOR_SATURATED_ELU,
  type RunInputs,
  runProblem,
  serverWindowEdges,
  silenceProblem,
  silentTailMs,
} from '../../bench/report/run-record.ts';
import type { BystanderResult, LoadResult } from '../../bench/report/types.ts';
import { RequestTally } from '../../bench/run/load/request-tally.ts';
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
  sent: 4,
  errors: 0,
  timeouts: 0,
};

const PROBE: ProbeData = {
  windowMs: 3001,
  lagP50Ms: 10.5,
  lagP99Ms: 20.25,
  lagRawP50Ms: 1.5,
  lagRawP99Ms: 19.75,
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
  it('lists the 33 per-run metrics in report order', () => {
    assert.deepEqual(METRIC_NAMES, [
      'requestsPerSec',
      'bytesPerSec',
      'latencyP50Ms',
      'latencyP90Ms',
      'latencyP99Ms',
      'latencyMaxMs',
      'ttfbP50Ms',
      'ttfbP99Ms',
      'messagesSentPerSec',
      'messagesDeliveredPerSec',
      'deliveryP50Ms',
      'deliveryP99Ms',
      'deliveryMaxMs',
      'messagesLate',
      'messagesDropped',
      'errors',
      'timeouts',
      'non2xx',
      'pingP50Ms',
      'pingP99Ms',
      'pingMaxMs',
      'pingErrors',
      'lagP50Ms',
      'lagP99Ms',
      'lagRawP50Ms',
      'lagRawP99Ms',
      'lagMaxMs',
      'elu',
      'cpuUserMs',
      'cpuSystemMs',
      'cpuPerRequestMs',
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
    assert.deepEqual(higher, [
      'requestsPerSec',
      'bytesPerSec',
      'messagesSentPerSec',
      'messagesDeliveredPerSec',
      'upstreamMaxInFlight',
    ]);
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
      ttfbP50Ms: 2,
      ttfbP99Ms: 4,
      messagesSentPerSec: null,
      messagesDeliveredPerSec: null,
      deliveryP50Ms: null,
      deliveryP99Ms: null,
      deliveryMaxMs: null,
      messagesLate: null,
      messagesDropped: null,
      errors: 1,
      timeouts: 2,
      non2xx: 3,
      pingP50Ms: 15,
      pingP99Ms: 29.7,
      pingMaxMs: 30,
      lagP50Ms: 10.5,
      lagP99Ms: 20.25,
      lagRawP50Ms: 1.5,
      lagRawP99Ms: 19.75,
      lagMaxMs: 40,
      elu: 0.75,
      cpuUserMs: 2500,
      cpuSystemMs: 300,
      // 2,800 ms of CPU over the probe's 3,001 ms, per request of 1,000 over the load's 3,000 ms.
      cpuPerRequestMs: 2.799067,
      rssMaxBytes: 50_000_000,
      upstreamCallsPerRequest: null,
      upstreamConnectionsPerRequest: null,
      upstreamAnswerP50Ms: null,
      upstreamMaxInFlight: null,
      requestsTotal: 1000,
      pingSent: 4,
      pingErrors: 0,
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

  it("places the probe's window against the load's, by their clocks, when both tell", () => {
    const probe = { ...PROBE, windowStartEpochMs: 1_700_000_000_012.5, windowMs: 3412.25 };
    const load = { ...LOAD, startEpochMs: 1_700_000_000_000 };
    assert.deepEqual(serverWindowEdges(load, probe), {
      serverWindowStartMs: 12.5,
      serverWindowEndMs: 3424.75,
    });
    const run = buildCompletedRun(inputs({ load, probe }));
    assert.deepEqual([run.serverWindowStartMs, run.serverWindowEndMs], [12.5, 3424.75]);
    assert.equal(serverWindowEdges(LOAD, probe), null);
    assert.equal(serverWindowEdges(load, null), null);
    assert.equal('serverWindowEndMs' in buildCompletedRun(inputs({ load, probe: null })), false);
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

  it("takes time-to-first-byte percentiles by the latency's rule: nearest rank, in µs", () => {
    // [1.00004, 2, 3, 4] kept as [1.000, 2, 3, 4] ms: p50 is the 2nd, p99 the 4th (before, by
    // interpolation, 2.5 and 3.97).
    const rec = buildCompletedRun(inputs());
    assert.deepEqual([rec.ttfbP50Ms, rec.ttfbP99Ms], [2, 4]);
    const one = buildCompletedRun(inputs({ load: { ...LOAD, ttfbMs: [1.23456] } }));
    assert.deepEqual([one.ttfbP50Ms, one.ttfbP99Ms], [1.235, 1.235]);
  });

  it("never reads a first byte later than the latency's: both by nearest rank", () => {
    // 100 requests, each first byte 0.1 ms before its answer: 97 at 2 ms, then 1,000, 1,039 and
    // 1,500 ms. Interpolated, the first byte's p99 read 1,038.9 + 0.01 × 461 = 1,043.51 ms,
    // beside a latency p99 (request-tally.ts, as load.ts reads it) of 1,038.848 (its bucket, 0.5 ms
    // wide at a second).
    const latenciesMs = [...Array<number>(97).fill(2), 1000, 1039, 1500];
    const tally = new RequestTally(10_000);
    for (const ms of latenciesMs) tally.answered(ms);
    const at = (p: number) => tally.counts().latency.percentile(p) as number;
    const load: LoadResult = {
      ...LOAD,
      latencyP50Ms: at(50),
      latencyP90Ms: at(90),
      latencyP99Ms: at(99),
      ttfbMs: latenciesMs.map((ms) => ms - 0.1),
    };
    const rec = buildCompletedRun(inputs({ load }));
    assert.deepEqual(
      [rec.latencyP50Ms, rec.ttfbP50Ms, rec.latencyP99Ms, rec.ttfbP99Ms],
      [2, 1.9, 1038.848, 1038.848],
    );
  });

  it('carries what the scenario wrote to its own output, and leaves the field out when it wrote to none', () => {
    const rec = buildCompletedRun(inputs({ probe: { ...PROBE, outputBytes: 25_600 } }));
    assert.equal(rec.outputBytes, 25_600);
    assert.equal('outputBytes' in buildCompletedRun(inputs()), false);
    assert.equal('outputBytes' in buildCompletedRun(inputs({ probe: null })), false);
  });

  it('gives null time to first byte, not zero, when no response completed', () => {
    const rec = buildCompletedRun(inputs({ load: { ...LOAD, requestsTotal: 0, ttfbMs: [] } }));
    assert.deepEqual([rec.ttfbP50Ms, rec.ttfbP99Ms], [null, null]);
  });

  it("gives a WebSocket run's message metrics per second of the window, and null for HTTP", () => {
    const messages = {
      sent: 1200,
      delivered: 23_999,
      late: 7,
      dropped: 1,
      deliveryP50Ms: 0.7,
      deliveryP99Ms: 41.5,
      deliveryMaxMs: 88.12345,
      behindSchedule: false,
    };
    const rec = buildCompletedRun(inputs({ load: { ...LOAD, messages } }));
    assert.deepEqual(
      [rec.messagesSentPerSec, rec.messagesDeliveredPerSec, rec.messagesLate, rec.messagesDropped],
      [400, 7999.667, 7, 1],
    );
    assert.deepEqual(
      [rec.deliveryP50Ms, rec.deliveryP99Ms, rec.deliveryMaxMs],
      [0.7, 41.5, 88.123],
    );
    const http = buildCompletedRun(inputs());
    assert.deepEqual(
      [http.messagesSentPerSec, http.deliveryP99Ms, http.messagesLate, http.messagesDropped],
      [null, null, null, null],
    );
  });

  it('calls a WebSocket driver that fell behind its schedule saturated, whatever its utilisation', () => {
    const behind = inputs({ generator: { elu: 0.2, cpuPct: 20, behindSchedule: true } });
    assert.equal(buildCompletedRun(behind).loadGenerator.saturated, true);
    const onTime = inputs({ generator: { elu: 0.2, cpuPct: 20, behindSchedule: false } });
    assert.equal(buildCompletedRun(onTime).loadGenerator.saturated, false);
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

  it('counts a failed ping as the timeout, so a route that fails under load never looks fast', () => {
    const rec = buildCompletedRun(
      inputs({ ping: { latenciesMs: [10, 20], timeoutMs: 1000, sent: 4, errors: 2, timeouts: 0 } }),
    );
    // sorted: 10, 20, 1000, 1000
    assert.equal(rec.pingP50Ms, 510);
    assert.equal(rec.pingMaxMs, 1000);
    assert.equal(rec.pingErrors, 2);
    const none = buildCompletedRun(
      inputs({ ping: { latenciesMs: [], timeoutMs: 1000, sent: 10, errors: 10, timeouts: 0 } }),
    );
    assert.deepEqual([none.pingP50Ms, none.pingP99Ms, none.pingMaxMs], [1000, 1000, 1000]);
  });

  it("keeps the 99th percentile of how late the bystander's pings went out; null with none, absent untimed", () => {
    const sendDelaysMs = [0, 120, 4, 0, 2];
    const rec = buildCompletedRun(inputs({ ping: { ...PING, sendDelaysMs } }));
    // sorted: 0, 0, 2, 4, 120; at 99%: 4 + 0.96 × (120 − 4)
    assert.equal(rec.pingSendDelayP99Ms, 115.36);
    assert.deepEqual(sendDelaysMs, [0, 120, 4, 0, 2]);
    const none = buildCompletedRun(inputs({ ping: { ...PING, sendDelaysMs: [] } }));
    assert.equal(none.pingSendDelayP99Ms, null);
    assert.equal('pingSendDelayP99Ms' in buildCompletedRun(inputs()), false);
  });

  it('gives null ping metrics when no /ping was due in the window, keeping the counts', () => {
    const rec = buildCompletedRun(
      inputs({ ping: { latenciesMs: [], timeoutMs: 1000, sent: 0, errors: 0, timeouts: 0 } }),
    );
    assert.deepEqual([rec.pingP50Ms, rec.pingP99Ms, rec.pingMaxMs], [null, null, null]);
    assert.deepEqual([rec.pingSent, rec.pingErrors, rec.pingTimeouts], [0, 0, 0]);
  });

  it('carries what was sent, answered after the close, and the latency step, when the load knows them', () => {
    const load = {
      ...LOAD,
      requestsSent: 1012,
      requestsAfterClose: 10,
      latencyResolutionMs: 0.001,
    };
    const rec = buildCompletedRun(inputs({ load }));
    assert.deepEqual(
      [rec.requestsTotal, rec.requestsSent, rec.requestsAfterClose, rec.latencyResolutionMs],
      [1000, 1012, 10, 0.001],
    );
    // requests/s counts what was answered in the window only.
    assert.equal(rec.requestsPerSec, 333.333);
    const unknown = buildCompletedRun(inputs());
    assert.deepEqual(
      ['requestsSent', 'requestsAfterClose', 'latencyResolutionMs'].map((k) => k in unknown),
      [false, false, false],
    );
  });

  it('rounds latencies timed to the microsecond to 3 decimals', () => {
    const rec = buildCompletedRun(inputs({ load: { ...LOAD, latencyP99Ms: 1500.123456 } }));
    assert.equal(rec.latencyP99Ms, 1500.123);
  });

  it('keeps the latencies of a window whose requests were all answered after it closed', () => {
    const load = { ...LOAD, requestsTotal: 0, requestsAfterClose: 10, latencyP50Ms: 4000 };
    assert.equal(buildCompletedRun(inputs({ load })).latencyP50Ms, 4000);
  });

  it('gives null probe metrics and an empty timeline when the probe is off', () => {
    const rec = buildCompletedRun(inputs({ probe: null }));
    for (const name of [
      'lagP50Ms',
      'lagP99Ms',
      'lagRawP50Ms',
      'lagRawP99Ms',
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
    // The window waits for its last requests: a handler that never finishes ends in timeouts.
    assert.equal(
      runProblem({ ...ok, requestsTotal: 0, timeouts: 4 }, PING, 3),
      'no request to / finished in the 3 s window (4 timed out, --timeout) while the event loop answered /ping 4 times: the handler never finished, or one request takes longer than --duration',
    );
  });
});

describe('silentTailMs: a load whose answers stopped before its end', () => {
  // 20 answers in the first 40 ms of a 1 s window, the slowest in 20 ms, then nothing.
  const stalled: LoadResult = {
    ...LOAD,
    elapsedMs: 1000,
    requestsTotal: 20,
    latencyMaxMs: 20,
    lastAnswerMs: 40,
  };
  it('is the silence when it lasts half the load and three times the slowest answer', () => {
    assert.equal(silentTailMs(stalled), 960);
    assert.equal(silentTailMs({ ...stalled, lastAnswerMs: 500 }), 500);
  });
  it('is null for a server that answers at its pace, however slow', () => {
    // Answered until the end.
    assert.equal(silentTailMs({ ...stalled, lastAnswerMs: 995 }), null);
    // Silent for more than half the window, but its requests take that long.
    assert.equal(silentTailMs({ ...stalled, latencyMaxMs: 400 }), null);
    // Silent for less than half the window.
    assert.equal(silentTailMs({ ...stalled, lastAnswerMs: 501 }), null);
  });
  it('measures the silence against the slowest answer, not a timeout counted at the timeout', () => {
    // One request timed out at 10 s (latencyMaxMs); the answers themselves took 20 ms at most.
    const hung = { ...stalled, latencyMaxMs: 10_000, answeredMaxMs: 20 };
    assert.equal(silentTailMs(hung), 960);
    assert.equal(silentTailMs({ ...hung, answeredMaxMs: 400 }), null);
  });
  it('is null when it cannot tell: no answer at all, or no time of the last one (workers)', () => {
    assert.equal(silentTailMs({ ...stalled, requestsTotal: 0 }), null);
    const { lastAnswerMs: _, ...unknown } = stalled;
    assert.equal(silentTailMs(unknown), null);
  });
});

describe('silenceProblem: why a load that went silent fails its run', () => {
  const load: LoadResult = { ...LOAD, elapsedMs: 1080, requestsTotal: 20, latencyMaxMs: 20 };
  const base = { load, silentMs: 1020, path: '/fault', phase: 'window' as const };
  const what =
    'no request to /fault was answered in the last 1.02 s of the 1.08 s window, after 20 were (the slowest in 20 ms)';
  it('fails a window whose loop was free: the server stopped answering', () => {
    assert.equal(
      silenceProblem({ ...base, loop: { probe: { ...PROBE, lagMaxMs: 2.8 } } }),
      `${what}, while its event loop was free (lag max 2.8 ms): the server stopped answering (a response never sent, a pool that ran dry), or some of its requests take longer than half the window`,
    );
  });
  it('fails a loop that did not answer within --timeout, in the window and in the warm-up', () => {
    const blocked =
      ', and its event loop did not answer looplab in the 10 s after either (--timeout): it is blocked, in an endless loop or synchronous work that does not end';
    assert.equal(silenceProblem({ ...base, loop: { noAnswerMs: 10_000 } }), `${what}${blocked}`);
    assert.equal(
      silenceProblem({ ...base, phase: 'warm-up', loop: { noAnswerMs: 10_000 } }),
      `${what.replace('window', 'warm-up')}${blocked}`,
    );
  });
  it('fails a window without a probe (--url), saying only what it saw', () => {
    assert.equal(silenceProblem({ ...base, loop: null }), `${what}: the server stopped answering`);
  });
  it('keeps a run whose loop was blocked through the silence and came back: that is a measurement', () => {
    assert.equal(silenceProblem({ ...base, loop: { probe: { ...PROBE, lagMaxMs: 510 } } }), null);
    assert.notEqual(
      silenceProblem({ ...base, loop: { probe: { ...PROBE, lagMaxMs: 509 } } }),
      null,
    );
  });
  it('keeps a warm-up whose loop answered: the window shows whether the server answers again', () => {
    assert.equal(
      silenceProblem({ ...base, phase: 'warm-up', loop: { probe: { ...PROBE, lagMaxMs: 1 } } }),
      null,
    );
    assert.equal(silenceProblem({ ...base, phase: 'warm-up', loop: null }), null);
  });
});
