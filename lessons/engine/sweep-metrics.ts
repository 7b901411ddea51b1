/**
 * The figures a lesson can name of a sweep measurement, with their units and how a learner reads
 * them, beside a bench report's metrics. A sweep's figures are not a bench report's metrics (a
 * knee is a rate the load offered, not one the server served), so they have names of their own,
 * each with its unit in it.
 */
import { formatMetric } from '../../bench/render/metric-text.ts';
import { METRICS, type MetricName, type MetricSpec } from '../../bench/report/metrics.ts';
import { formatNumber } from '../../core/numbers.ts';

/** What a lesson can say of one variant's sweep. */
export const SWEEP_METRICS = {
  // The median over runs of the first offered rate past the knee; null when none was reached.
  kneePerSec: { unit: 'req/s', better: 'higher', label: 'knee' },
  // The median over runs of the last rate taken well, before the knee (the highest swept without one).
  lastGoodPerSec: { unit: 'req/s', better: 'higher', label: 'last rate held well' },
  // The knee, or when no run reached one, the highest rate held well: the knee lies beyond it.
  kneeBoundPerSec: { unit: 'req/s', better: 'higher', label: 'knee (or beyond)' },
  // 1000 / (one request's cost alone, timed by micro): sync's only, as the sweep measures it.
  ceilingPerSec: { unit: 'req/s', better: 'higher', label: 'ceiling' },
  ceilingServiceMs: { unit: 'ms', better: 'lower', label: 'one operation alone' },
  // At the highest offered rate the generator held (a step it could not hold says nothing of the
  // server), the mean over runs.
  topOfferedPerSec: {
    unit: 'req/s',
    better: 'higher',
    label: 'highest rate held by the generator',
  },
  topArrivedPerSec: { unit: 'req/s', better: 'higher', label: 'arrived at the highest rate' },
  topAchievedPerSec: { unit: 'req/s', better: 'higher', label: 'achieved at the highest rate' },
  topP99Ms: { unit: 'ms', better: 'lower', label: 'p99 at the highest rate' },
  topSentP99Ms: { unit: 'ms', better: 'lower', label: 'p99 from send at the highest rate' },
  topElu: { unit: 'ratio', better: 'lower', label: 'loop utilisation at the highest rate' },
  // At the lowest offered rate (the first step): the low-load baseline.
  lowP99Ms: { unit: 'ms', better: 'lower', label: 'p99 at the lowest rate' },
  // The fastest answer of every step, timed from its send: one faster than the work skipped it.
  fastestSentMs: { unit: 'ms', better: 'higher', label: 'fastest answer of the sweep' },
} as const satisfies Record<string, MetricSpec>;

export type SweepMetricName = keyof typeof SWEEP_METRICS;

export const SWEEP_METRIC_NAMES = Object.keys(SWEEP_METRICS) as SweepMetricName[];

export const isSweepMetric = (name: string): name is SweepMetricName =>
  Object.hasOwn(SWEEP_METRICS, name);

/** What a lesson's operand can name: a bench report's metric, or a sweep's figure. */
export type LessonMetric = MetricName | SweepMetricName;

/** A lesson metric's label: `latency p99`, `knee`. */
export const lessonMetricLabel = (metric: LessonMetric): string =>
  isSweepMetric(metric) ? SWEEP_METRICS[metric].label : METRICS[metric].label;

/** A lesson metric's value with its unit, as a learner reads it: `40 req/s`, `21.3 ms`. */
export function formatLessonMetric(metric: LessonMetric, x: number | null): string {
  if (!isSweepMetric(metric)) return formatMetric(metric, x);
  if (x === null) return 'not measured';
  const unit = SWEEP_METRICS[metric].unit;
  return unit === 'ratio' ? formatNumber(x) : `${formatNumber(x)} ${unit}`;
}
