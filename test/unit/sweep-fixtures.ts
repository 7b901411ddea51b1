/** Hand-made sweep steps and runs for the sweep core's tests. */
import type { LatencyPercentiles, SweepRun, SweepStep } from '../../bench/sweep/types.ts';

/** A latency distribution whose p99 is `p99` (the others in proportion). */
export function latency(p99: number): LatencyPercentiles {
  return { p50: p99 / 2, p90: p99 * 0.8, p99, p999: p99 * 1.2, max: p99 * 1.5 };
}

/**
 * A step at `offeredPerSec` that held its rate, with a corrected p99 of `p99` ms and the loop
 * 20% busy, unless `over` says otherwise.
 */
export function step(
  offeredPerSec: number,
  p99: number | null,
  over: Partial<SweepStep> = {},
): SweepStep {
  const lat = p99 === null ? null : latency(p99);
  return {
    offeredPerSec,
    arrivedPerSec: offeredPerSec,
    achievedPerSec: offeredPerSec,
    due: offeredPerSec * 5,
    sent: offeredPerSec * 5,
    answered: offeredPerSec * 5,
    latencyMs: lat,
    uncorrectedLatencyMs: lat,
    errors: 0,
    timeouts: 0,
    elu: 0.2,
    lagP99Ms: 11,
    pingP99Ms: 2,
    limitedBy: null,
    limitedWhy: null,
    generator: {
      elu: 0.1,
      sendLagP99Ms: 0.5,
      sendLagMaxMs: 2,
      freeSendLagP99Ms: 0.5,
      connections: 4,
      maxConnections: 1000,
    },
    ...over,
  };
}

/** A completed run of these steps, knee and SLO rate as given. */
export function run(
  n: number,
  steps: SweepStep[],
  kneePerSec: number | null,
  sloPerSec: number | null = null,
): SweepRun {
  return {
    run: n,
    startedAt: '2026-12-06T07:00:00.000Z',
    state: 'completed',
    steps,
    knee: {
      atPerSec: kneePerSec,
      reasons: kneePerSec === null ? [] : ['latency'],
      lastGoodPerSec: null,
      baselineP99Ms: steps[0]?.latencyMs?.p99 ?? null,
    },
    sloPerSec,
  };
}
