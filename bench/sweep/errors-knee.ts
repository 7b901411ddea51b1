/**
 * The knee tests findKnee (knee.ts) does not make: a step whose requests failed (an error status,
 * a reset) over 1% of the time, and a run that failed at a rate (its server crashed or answered
 * nothing). A server that sheds load at overload has found its capacity there: the step is kept,
 * its errors counted, and its rate is the knee.
 */
import type { Knee, SweepRun, SweepStep } from './types.ts';

/** Past this share of a step's requests failing (errors / due), the step is past the knee. */
export const ERROR_SHARE_KNEE = 0.01;

/** The share of a step's requests that failed (error status, reset); null when none was due. */
export function errorShare(step: Pick<SweepStep, 'errors' | 'due'>): number | null {
  return step.due > 0 ? step.errors / step.due : null;
}

/** Whether a step failed the errors test. A step the generator could not hold takes no test. */
export function pastErrorKnee(step: SweepStep): boolean {
  if (step.limitedBy === 'generator') return false;
  const share = errorShare(step);
  return share !== null && share > ERROR_SHARE_KNEE;
}

/**
 * findKnee's knee with the errors test and the failed rate applied: the knee is the lowest of
 * findKnee's, the first step with an error share over 1% (reason `errors`) and the rate the run
 * failed at (reason `failed`); at the same rate the reasons join. lastGoodPerSec is the last
 * counted step below the knee.
 */
export function withErrorKnee(
  knee: Knee,
  steps: readonly SweepStep[],
  failedAtPerSec?: number,
): Knee {
  const candidates: { atPerSec: number; reason: 'errors' | 'failed' }[] = [];
  const erring = steps.find(pastErrorKnee);
  if (erring) candidates.push({ atPerSec: erring.offeredPerSec, reason: 'errors' });
  if (failedAtPerSec !== undefined) candidates.push({ atPerSec: failedAtPerSec, reason: 'failed' });
  let out = knee;
  for (const c of candidates) {
    if (out.atPerSec !== null && out.atPerSec < c.atPerSec) continue;
    if (out.atPerSec === c.atPerSec) {
      if (!out.reasons.includes(c.reason)) out = { ...out, reasons: [...out.reasons, c.reason] };
      continue;
    }
    const below = steps.filter((s) => s.limitedBy !== 'generator' && s.offeredPerSec < c.atPerSec);
    out = {
      atPerSec: c.atPerSec,
      reasons: [c.reason],
      lastGoodPerSec: below.at(-1)?.offeredPerSec ?? null,
      baselineP99Ms: knee.baselineP99Ms,
    };
  }
  return out;
}

/** Whether a run's knee counts in its variant's median: a completed run's, or a failed run's at a rate. */
export function kneeCounts(run: Pick<SweepRun, 'state' | 'failedAtPerSec'>): boolean {
  return run.state === 'completed' || run.failedAtPerSec !== undefined;
}
