/**
 * The false-alarm rate and the power of compare's regression gate, on synthetic reports drawn
 * from seeded random numbers (the same on every machine) at the noise measured here; see
 * simulated-reports.ts. `node dist/scripts/dev/power-table.js` prints the power for other noise levels.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports } from '../../bench/compare/compare.ts';
import { DEFAULT_COMPARE_METRICS } from '../../bench/compare/defaults.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { seededNormal } from './seeded-random.ts';
import { detectionRate, drawReport, MEASURED_THROUGHPUT_CV, TRIALS } from './simulated-reports.ts';

/**
 * The runs per side the CI workflow uses (.github/workflows/bench.yml): the fewest that find
 * a 20% drop at the measured noise in 95% of trials, as the power test below shows.
 */
const CI_RUNS = 8;

/** busy-wait's requests/s noise over 5 runs on a quiet hour (docs/methodology.md, "What the harness itself costs"). */
const QUIET_BUSY_WAIT_CV = 0.005;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe('compare on simulated reports', () => {
  it('uses every default metric, so Holm corrects over 12 tests', () => {
    const draw = (seed: number) => drawReport(seededNormal(seed), 3, 1, MEASURED_THROUGHPUT_CV);
    assert.equal(compareReports(draw(1), draw(2)).tests, 2 * DEFAULT_COMPARE_METRICS.length);
  });

  for (const runs of [DEFAULT_OPTIONS.runs, CI_RUNS]) {
    it(`A/A: at most 5% of ${TRIALS} comparisons of ${runs} runs a side call a regression`, (t) => {
      const falseRate = detectionRate(1000 + runs, runs, 1);
      t.diagnostic(`A/A false regressions, ${runs} runs a side: ${pct(falseRate)} of ${TRIALS}`);
      assert.ok(falseRate <= 0.05, `false regression rate ${pct(falseRate)}`);
    });
  }

  it(`a real 20% drop in sync requestsPerSec at ${pct(MEASURED_THROUGHPUT_CV)} noise is found in >= 95% of trials with ${CI_RUNS} runs`, (t) => {
    const power = detectionRate(2000, CI_RUNS, 0.8);
    const atDefault = detectionRate(3000, DEFAULT_OPTIONS.runs, 0.8);
    t.diagnostic(`20% drop found, ${CI_RUNS} runs a side: ${pct(power)} of ${TRIALS}`);
    t.diagnostic(
      `20% drop found, ${DEFAULT_OPTIONS.runs} runs a side (bench's default): ${pct(atDefault)} of ${TRIALS}; too few runs for this noise`,
    );
    assert.ok(power >= 0.95, `power ${pct(power)}`);
    // More runs must buy power; if not, the gate is not using the data.
    assert.ok(atDefault < power, `power at ${DEFAULT_OPTIONS.runs} runs ${pct(atDefault)}`);
  });

  it(`at busy-wait's noise on a quiet hour (${pct(QUIET_BUSY_WAIT_CV)}), the default ${DEFAULT_OPTIONS.runs} runs find a 20% drop in >= 95% of trials`, (t) => {
    const power = detectionRate(4000, DEFAULT_OPTIONS.runs, 0.8, QUIET_BUSY_WAIT_CV);
    t.diagnostic(
      `20% drop found at ${pct(QUIET_BUSY_WAIT_CV)} noise, ${DEFAULT_OPTIONS.runs} runs a side: ${pct(power)} of ${TRIALS}`,
    );
    assert.ok(power >= 0.95, `power ${pct(power)}`);
  });
});
