/**
 * Synthetic reports for measuring compare's false-alarm rate and power: seeded log-normal draws
 * (benchmark figures are positive and skewed) at the noise measured on the build machine.
 *
 * The noise is the coefficient of variation of each metric over 8 interleaved runs of
 * `looplab bench busy-wait --runs 8 --duration 2 --warmup 0.5` on the 2-core machine this was
 * built on, shared with other work at the time. Every comparison holds 2 variants × 6 metrics
 * = 12 tests, so Holm's correction works as hard as it does on a real report.
 */
import { compareReports } from '../../bench/compare/compare.ts';
import type { MetricName } from '../../bench/report/metrics.ts';
import type { Report } from '../../bench/report/types.ts';
import { entry, makeReport, runsFrom } from './fixtures.ts';
import { logNormalDraw, seededNormal } from './seeded-random.ts';

/** [mean, coefficient of variation] per variant and metric, as measured. */
const MEASURED: Record<string, Record<string, [number, number]>> = {
  sync: {
    requestsPerSec: [45, 0.07],
    latencyP99Ms: [1060, 0.26],
    pingP99Ms: [740, 0.86],
    lagP99Ms: [234, 0.36],
    elu: [0.995, 0.004],
    rssMaxBytes: [59.5e6, 0.002],
  },
  async: {
    requestsPerSec: [450, 0.034],
    latencyP99Ms: [39, 0.67],
    pingP99Ms: [9, 0.75],
    lagP99Ms: [3.6, 0.81],
    elu: [0.18, 0.11],
    rssMaxBytes: [60.8e6, 0.006],
  },
};

/** The worst throughput noise measured (sync, 7%); drops are simulated at this level by default. */
export const MEASURED_THROUGHPUT_CV = 0.07;

export const TRIALS = 200;

/** A report of `runs` runs per variant; sync's throughput scaled by `factor`; throughput noise `cv`. */
export function drawReport(normal: () => number, runs: number, factor: number, cv: number): Report {
  return makeReport(
    Object.entries(MEASURED).map(([variant, metrics]) => {
      const columns: Partial<Record<MetricName, number[]>> = {};
      for (const [name, [mean, measuredCv]] of Object.entries(metrics) as [
        MetricName,
        [number, number],
      ][]) {
        const m = variant === 'sync' && name === 'requestsPerSec' ? mean * factor : mean;
        const noise = name === 'requestsPerSec' ? cv : measuredCv;
        columns[name] = Array.from({ length: runs }, () => logNormalDraw(normal, m, noise));
      }
      return entry('busy-wait', variant, runsFrom(columns));
    }),
  );
}

/**
 * Of TRIALS comparisons of `runs` runs a side, the share that call any regression (factor 1,
 * an A/A test) or that find the change in sync requestsPerSec (any other factor).
 */
export function detectionRate(
  seed: number,
  runs: number,
  factor: number,
  cv = MEASURED_THROUGHPUT_CV,
): number {
  const normal = seededNormal(seed);
  let hits = 0;
  for (let i = 0; i < TRIALS; i++) {
    const c = compareReports(drawReport(normal, runs, 1, cv), drawReport(normal, runs, factor, cv));
    const found =
      factor === 1
        ? c.regressions.length > 0
        : c.regressions.some((r) => r.variant === 'sync' && r.metric === 'requestsPerSec');
    if (found) hits++;
  }
  return hits / TRIALS;
}
