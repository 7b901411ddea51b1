/**
 * Whether two reports measured the same thing: the same kind of machine (the environment's
 * fingerprint) and the same measuring options. compare warns when they differ; merge refuses.
 */
import { mean } from '../stats/descriptive.ts';
import { welchTest } from '../stats/inference.ts';
import { sentinelTimes } from './build.ts';
import type { Environment, Report } from './types.ts';

const FINGERPRINT: readonly (keyof Environment)[] = [
  'node',
  'platform',
  'arch',
  'cpuModel',
  'cpuCount',
  'uvThreadpoolSize',
  'nodeOptions',
];

/** Where the two environments differ in what makes their numbers comparable. */
export function environmentDifferences(base: Environment, head: Environment): string[] {
  // A report written before a field was recorded has none: as unset.
  const of = (e: Environment, k: keyof Environment) => JSON.stringify(e[k] ?? null);
  return FINGERPRINT.filter((k) => of(base, k) !== of(head, k)).map(
    (k) => `${k} ${of(base, k)} vs ${of(head, k)}`,
  );
}

/** The bench options that change what a run measures. */
export const MEASURING_OPTIONS = [
  'durationSec',
  'warmupSec',
  'connections',
  'pingRateHz',
  'timeoutSec',
  'workers',
] as const;

/** Where two reports' measuring options differ: `durationSec 3 vs 2`. */
export function optionDifferences(base: Report['options'], head: Report['options']): string[] {
  return MEASURING_OPTIONS.filter((k) => base[k] !== head[k]).map(
    (k) => `${k} ${base[k]} vs ${head[k]}`,
  );
}

/**
 * The machine-speed sentinel on each report's machine: the mean times, and the p-value of
 * Welch's test that they differ (null with fewer than 2 runs a side); null when either report has
 * no sentinel times, or they timed different workloads.
 */
export function sentinelMeans(
  base: Report,
  head: Report,
): { baseMs: number; headMs: number; p: number | null } | null {
  if (base.sentinel && head.sentinel && base.sentinel.workload !== head.sentinel.workload)
    return null;
  const b = sentinelTimes(base.results);
  const h = sentinelTimes(head.results);
  if (b.length === 0 || h.length === 0) return null;
  return {
    baseMs: mean(b),
    headMs: mean(h),
    p: b.length >= 2 && h.length >= 2 ? (welchTest(b, h)?.p ?? null) : null,
  };
}
