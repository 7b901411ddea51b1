/**
 * What rounding alone leaves open in a comparison. A value rounded to a step says only that the
 * true value lies somewhere in that step, and the mean of such values is off by up to a step
 * however many runs there are (by one shared error when every run reads alike). So the difference
 * of two means, and the relative change, are known only to a range: their values with every
 * value anywhere in its step. A verdict that some point of that range would reverse is one the
 * data cannot give, however small p; compare.ts holds such a row inconclusive. Pure.
 */
import type { MetricName } from '../report/metrics.ts';
import { resolutionOf, roundedDown } from '../report/resolution.ts';
import type { CompletedRun } from '../report/types.ts';
import { mean } from '../stats/descriptive.ts';

/** Where a value's true figure may lie: from `x + low` to `x + high` (metric's unit). */
export interface Slack {
  low: number;
  high: number;
}

/**
 * How far rounding may have moved `run`'s value of `metric`, as compare reads it. Rounded down
 * to a step, the true figure is up to a step above it; read at the middle of its step (whole ms
 * against µs: `midStep`), half a step either way. A value kept to the µs is taken as rounded
 * down to its step too (0.001 ms). A metric kept as measured has none.
 */
export function slackOf(run: CompletedRun, metric: MetricName, midStep: boolean): Slack {
  const step = resolutionOf(run, metric);
  if (midStep && roundedDown(run, metric)) return { low: -step / 2, high: step / 2 };
  return { low: 0, high: step };
}

/** The relative change, and the difference it comes from, with every value anywhere in its step. */
export interface RoundingRange {
  /**
   * head - base at its lowest and highest (the mean of the per-pair differences when paired), in
   * the metric's unit.
   */
  diff: [number, number];
  /**
   * The relative change at its lowest and highest, on the scale of the row's `change` (ratio of
   * the means - 1, or the geometric mean ratio - 1 for the paired log-ratio test). The highest is
   * null when unbounded: the base may be 0. Null as a whole when the ends give no bound: a base
   * of at most 0 even at its top, or a head that may be negative (never so for latencies).
   */
  change: [number, number | null] | null;
}

/** The average slack of one side: how far rounding may have moved its mean. */
const meanSlack = (slacks: readonly Slack[]): Slack => ({
  low: mean(slacks.map((s) => s.low)),
  high: mean(slacks.map((s) => s.high)),
});

/** (head / base) - 1 at its lowest and highest, over head in [hLow, hHigh] and base in [bLow, bHigh]. */
function ratioRange(
  bLow: number,
  bHigh: number,
  hLow: number,
  hHigh: number,
): [number, number | null] | null {
  // Values that may be negative do not bound a ratio this way; latencies never are.
  if (!(bHigh > 0) || hLow < 0) return null;
  return [hLow / bHigh - 1, bLow > 0 ? hHigh / bLow - 1 : null];
}

/**
 * The range rounding leaves of a row: `b` and `h` its values as compared (paired: `b[i]` with
 * `h[i]`), `bs` and `hs` their slacks. Null when no value was rounded: the row's change is then
 * known as measured. `logRatio`: the change is the paired log-ratio test's geometric mean ratio.
 */
export function roundingRange(
  b: readonly number[],
  h: readonly number[],
  bs: readonly Slack[],
  hs: readonly Slack[],
  logRatio: boolean,
): RoundingRange | null {
  if (b.length === 0 || h.length === 0) return null;
  if ([...bs, ...hs].every((s) => s.low === 0 && s.high === 0)) return null;
  const sb = meanSlack(bs);
  const sh = meanSlack(hs);
  const mb = mean(b);
  const mh = mean(h);
  const diff: [number, number] = [mh + sh.low - (mb + sb.high), mh + sh.high - (mb + sb.low)];
  if (!logRatio)
    return { diff, change: ratioRange(mb + sb.low, mb + sb.high, mh + sh.low, mh + sh.high) };
  // Per pair, the log ratio is lowest with head at the bottom of its step and base at the top.
  const logs = (hEnd: 'low' | 'high', bEnd: 'low' | 'high') =>
    mean(
      b.map(
        (x, i) =>
          Math.log((h[i] as number) + (hs[i] as Slack)[hEnd]) -
          Math.log(x + (bs[i] as Slack)[bEnd]),
      ),
    );
  const top = logs('high', 'low');
  return {
    diff,
    change: [Math.expm1(logs('low', 'high')), Number.isFinite(top) ? Math.expm1(top) : null],
  };
}

/**
 * Where a row's rounding range lies against ±`threshold`: wholly beyond it on one side, wholly
 * within it, or across an edge, where rounding alone decides and no verdict can be given.
 */
export function rangeAgainst(
  range: [number, number | null] | null,
  threshold: number,
): 'beyond' | 'within' | 'across' {
  if (range === null) return 'across';
  const [lo, hi] = range;
  if (lo > threshold || (hi !== null && hi < -threshold)) return 'beyond';
  if (lo >= -threshold && hi !== null && hi <= threshold) return 'within';
  return 'across';
}
