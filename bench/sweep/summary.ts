/**
 * A variant's sweeps summed up (the median knee and SLO rate over its runs, the theory beside
 * them), async's knee over sync's, and the warnings a reader must see before trusting the numbers.
 */
import { round } from '../../core/numbers.ts';
import { percentile } from '../stats/descriptive.ts';
import { kneeCounts } from './errors-knee.ts';
import { ownLag } from './knee.ts';
import { rateText } from './rates.ts';
import { theoryPoints } from './theory.ts';
import type { SweepOptions, SweepReport, SweepRun, SweepVariant } from './types.ts';

/**
 * The median of rates some of which are null, a null standing for a rate beyond every rate
 * swept on one side: `nullsAbove` for a knee not reached (above the highest rate), below for an
 * SLO no step met. null when the median falls on a null (or straddles one), or with no values.
 */
export function medianWithNulls(
  values: readonly (number | null)[],
  nullsAbove: boolean,
): number | null {
  if (values.length === 0) return null;
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const nulls = values.length - known.length;
  const n = values.length;
  // Positions of the middle one or two in the full order, nulls at one end.
  const middle = n % 2 === 1 ? [(n - 1) / 2] : [n / 2 - 1, n / 2];
  const offset = nullsAbove ? 0 : nulls;
  const picked = middle.map((i) =>
    i - offset >= 0 && i - offset < known.length ? known[i - offset] : null,
  );
  if (picked.some((v) => v === null || v === undefined)) return null;
  return percentile(picked as number[], 50);
}

/**
 * One variant's summary: the knee and the SLO rate of each completed run, and of each run that
 * failed at a rate (its knee is that rate: errors-knee.ts), and their medians, and
 * the M/D/1 prediction at every offered rate any run took, from the ceiling's service time.
 */
export function summarizeVariant(
  variant: string,
  label: string,
  runs: SweepRun[],
  ceiling: SweepVariant['ceiling'],
  options: Pick<SweepOptions, 'slo'>,
): SweepVariant {
  const judged = runs.filter(kneeCounts);
  const knees = judged.map((r) => r.knee.atPerSec);
  const slos = judged.map((r) => r.sloPerSec);
  const rates = [...new Set(runs.flatMap((r) => r.steps.map((s) => s.offeredPerSec)))].sort(
    (a, b) => a - b,
  );
  return {
    variant,
    label,
    runs,
    knee: { medianPerSec: medianWithNulls(knees, true), perRun: knees },
    slo: options.slo === null ? null : { medianPerSec: medianWithNulls(slos, false), perRun: slos },
    ceiling,
    theory: ceiling === null ? [] : theoryPoints(ceiling.serviceMs, rates),
  };
}

/** The median over completed runs of each run's last good rate; null when no run had one. */
export function lastGoodMedian(v: SweepVariant): number | null {
  const rates = v.runs
    .filter((r) => r.state === 'completed')
    .flatMap((r) => (r.knee.lastGoodPerSec === null ? [] : [r.knee.lastGoodPerSec]));
  return rates.length === 0
    ? null
    : percentile(
        rates.sort((a, b) => a - b),
        50,
      );
}

/** async's median knee over sync's, to 2 decimals; null unless both variants have one. */
export function kneeRatio(variants: readonly SweepVariant[]): number | null {
  const knee = (name: string) =>
    variants.find((v) => v.variant === name)?.knee.medianPerSec ?? null;
  const sync = knee('sync');
  const async = knee('async');
  return sync === null || async === null ? null : round(async / sync, 2);
}

/**
 * Rates to suggest when no knee was found: from the same low first rate (the knee's baseline must
 * be at low load), doubling, to four times the highest rate swept.
 */
export function higherRates(lowestPerSec: number, highestPerSec: number): string {
  // Three significant figures, not two decimals: 0.001 req/s rounded to 0, a rate --rates refuses.
  const shown = (r: number) => Number(r.toPrecision(3));
  const rates: number[] = [];
  for (let r = lowestPerSec; r < highestPerSec * 4; r *= 2) rates.push(shown(r));
  rates.push(shown(highestPerSec * 4));
  return rates.join(',');
}

/** The longest --hold sweep takes (s): advice never asks for more. */
export const MAX_HOLD_SEC = 3600;

const listRates = (rates: readonly number[]): string => {
  const texts = rates.map(rateText);
  return texts.length <= 1
    ? texts.join('')
    : `${texts.slice(0, -1).join(', ')} and ${texts.at(-1)}`;
};

/**
 * What a reader must know to trust the numbers: steps the generator could not hold, runs that
 * failed, and a knee not reached within the rates swept (with the rates to try next, unless the
 * sweep was `stopped` before it swept them all).
 */
