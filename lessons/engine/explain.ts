/**
 * Filling a lesson's explanation with the learner's own numbers.
 *
 * The explanation is Markdown with placeholders: `{large.sync.lagP99Ms}` is one measured number
 * with its unit, `{large.async.requestsPerSec / large.sync.requestsPerSec}` the ratio of two
 * (`9.4×`). A number that was not measured reads "not measured", never a made-up one.
 */
import { METRIC_NAMES } from '../../bench/report/metrics.ts';
import { formatNumber } from '../../core/numbers.ts';
import type { Lookup } from './claims.ts';
import {
  formatLessonMetric as formatMetric,
  isSweepMetric,
  type LessonMetric,
} from './sweep-metrics.ts';
import type { Operand } from './types.ts';

const OPERAND = String.raw`([a-z0-9-]+)\.([a-z0-9-]+)\.([a-zA-Z0-9]+)`;
const PLACEHOLDER = new RegExp(String.raw`\{${OPERAND}(?:\s*([/-])\s*${OPERAND})?\}`, 'g');

function operand(measurement?: string, variant?: string, metric?: string): Operand {
  const known = METRIC_NAMES.includes(metric as never) || isSweepMetric(metric ?? '');
  if (!known) throw new Error(`explanation names an unknown metric "${metric}"`);
  return { measurement: measurement ?? '', variant: variant ?? '', metric: metric as LessonMetric };
}

/** Every operand a template names, in order: lets a test check them against the lesson. */
export function templateOperands(template: string): Operand[] {
  return [...template.matchAll(PLACEHOLDER)].flatMap((m) => [
    operand(m[1], m[2], m[3]),
    ...(m[5] ? [operand(m[5], m[6], m[7])] : []),
  ]);
}

/**
 * @throws {Error} on a placeholder naming an unknown metric, or a difference of two metrics: a
 * bug in the lesson.
 */
export function fillTemplate(template: string, lookup: Lookup): string {
  return template.replace(PLACEHOLDER, (...m: string[]) => {
    const of = operand(m[1], m[2], m[3]);
    const value = lookup(of);
    if (!m[4]) return formatMetric(of.metric, value);
    const other = operand(m[5], m[6], m[7]);
    const per = lookup(other);
    if (m[4] === '-') {
      // Milliseconds less milliseconds are milliseconds; anything else has no unit to print.
      if (other.metric !== of.metric)
        throw new Error(`explanation subtracts ${other.metric} from ${of.metric}`);
      return value === null || per === null ? 'not measured' : formatMetric(of.metric, value - per);
    }
    if (value === null || per === null || per === 0) return 'not measured';
    return `${formatNumber(value / per)}×`;
  });
}
