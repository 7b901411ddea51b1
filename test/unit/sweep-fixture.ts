/**
 * A realistic sweep of busy-wait `ms=20` for the renderers' tests, shaped as the issue expects:
 * sync's ceiling 50 req/s (20 ms a request), its knee at 40 req/s, achieved flat near 50 past
 * it; async's knee far higher (320 req/s), one step the generator could not hold (640 req/s),
 * and one failed run (async's second). Two runs, so the tables show medians.
 */
import {
  type LatencyPercentiles,
  SWEEP_KIND,
  SWEEP_SCHEMA_VERSION,
  type SweepReport,
  type SweepRun,
  type SweepStep,
} from '../../bench/sweep/types.ts';
import { ENVIRONMENT } from './fixtures.ts';

type Row = [
  offered: number,
  achieved: number | null,
  latency: [number, number, number, number, number] | null,
  uncorrectedP99: number | null,
  elu: number | null,
  lagP99: number | null,
  pingP99: number | null,
];

const r1 = (x: number | undefined) => Math.round((x as number) * 10) / 10;

const pct = (l: readonly number[]): LatencyPercentiles => ({
  p50: r1(l[0]),
  p90: r1(l[1]),
  p99: r1(l[2]),
  p999: r1(l[3]),
  max: r1(l[4]),
});

export function step(
  [offered, achieved, latency, uncorrectedP99, elu, lagP99, pingP99]: Row,
  extra: Partial<SweepStep> = {},
): SweepStep {
  const hold = 5;
  const answered = achieved === null ? 0 : Math.round(achieved * hold);
  return {
    offeredPerSec: offered,
    arrivedPerSec: offered,
    achievedPerSec: achieved,
    due: offered * hold,
    sent: offered * hold,
    answered,
    latencyMs: latency ? pct(latency) : null,
    // The uncorrected distribution: the same requests timed from the send, lower above p90.
    uncorrectedLatencyMs:
      latency && uncorrectedP99 !== null
        ? pct([
            latency[0],
            Math.min(latency[1], uncorrectedP99),
            uncorrectedP99,
            Math.min(latency[3], uncorrectedP99 * 1.1),
            Math.min(latency[4], uncorrectedP99 * 1.2),
          ])
        : null,
    errors: 0,
    timeouts: 0,
    elu,
    lagP99Ms: lagP99,
    pingP99Ms: pingP99,
    limitedBy: null,
    limitedWhy: null,
    generator: {
      elu: Math.round((0.02 + offered / 2000) * 1000) / 1000,
      sendLagP99Ms: 0.4,
      sendLagMaxMs: 1.9,
      connections: Math.max(1, Math.ceil((offered * (latency?.[2] ?? 20)) / 1000)),
      maxConnections: 256,
    },
    ...extra,
  };
}

const SERVER_SATURATED =
  "the server's loop was busy 97% of the hold (ELU ≥ 0.9): requests queued in it";
const GENERATOR_LIMITED =
  "the generator's sends ran 38 ms late at p99 (its thread's ELU 0.99): this machine could not send 640 req/s";

function syncSteps(f: number): SweepStep[] {
  const l = (xs: number[]) => xs.map((x) => Math.round(x * f * 10) / 10) as Row[2];
  return [
    step([10, 10, l([20.4, 21.2, 21.8, 22.4, 22.9]), 21.7, 0.21, 21.6, 21.9]),
    step([20, 19.9, l([21, 33.5, 39.8, 42.1, 43]), 38, 0.41, 22.1, 38.7]),
    step([30, 30.1, l([24.6, 34, 41, 52.3, 55.1]), 38.9, 0.61, 22.4, 40.2]),
    step([40, 39.8, l([38.2, 71.5, 95.2, 118, 124]), 61, 0.81, 23, 92.8]),
    step([50, 47.9, l([310, 780, 1040, 1110, 1122]), 820, 0.97, 24.1, 1010], {
      limitedBy: 'server',
      limitedWhy: SERVER_SATURATED,
    }),
    step([60, 49.6, l([2410, 4520, 4980, 5040, 5051]), 4100, 0.99, 24.8, 4900], {
      limitedBy: 'server',
      limitedWhy: SERVER_SATURATED,
    }),
  ];
}

