/**
 * Checking a lesson's claims, its prediction and verify's criteria against measured reports.
 * Pure: the numbers come in through a lookup, and every result says what was compared.
 */
import type { Report } from '../../bench/report/types.ts';
import {
  formatLessonMetric as formatMetric,
  isSweepMetric,
  lessonMetricLabel,
} from './sweep-metrics.ts';
import type { Check, Operand, Prediction } from './types.ts';

/** A measured number, or null when it was not measured (failed runs, no /ping answered). */
export type Lookup = (operand: Operand) => number | null;

/** Looks operands up in reports by measurement key: the mean over the completed runs. */
export function lookupIn(reports: Readonly<Record<string, Report>>): Lookup {
  return ({ measurement, variant, metric }) => {
    if (isSweepMetric(metric)) return null;
    const entry = reports[measurement]?.results.find((r) => r.variant === variant);
    return entry?.summary[metric].mean ?? null;
  };
}

export interface CheckResult {
  text: string;
  /** null when either number was not measured: neither held nor failed. */
  holds: boolean | null;
  left: number | null;
  right: number | null;
  /** right × factor + plus: the bound that left had to be under (or over). */
  limit: number | null;
  check: Check;
}

export function evaluateCheck(check: Check, lookup: Lookup): CheckResult {
  const left = lookup(check.left);
  const right = typeof check.right === 'number' ? check.right : lookup(check.right);
  const limit = right === null ? null : right * check.factor + (check.plus ?? 0);
  const holds =
    left === null || limit === null ? null : check.op === '<' ? left < limit : left > limit;
  return { text: check.text, holds, left, right, limit, check };
}

const label = (o: Operand) => `${o.variant} ${lessonMetricLabel(o.metric)}`;

/**
 * `async loop lag p99 4.48 ms < sync loop lag p99 231 ms × 0.1 = 23.1 ms`, and with `plus`:
 * `parallel latency p50 24.0 ms < async latency p50 66.0 ms − 30.0 ms = 36.0 ms`.
 */
export function describeComparison(r: CheckResult): string {
  const { left, op, right, factor, plus = 0 } = r.check;
  const times = factor === 1 ? '' : ` × ${factor}`;
  const add =
    plus === 0 ? '' : ` ${plus < 0 ? '−' : '+'} ${formatMetric(left.metric, Math.abs(plus))}`;
  const bound = times || add ? `${times}${add} = ${formatMetric(left.metric, r.limit)}` : '';
  const other = typeof right === 'number' ? '' : `${label(right)} `;
  return (
    `${label(left)} ${formatMetric(left.metric, r.left)} ${op} ` +
    `${other}${formatMetric(left.metric, r.right)}${bound}`
  );
}

/** The first of `lookups` that measured an operand, or null when none did. */
export const firstOf =
  (...lookups: Lookup[]): Lookup =>
  (operand) => {
    for (const lookup of lookups) {
      const value = lookup(operand);
      if (value !== null) return value;
    }
    return null;
  };

/** The measured quantity a prediction asks about, or null when it was not measured. */
export function predictionQuantity(p: Prediction, lookup: Lookup): number | null {
  const of = lookup(p.quantity.of);
  if (of === null || !p.quantity.per) return of;
  const per = lookup(p.quantity.per);
  return per === null || per === 0 ? null : of / per;
}

/** The index of the choice the measured quantity lies in, or null when none (or not measured). */
export function measuredChoice(p: Prediction, quantity: number | null): number | null {
  if (quantity === null) return null;
  const index = p.choices.findIndex(
    (c) => (c.min === undefined || quantity >= c.min) && (c.max === undefined || quantity < c.max),
  );
  return index < 0 ? null : index;
}