export function sweepWarnings(
  report: Pick<SweepReport, 'variants'> & { options: Pick<SweepOptions, 'rates'> },
  stopped = false,
): string[] {
  const warnings: string[] = [];
  for (const v of report.variants) {
    for (const run of v.runs) {
      if (run.state === 'failed')
        warnings.push(`${v.label} run ${run.run} failed: ${run.reason ?? 'no reason given'}`);
    }
    const genSteps = v.runs.flatMap((run) =>
      run.steps.filter((s) => s.limitedBy === 'generator').map((s) => ({ run: run.run, step: s })),
    );
    if (genSteps.length > 0) {
      const rates = [...new Set(genSteps.map((g) => g.step.offeredPerSec))].sort((a, b) => a - b);
      const first = genSteps[0]?.step.limitedWhy ?? '';
      warnings.push(
        `${v.label}: the generator could not hold ${listRates(rates)} req/s, so those steps say nothing about the server${first ? ` (${first})` : ''}`,
      );
    }
    const lagged = [
      ...new Set(
        v.runs.flatMap((r) =>
          r.steps
            .filter((s) => s.limitedBy !== 'generator' && ownLag(s))
            .map((s) => s.offeredPerSec),
        ),
      ),
    ].sort((a, b) => a - b);
    if (lagged.length > 0)
      warnings.push(
        `${v.label}: at ${listRates(lagged)} req/s the generator's send lag was half the p99 or more (and 10 ms or more): the latency there is mostly its own lateness, and the knee did not judge it; run on a quieter machine for those figures`,
      );
    const completed = v.runs.filter((r) => r.state === 'completed');
    if (completed.length === 0 || v.knee.medianPerSec !== null) continue;
    // The rates the server was judged at: a step the generator could not hold was not one.
    const offered = completed.flatMap((r) =>
      r.steps.filter((s) => s.limitedBy !== 'generator').map((s) => s.offeredPerSec),
    );
    if (offered.length === 0) continue;
    const highest = Math.max(...offered);
    const missed = completed.filter((r) => r.knee.atPerSec === null).length;
    const runs = missed === completed.length ? '' : ` in ${missed} of ${completed.length} runs`;
    const noKnee = `${v.label}: no knee up to ${rateText(highest)} req/s${runs}`;
    // Stopped early, the rates not reached were asked for: they are not advice to give.
    if (stopped) warnings.push(`${noKnee}, as far as the sweep went before it was stopped`);
    else if (genSteps.some((g) => g.step.offeredPerSec >= highest))
      // The generator ran out at or above the highest rate judged (in some run): the sweep cannot
      // go further here.
      warnings.push(
        `${noKnee}, and the generator could not hold ${rateText(Math.min(...genSteps.map((g) => g.step.offeredPerSec).filter((r) => r >= highest)))} req/s here: the server's knee is beyond what this machine could send it`,
      );
    else if (genSteps.length > 0)
      // A step it could not hold lay below one it did: a passing hiccup, not the machine's limit.
      warnings.push(
        `${noKnee}, the highest rate swept (a step the generator could not hold below it judged nothing): sweep higher to find it, e.g. --rates ${higherRates(Math.min(...offered), highest)}`,
      );
    else if (report.options.rates.trim().toLowerCase() === 'auto')
      warnings.push(`${noKnee}, auto's highest rate: the server takes more than auto offers`);
    else
      warnings.push(
        `${noKnee}, the highest rate swept: sweep higher to find it, e.g. --rates ${higherRates(Math.min(...offered), highest)} or --rates auto`,
      );
  }
  return warnings;
}

/** Under this many requests due in a hold, a step's percentiles are a handful of requests. */
export const FEW_REQUESTS = 20;

/**
 * The warning when some rates swept give under 20 requests in the hold (rate × hold), or null: a
 * step's p99 is then its slowest request, and its knee tests judge a handful of requests.
 */
export function fewRequestsWarning(ratesPerSec: readonly number[], holdSec: number): string | null {
  const few = [...new Set(ratesPerSec)]
    .filter((r) => r * holdSec < FEW_REQUESTS)
    .sort((a, b) => a - b);
  if (few.length === 0) return null;
  const hold = FEW_REQUESTS / (few[0] as number);
  const advice =
    hold <= MAX_HOLD_SEC
      ? `hold longer (--hold ${round(hold, 2)} or more)`
      : `sweep from ${FEW_REQUESTS / MAX_HOLD_SEC < 0.01 ? (FEW_REQUESTS / MAX_HOLD_SEC).toPrecision(2) : round(FEW_REQUESTS / MAX_HOLD_SEC, 2)} req/s or more (at --hold ${MAX_HOLD_SEC}, the longest)`;
  return `at ${listRates(few)} req/s the ${holdSec} s hold is under ${FEW_REQUESTS} requests: a step's p99 there is its slowest request or two, not a percentile; ${advice} for percentiles to read`;
}
