/**
 * Turning compare's flags (`--alpha`, `--threshold`, `--metrics`) into CompareOptions, with one
 * clear error for each kind of mistake.
 */
import { ERROR_CODES, LooplabError, listChoices } from '../../core/errors.ts';
import { METRIC_NAMES, type MetricName } from '../report/metrics.ts';
import type { CompareOptions } from './compare.ts';
import { DEFAULT_COMPARE_METRICS } from './defaults.ts';
import { SWEEP_METRIC_NAMES, type SweepMetricName } from './sweeps.ts';

const badOption = (message: string) => new LooplabError(ERROR_CODES.BAD_OPTION, message);

const isMetric = (name: string): name is MetricName => (METRIC_NAMES as string[]).includes(name);

/** `10%` → 0.1. The % is required: a bare 0.1 could mean 10% or 0.1%. */
function parsePercent(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  const value = m ? Number(m[1]) / 100 : Number.NaN;
  if (!(value >= 0 && value < 10)) {
    throw badOption(`${flag} takes a percentage like 10% or lagP99Ms=25%, got '${text}'`);
  }
  return value;
}

/**
 * `--threshold 10%` sets the default; `--threshold lagP99Ms=25%` one metric's (repeatable).
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION on a malformed percentage or an unknown metric.
 */
export function parseThresholds(
  values: readonly string[],
): Pick<CompareOptions, 'threshold' | 'thresholds'> {
  const result: Pick<CompareOptions, 'threshold' | 'thresholds'> = {};
  const thresholds: Partial<Record<MetricName, number>> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq < 0) {
      result.threshold = parsePercent(value, '--threshold');
      continue;
    }
    const name = value.slice(0, eq).trim();
    if (!isMetric(name)) {
      throw badOption(
        `--threshold names an unknown metric '${name}'; metrics: ${listChoices(METRIC_NAMES)}`,
      );
    }
    thresholds[name] = parsePercent(value.slice(eq + 1), `--threshold ${name}=`);
  }
  if (Object.keys(thresholds).length > 0) result.thresholds = thresholds;
  return result;
}

/**
 * `--metrics requestsPerSec,lagP99Ms` (or repeated), `all` for every metric; none: the default set.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION on an unknown metric.
 */
export function parseMetrics(values: readonly string[]): readonly MetricName[] {
  const names = values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) return DEFAULT_COMPARE_METRICS;
  if (names.includes('all')) return METRIC_NAMES;
  for (const name of names) {
    if (!isMetric(name)) {
      throw badOption(
        `--metrics names an unknown metric '${name}'; use all or some of: ${listChoices(METRIC_NAMES)}`,
      );
    }
  }
  return [...new Set(names as MetricName[])];
}

/** @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION unless 0 < alpha < 1. */
export function parseAlpha(alpha: number | undefined): number | undefined {
  if (alpha === undefined) return undefined;
  if (!(alpha > 0 && alpha < 1)) {
    throw badOption(`--alpha must be a number between 0 and 1 (e.g. 0.05), got ${alpha}`);
  }
  return alpha;
}

/** All three flags at once. @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION as the parsers above. */
export function compareOptionsFromFlags(flags: {
  alpha?: number;
  threshold?: readonly string[];
  metrics?: readonly string[];
}): CompareOptions {
  const alpha = parseAlpha(flags.alpha);
  return {
    ...(alpha !== undefined && { alpha }),
    ...parseThresholds(flags.threshold ?? []),
    metrics: parseMetrics(flags.metrics ?? []),
  };
}

const isSweepMetric = (name: string): name is SweepMetricName =>
  (SWEEP_METRIC_NAMES as readonly string[]).includes(name);

/**
 * compare's flags split by what they can apply to: `--threshold kneePerSec=5%` (or sloPerSec)
 * applies to sweeps only, a bench metric's threshold and `--metrics` to bench reports only;
 * `--alpha` and a plain `--threshold 10%` to both. Every value is checked here, before any file
 * is read.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION as the parsers above.
 */
export function compareFlagsByKind(flags: {
  alpha?: number;
  threshold?: readonly string[];
  metrics?: readonly string[];
}): {
  bench: CompareOptions;
  sweep: {
    alpha?: number;
    threshold?: number;
    thresholds?: Partial<Record<SweepMetricName, number>>;
  };
  /** The flags given that only bench reports take (to refuse them for sweeps). */
  benchOnly: string[];
  /** The flags given that only sweeps take. */
  sweepOnly: string[];
} {
  const sweepThresholds: Partial<Record<SweepMetricName, number>> = {};
  const sweepOnly: string[] = [];
  const rest: string[] = [];
  for (const value of flags.threshold ?? []) {
    const name = value.slice(0, Math.max(0, value.indexOf('='))).trim();
    if (isSweepMetric(name)) {
      sweepThresholds[name] = parsePercent(
        value.slice(value.indexOf('=') + 1),
        `--threshold ${name}=`,
      );
      sweepOnly.push(`--threshold ${value}`);
    } else rest.push(value);
  }
  const bench = compareOptionsFromFlags({ ...flags, threshold: rest });
  const benchOnly = [
    ...rest.filter((v) => v.includes('=')).map((v) => `--threshold ${v}`),
    ...((flags.metrics ?? []).length > 0 ? ['--metrics'] : []),
  ];
  return {
    bench,
    sweep: {
      ...(bench.alpha !== undefined && { alpha: bench.alpha }),
      ...(bench.threshold !== undefined && { threshold: bench.threshold }),
      ...(Object.keys(sweepThresholds).length > 0 && { thresholds: sweepThresholds }),
    },
    benchOnly,
    sweepOnly,
  };
}
