/**
 * Reading one sweep's steps: where its knee is, the highest rate that met the SLO, and when
 * `--rates auto` has seen enough.
 *
 * A step the generator could not hold (`limitedBy: 'generator'`) says nothing about the server:
 * the server was sent less than the offered rate, late. It counts neither for nor against the
 * server here: it is neither the knee nor a good step, nor a rate that met the SLO, nor one that
 * missed it. The report warns of it instead (summary.ts).
 */
import type { Knee, KneeReason, Slo, SweepStep } from './types.ts';

/** The knee's latency factor by default: past it when p99 passes twice its low-load p99. */
export const DEFAULT_KNEE_K = 2;
/**
 * A p99 that rose less than this over the baseline is the machine's jitter, not a queue: a
 * trivial route at 2 ms took 4.2 ms at 35/s on two shared cores (a scheduler's quantum, a
 * collection), which is twice its baseline, and was called its knee.
 */
export const LATENCY_RISE_FLOOR_MS = 10;
/** The knee's baseline is the lowest p99 of this many first steps. */
export const BASELINE_STEPS = 2;
/** A loop busy this share of the hold is saturated: requests queue for it. */
export const SATURATED_ELU = 0.9;
/** A step held its rate when it answered at least this share of the requests that arrived. */
export const HELD_SHARE = 0.95;

const counted = (step: SweepStep): boolean => step.limitedBy !== 'generator';

/**
 * Whether the server answered at least 95% of the requests that arrived in the hold: judged
 * against what the arrivals drew, not the nominal rate, so that a poisson draw of 25 requests at
 * 30/s is not taken for a server that fell behind.
 */
export function heldRate(step: Pick<SweepStep, 'arrivedPerSec' | 'achievedPerSec'>): boolean {
  return step.achievedPerSec !== null && step.achievedPerSec >= HELD_SHARE * step.arrivedPerSec;
}

/**
 * A send lag p99 of 10 ms or more that is half the step's p99 from due times or more: its latency
 * is mostly the generator's own lateness, and is not judged (the step's errors, throughput and
 * utilisation still are). At 15/s a trivial route's p99 of 33 ms was 28 ms of send lag, and
 * was called its knee; marking such a step the generator's instead dropped its errors from the
 * knee (a route shedding 20% of its requests had none).
 */
export const OWN_LAG_SHARE = 0.5;
export const OWN_LAG_FLOOR_MS = 10;

/**
 * Whether a step's latency is mostly the generator's own send lag (OWN_LAG_SHARE): the lag of the
 * sends that found a connection free, as a wait for a connection is the server's slowness.
 */
export function ownLag(step: Pick<SweepStep, 'latencyMs' | 'generator'>): boolean {
  const lag = step.generator.freeSendLagP99Ms ?? null;
  return (
    lag !== null &&
    step.latencyMs !== null &&
    lag >= OWN_LAG_FLOOR_MS &&
    lag >= OWN_LAG_SHARE * step.latencyMs.p99
  );
}

/** Every knee test a step fails; a step with no latency (nothing answered) fails the latency one. */
export function kneeReasons(
  step: SweepStep,
  baselineP99Ms: number | null,
  k: number,
): KneeReason[] {
  const reasons: KneeReason[] = [];
  if (
    step.latencyMs === null ||
    (baselineP99Ms !== null &&
      !ownLag(step) &&
      step.latencyMs.p99 > k * baselineP99Ms &&
      step.latencyMs.p99 - baselineP99Ms >= LATENCY_RISE_FLOOR_MS)
  )
    reasons.push('latency');
  // A loop not measured (--url) takes no utilisation test: the other two still judge the step.
  if (step.elu !== null && step.elu >= SATURATED_ELU) reasons.push('utilisation');
  if (!heldRate(step)) reasons.push('throughput');
  return reasons;
}

/**
 * The knee of one sweep (its steps in the order run, ascending): the first step whose corrected
 * p99 passes `k` × the baseline, or whose loop is ≥ 90% busy, or that answered under 95% of
 * the offered rate, and whose next step fails a test too. The baseline is the lower corrected
 * p99 of the first two steps the generator held: a first hold of 10 to 30 requests has its
 * slowest answer for its p99, and one hiccup there (186 ms on a 10 ms route) set a bar the
 * latency test could never reach; past the knee p99 only rises, so the lower of two is the
 * low-load one.
 *
 * Why the next step must agree: a short hold has few requests (a 1 s hold at 15/s has 15), so
 * its p99 is its slowest answer, and one hiccup of the machine (a GC pause, another process)
 * can double it. Past a real knee the queue only grows, so the next rate fails too; a blip is
 * followed by a step that passes, and is not the knee. The last step has no next one: if it
 * fails, it is the knee (`--rates auto` then takes one more step, which confirms it or not).
 */
export function findKnee(steps: readonly SweepStep[], k: number): Knee {
  const held = steps.filter(counted);
  const lowP99s = held
    .slice(0, BASELINE_STEPS)
    .flatMap((s) => (s.latencyMs ? [s.latencyMs.p99] : []));
  const baselineP99Ms = held[0]?.latencyMs && lowP99s.length > 0 ? Math.min(...lowP99s) : null;
  const fails = (step: SweepStep | undefined) =>
    step !== undefined && kneeReasons(step, baselineP99Ms, k).length > 0;
  let lastGoodPerSec: number | null = null;
  for (const [i, step] of held.entries()) {
    const reasons = kneeReasons(step, baselineP99Ms, k);
    if (reasons.length === 0) lastGoodPerSec = step.offeredPerSec;
    // A step that answered nothing is no blip.
    else if (step.latencyMs === null || i === held.length - 1 || fails(held[i + 1]))
      return { atPerSec: step.offeredPerSec, reasons, lastGoodPerSec, baselineP99Ms };
    // Otherwise a blip: neither the knee nor a good step.
  }
  return { atPerSec: null, reasons: [], lastGoodPerSec, baselineP99Ms };
}

/** Whether a step met the SLO: its corrected percentile under the bound, and its rate held. */
export function meetsSlo(step: SweepStep, slo: Slo): boolean {
  return step.latencyMs !== null && step.latencyMs[slo.percentile] < slo.underMs && heldRate(step);
}

/**
 * The highest offered rate that met the SLO below the first miss that the next step confirms
 * (as the knee's are); null when none did. A miss followed by a step that meets it is a blip of
 * a short hold (one slow answer is a p99 of 10 to 30 requests): the first step of an async
 * route missed p99 < 50 ms at 54.8 ms, met it from 20 to 60 a second, and was said to meet it
 * nowhere. Two misses in a row end the count: above them, a step that meets it is luck.
 */
export function sloRate(steps: readonly SweepStep[], slo: Slo): number | null {
  const held = steps.filter(counted);
  let best: number | null = null;
  for (const [i, step] of held.entries()) {
    if (meetsSlo(step, slo)) best = step.offeredPerSec;
    else if (step.latencyMs === null || !meetsSlo(held[i + 1] ?? step, slo)) break;
  }
  return best;
}

/**
 * Whether `--rates auto` stops after these steps: once it has taken one step beyond the knee's
 * (the knee's step shows where the curve bends, the one after shows how steeply), or once a step
 * was the generator's limit or answered nothing (a higher rate can teach nothing more).
 */
export function autoShouldStop(steps: readonly SweepStep[], k: number): boolean {
  const last = steps.at(-1);
  if (last === undefined) return false;
  if (last.limitedBy === 'generator' || last.latencyMs === null) return true;
  const { atPerSec } = findKnee(steps, k);
  return atPerSec !== null && last.offeredPerSec > atPerSec;
}
