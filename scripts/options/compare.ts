/**
 * The flags compare shares with `bench --baseline` and `report`: --alpha, --threshold, --metrics.
 */
import type { Argv } from 'yargs';
import {
  DEFAULT_ALPHA,
  DEFAULT_COMPARE_METRICS,
  DEFAULT_THRESHOLD,
} from '../../bench/compare/defaults.ts';

/** The flags compare shares with `bench --baseline`. */
export interface CompareFlags {
  alpha?: number;
  threshold?: string[];
  metrics?: string[];
}

/** Adds --alpha, --threshold and --metrics to a command. */
export function compareFlags<T>(y: Argv<T>): Argv<T & CompareFlags> {
  return y
    .option('alpha', {
      type: 'number',
      describe: `Significance level, after Holm's correction [default: ${DEFAULT_ALPHA}]`,
    })
    .option('threshold', {
      type: 'string',
      array: true,
      nargs: 1,
      describe: `Smallest change that counts, e.g. 5%; per metric: lagP99Ms=25%, for sweeps kneePerSec=5% (repeatable) [default: ${DEFAULT_THRESHOLD * 100}%]`,
    })
    .option('metrics', {
      type: 'string',
      array: true,
      nargs: 1,
      describe: `Metrics to compare, comma-separated, or all [default: ${DEFAULT_COMPARE_METRICS.join(',')}]`,
    }) as unknown as Argv<T & CompareFlags>;
}
