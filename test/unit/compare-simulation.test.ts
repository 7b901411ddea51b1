/**
 * The false-alarm rate and the power of compare's regression gate, on synthetic reports drawn
 * from seeded random numbers (the same on every machine), at the noise measured here.
 *
 * The noise is the coefficient of variation of each metric over 8 interleaved runs of
 * `looplab bench busy-wait --runs 8 --duration 2 --warmup 0.5` on the 2-core machine this was
 * built on, shared with other work at the time. Draws are log-normal: benchmark figures are
 * positive and skewed. Every comparison holds 2 variants × 6 metrics = 12 tests, so Holm's
 * correction works as hard as it does on a real report.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports, DEFAULT_COMPARE_METRICS } from '../../bench/compare.ts';
import type { MetricName } from '../../bench/metrics.ts';
import { DEFAULT_OPTIONS } from '../../bench/options.ts';
import type { Report } from '../../bench/report.ts';
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

/** The worst throughput noise measured (sync); the drop is simulated at this level. */
const THROUGHPUT_CV = 0.07;

/**
 * The runs per side the CI workflow uses (.github/workflows/bench.yml): the fewest that find
 * a 20% drop at THROUGHPUT_CV in 95% of trials, as the power test below shows.
 */
const CI_RUNS = 8;
const TRIALS = 200;

function draw(normal: () => number, runs: number, syncThroughputFactor: number): Report {
  return makeReport(
    Object.entries(MEASURED).map(([variant, metrics]) => {
      const columns: Partial<Record<MetricName, number[]>> = {};
      for (const [name, [mean, measuredCv]] of Object.entries(metrics) as [
        MetricName,
        [number, number],
      ][]) {
        const isSyncThroughput = variant === 'sync' && name === 'requestsPerSec';
        const m = isSyncThroughput ? mean * syncThroughputFactor : mean;
        const cv = name === 'requestsPerSec' ? THROUGHPUT_CV : measuredCv;
        columns[name] = Array.from({ length: runs }, () => logNormalDraw(normal, m, cv));
      }
      return entry('busy-wait', variant, runsFrom(columns));
    }),
  );
}

/** Share of TRIALS comparisons with any regression (A/A), or that find the sync throughput drop. */
function rate(seed: number, runs: number, factor: number): number {
  const normal = seededNormal(seed);
  let hits = 0;
  for (let i = 0; i < TRIALS; i++) {
    const c = compareReports(draw(normal, runs, 1), draw(normal, runs, factor));
    const found =
      factor === 1
        ? c.regressions.length > 0
        : c.regressions.some((r) => r.variant === 'sync' && r.metric === 'requestsPerSec');
    if (found) hits++;
  }
  return hits / TRIALS;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe('compare on simulated reports', () => {
  it('uses every default metric, so Holm corrects over 12 tests', () => {
    const c = compareReports(draw(seededNormal(1), 3, 1), draw(seededNormal(2), 3, 1));
    assert.equal(c.tests, 2 * DEFAULT_COMPARE_METRICS.length);
  });

  for (const runs of [DEFAULT_OPTIONS.runs, CI_RUNS]) {
    it(`A/A: at most 5% of ${TRIALS} comparisons of ${runs} runs a side call a regression`, (t) => {
      const falseRate = rate(1000 + runs, runs, 1);
      t.diagnostic(`A/A false regressions, ${runs} runs a side: ${pct(falseRate)} of ${TRIALS}`);
      assert.ok(falseRate <= 0.05, `false regression rate ${pct(falseRate)}`);
    });
  }

  it(`a real 20% drop in sync requestsPerSec at ${pct(THROUGHPUT_CV)} noise is found in >= 95% of trials with ${CI_RUNS} runs`, (t) => {
    const power = rate(2000, CI_RUNS, 0.8);
    const atDefault = rate(3000, DEFAULT_OPTIONS.runs, 0.8);
    const lines = [
      `20% drop found, ${CI_RUNS} runs a side: ${pct(power)} of ${TRIALS}`,
      `20% drop found, ${DEFAULT_OPTIONS.runs} runs a side (bench's default): ${pct(atDefault)} of ${TRIALS}; too few runs for this noise`,
    ];
    for (const line of lines) t.diagnostic(line);
    assert.ok(power >= 0.95, `power ${pct(power)}`);
    // More runs must buy power; if not, the gate is not using the data.
    assert.ok(atDefault < power, `power at ${DEFAULT_OPTIONS.runs} runs ${pct(atDefault)}`);
  });
});