const ASYNC: Row[] = [
  [10, 10, [20.3, 20.9, 21.5, 22, 22.4], 21.4, 0.02, 1.2, 0.9],
  [20, 20, [20.3, 20.9, 21.6, 22.3, 22.8], 21.5, 0.04, 1.2, 0.9],
  [40, 40.1, [20.4, 21, 21.9, 23, 23.5], 21.8, 0.08, 1.3, 1],
  [80, 79.8, [20.5, 21.4, 23.1, 25.2, 26], 22.9, 0.15, 1.4, 1.1],
  [160, 160.2, [20.8, 23.9, 31.4, 40.2, 44], 30.8, 0.3, 1.9, 1.6],
  [320, 319.5, [22.1, 31.2, 48, 71.3, 80.2], 45.1, 0.55, 3.8, 4.1],
];

function completedRun(
  run: number,
  steps: SweepStep[],
  knee: SweepRun['knee'],
  slo: number | null,
): SweepRun {
  return {
    run,
    startedAt: `2026-12-06T07:0${run}:00.000Z`,
    state: 'completed',
    steps,
    knee,
    sloPerSec: slo,
  };
}

export function busyWaitSweep(): SweepReport {
  const syncKnee = (baseline: number): SweepRun['knee'] => ({
    atPerSec: 40,
    reasons: ['latency'],
    lastGoodPerSec: 30,
    baselineP99Ms: baseline,
  });
  const asyncSteps = [
    ...ASYNC.map((r) => step(r)),
    step([640, 566, [35.2, 180, 310, 402, 415], 24.5, 0.8, 6.2, 7.5], {
      limitedBy: 'generator',
      limitedWhy: GENERATOR_LIMITED,
    }),
  ];
  return {
    kind: SWEEP_KIND,
    schemaVersion: SWEEP_SCHEMA_VERSION,
    createdAt: '2026-12-06T07:00:00.000Z',
    complete: true,
    environment: ENVIRONMENT,
    target: { scenario: 'busy-wait', params: { ms: 20 } },
    options: {
      rates: 'auto',
      stepsPerSec: [10, 20, 30, 40, 50, 60, 80, 160, 320, 640],
      arrivals: 'poisson',
      warmupSec: 1,
      holdSec: 5,
      settleSec: 1,
      runs: 2,
      k: 2,
      slo: { text: 'p99<50ms', percentile: 'p99', underMs: 50 },
      timeoutSec: 10,
      maxConnections: 256,
      pingRateHz: 20,
    },
    variants: [
      {
        variant: 'sync',
        label: 'busy-wait sync',
        runs: [
          completedRun(1, syncSteps(1), syncKnee(21.8), 30),
          completedRun(2, syncSteps(1.04), syncKnee(22.7), 30),
        ],
        knee: { medianPerSec: 40, perRun: [40, 40] },
        slo: { medianPerSec: 30, perRun: [30, 30] },
        ceiling: { perSec: 50, serviceMs: 20, source: 'micro' },
        theory: [
          { offeredPerSec: 10, predictedMeanMs: 22.5 },
          { offeredPerSec: 20, predictedMeanMs: 26.667 },
          { offeredPerSec: 30, predictedMeanMs: 35 },
          { offeredPerSec: 40, predictedMeanMs: 60 },
          { offeredPerSec: 50, predictedMeanMs: null },
          { offeredPerSec: 60, predictedMeanMs: null },
        ],
      },
      {
        variant: 'async',
        label: 'busy-wait async',
        runs: [
          completedRun(
            1,
            asyncSteps,
            { atPerSec: 320, reasons: ['latency'], lastGoodPerSec: 160, baselineP99Ms: 21.5 },
            320,
          ),
          {
            run: 2,
            startedAt: '2026-12-06T07:03:00.000Z',
            state: 'failed',
            reason: 'the server exited with code 1 at 160 req/s',
            steps: [
              ...ASYNC.slice(0, 4).map((r) => step(r)),
              {
                ...step([160, null, null, null, null, null, null]),
                errors: 412,
                answered: 0,
              },
            ],
            knee: { atPerSec: null, reasons: [], lastGoodPerSec: null, baselineP99Ms: 21.5 },
            sloPerSec: null,
          },
        ],
        knee: { medianPerSec: 320, perRun: [320] },
        slo: { medianPerSec: 320, perRun: [320] },
        ceiling: null,
        theory: [],
      },
    ],
    kneeRatio: 8,
    warnings: [
      'busy-wait async at 640 req/s: the generator could not hold the rate; that step measures this machine, not the server',
      'busy-wait async: run 2 failed: the server exited with code 1 at 160 req/s',
    ],
  };
}
