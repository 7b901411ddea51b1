/**
 * Theory beside the measurement: the ceiling one loop cannot pass, and the M/D/1 queue's
 * prediction of the mean latency under it.
 *
 * A loop that spends `s` ms of every request can finish at most 1000 / s requests a second. With
 * Poisson arrivals (the M), a constant service time (the D) and one server (the loop), the mean
 * time in the system is W = s + ρs / (2(1 − ρ)), ρ = rate × s: flat at low load, without bound
 * as ρ nears 1. Where the measurement leaves this curve, something the model leaves out (the HTTP
 * work around the operation, the thread pool, GC) is at work.
 */
import { round } from '../../core/numbers.ts';
import { slope } from '../stats/descriptive.ts';
import type { SweepStep, SweepVariant, TheoryPoint } from './types.ts';

export type Ceiling = NonNullable<SweepVariant['ceiling']>;

/** The M/D/1 mean time in the system (ms) at `ratePerSec`; null at ρ ≥ 1 (no steady state). */
export function md1MeanMs(serviceMs: number, ratePerSec: number): number | null {
  // ρ = busy / 1000, kept in ms a second so that 1 − ρ is exact at round rates (1 − 0.8 is not).
  const busyMsPerSec = ratePerSec * serviceMs;
  if (busyMsPerSec >= 1000) return null;
  return serviceMs + (busyMsPerSec * serviceMs) / (2 * (1000 - busyMsPerSec));
}

/** The prediction at each offered rate, to 4 decimals (a tenth of a µs: far under any measurement). */
export function theoryPoints(serviceMs: number, ratesPerSec: readonly number[]): TheoryPoint[] {
  return ratesPerSec.map((offeredPerSec) => {
    const mean = md1MeanMs(serviceMs, offeredPerSec);
    return { offeredPerSec, predictedMeanMs: mean === null ? null : round(mean, 4) };
  });
}

function ceilingOf(serviceMs: number, source: Ceiling['source']): Ceiling | null {
  if (!(Number.isFinite(serviceMs) && serviceMs > 0)) return null;
  return { perSec: round(1000 / serviceMs, 2), serviceMs: round(serviceMs, 4), source };
}

/**
 * The ceiling from `micro`'s mean time of a scenario's operation alone (MicroResult.meanMs);
 * null for a mean that is not above 0.
 */
export function ceilingFromMicro(meanMs: number): Ceiling | null {
  return ceilingOf(meanMs, 'micro');
}

/**
 * Over the steps it is read from, the loop's own work must raise its utilisation by this much
 * for a cost per request to be read: under it, noise is the slope (a trivial route's rose 0.06 to
 * 0.14 on a loaded machine, preemption stretching wall-clock ELU, and read 1,288/s).
 */
export const MIN_ELU_RISE = 0.1;

/**
 * An app's ceiling from the steps below its knee: the loop's busy time per answered request, the
 * slope of utilisation on achieved (seconds of loop a request). The slope, not one step's
 * utilisation over its rate: that held the bystander's 50 pings a second, the probe and the
 * timers too, and put a trivial route's ceiling at 185/s and a 10 ms route's at 57/s. null
 * when the loop was not measured, or its utilisation rose under MIN_ELU_RISE over the steps
 * (a route too cheap at these rates to read a cost from).
 */
export function ceilingFromSteps(
  steps: readonly Pick<SweepStep, 'elu' | 'achievedPerSec'>[],
): Ceiling | null {
  const points = steps.flatMap((s): [number, number][] =>
    s.elu !== null && s.achievedPerSec !== null && s.achievedPerSec > 0
      ? [[s.achievedPerSec, s.elu]]
      : [],
  );
  const perRequest = slope(points);
  const achieved = points.map(([x]) => x);
  const span = Math.max(...achieved) - Math.min(...achieved);
  if (perRequest === null || perRequest <= 0 || perRequest * span < MIN_ELU_RISE) return null;
  return ceilingOf(perRequest * 1000, 'low-load');
}
