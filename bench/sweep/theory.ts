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
 * An app's ceiling from a step at low load (the first): the loop's busy time per answered
 * request, utilisation × 1000 / achieved. null when the loop was not measured or nothing answered.
 */
export function ceilingFromLowLoad(
  step: Pick<SweepStep, 'elu' | 'achievedPerSec'>,
): Ceiling | null {
  if (step.elu === null || step.achievedPerSec === null || step.achievedPerSec <= 0) return null;
  return ceilingOf((step.elu * 1000) / step.achievedPerSec, 'low-load');
}
