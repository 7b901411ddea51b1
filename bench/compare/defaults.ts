/**
 * compare's defaults, apart from the statistics that use them: the flags' --help shows them,
 * and --help should not load the t-tests to say what they default to.
 */
import type { MetricName } from '../report/metrics.ts';

/** The metrics compared by default: throughput, latency, the bystander, the loop, memory. */
export const DEFAULT_COMPARE_METRICS: readonly MetricName[] = [
  'requestsPerSec',
  'latencyP99Ms',
  'pingP99Ms',
  'lagP99Ms',
  'elu',
  'rssMaxBytes',
];

/** Holm-adjusted p-values below this are significant. */
export const DEFAULT_ALPHA = 0.05;
/** The smallest relative change that counts, as a fraction: 10%. */
export const DEFAULT_THRESHOLD = 0.1;
