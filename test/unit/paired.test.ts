/**
 * The paired t-test behind `bench --vs-cmd`, against textbook values, and what the pairing buys
 * in compare: a change that the machine's drift hides from Welch's test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports } from '../../bench/compare/compare.ts';
import { formatCompareTable } from '../../bench/render/compare.ts';
import { splitPairs } from '../../bench/report/pairs.ts';
import { pairedLogRatioTest, pairedTTest } from '../../bench/stats/inference.ts';
import { completedRun, entry, makeReport, runsFrom } from './fixtures.ts';

// Student's (1908) sleep data as R ships it: extra hours of sleep with drug 1 and drug 2 for
// the same 10 patients. R: t.test(extra ~ group, data = sleep, paired = TRUE) gives
// t = -4.0621, df = 9, p-value = 0.002833, 95% CI -2.4598858 -0.7001142 (drug 1 - drug 2).
const DRUG1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const DRUG2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

const close = (actual: number, expected: number, digits: number) =>
  assert.ok(
    Math.abs(actual - expected) < 10 ** -digits,
    `${actual} is not ${expected} to ${digits} digits`,
  );

describe('pairedTTest', () => {
  it("gives R's answer on Student's sleep data", () => {
    const t = pairedTTest(DRUG2, DRUG1);
    assert.ok(t);
    assert.equal(t.n, 10);
    assert.equal(t.df, 9);
    close(t.meanDiff, -1.58, 12);
    close(t.t, -4.062128, 6);
    close(t.p, 0.00283289, 8);
    close(t.ci[0], -2.4598858, 7);
    close(t.ci[1], -0.7001142, 7);
  });

  it('gives no test when every pair differs by the same amount: no noise to test against', () => {
    assert.equal(pairedTTest([1, 2, 3], [2, 3, 4]), null);
    assert.equal(pairedTTest([1, 2, 3], [1, 2, 3]), null);
  });

  it('adds the rounding variance of whole steps to the mean difference, and keeps pairs - 1 df', () => {
    // Every pair differs by 1 ms in whole ms, and each side's runs read alike: one shared
    // rounding error a side, however many pairs, so se = sqrt(0 + 1/12 + 1/12) = 1/sqrt(6).
    // (Before, divided by the pairs, se was 1/sqrt(18) and p 0.0513.)
    const t = pairedTTest([1, 1, 1], [2, 2, 2], 0.95, { base: 1, head: 1 });
    assert.ok(t);
    close(t.se, 1 / Math.sqrt(6), 12);
    assert.equal(t.df, 2);
    close(t.t, Math.sqrt(6), 12);
    // scipy: 2 * t.sf(sqrt(6), 2) = 0.1339746; the interval 1 ± 4.302653 / sqrt(6).
    close(t.p, 0.1339746, 6);
    close(t.ci[0], 1 - 4.3026527 / Math.sqrt(6), 6);
    close(t.ci[1], 1 + 4.3026527 / Math.sqrt(6), 6);
    // Thirty such pairs know no more: the same se, p 2 * t.sf(sqrt(6), 29) = 0.0205827.
    const thirty = pairedTTest(Array(30).fill(1), Array(30).fill(2), 0.95, { base: 1, head: 1 });
    assert.ok(thirty);
    close(thirty.se, 1 / Math.sqrt(6), 12);
    close(thirty.p, 0.0205827, 6);
    // Pairs that differ: each run reads its own value, Sheppard's per-run term (1/12 + 1/12) / 3.
    const spread = pairedTTest([1, 2, 3], [2, 3, 4], 0.95, { base: 1, head: 1 });
    assert.ok(spread);
    close(spread.se, 1 / Math.sqrt(18), 12);
  });

  it('needs two pairs of equal length', () => {
    assert.throws(() => pairedTTest([1], [2]), RangeError);
    assert.throws(() => pairedTTest([1, 2], [2]), RangeError);
  });
});

describe('pairedLogRatioTest', () => {
  it('is the paired t-test on the logarithms', () => {
    // head = base · e^d, so the log ratios are the sleep differences themselves.
    const base = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    const head = base.map((b, i) => b * Math.exp((DRUG1[i] as number) - (DRUG2[i] as number)));
    const t = pairedLogRatioTest(base, head);
    assert.ok(t);
    close(t.t, -4.062128, 6);
    close(t.p, 0.00283289, 8);
    close(t.meanDiff, -1.58, 12);
    close(t.ci[0], -2.4598858, 7);
  });

  it("adds a rounded value's variance on the log scale: step² / 12 / x²", () => {
    // d = ln 2 in every pair; each side's runs read alike, one shared error a side:
    // se² = 1/12 + 1/12 / 4; df 2. scipy: t = 2.1476380, 2 * t.sf(t, 2) = 0.1648140.
    const t = pairedLogRatioTest([1, 1, 1], [2, 2, 2], 0.95, { base: 1, head: 1 });
    assert.ok(t);
    close(t.se, Math.sqrt(5 / 48), 12);
    close(t.t, 2.147638, 6);
    close(t.p, 0.164814, 6);
    assert.equal(pairedLogRatioTest([1, 1, 1], [2, 2, 2]), null);
  });

  it('refuses a value that is not positive', () => {
    assert.throws(() => pairedLogRatioTest([1, 0], [1, 2]), RangeError);
  });
});

describe('compare with paired: true', () => {
  // The machine drifts from run to run (900 to 1,100 req/s), and head is 4% slower in every pair.
  const drift = [1000, 1100, 900, 1050, 950, 1020];
  const base = entry('app', '/orders', runsFrom({ requestsPerSec: drift }));
  const head = entry('app', '/orders', runsFrom({ requestsPerSec: drift.map((x) => x * 0.96) }));
  const options = { metrics: ['requestsPerSec'] as const, threshold: 0.02 };

  it('finds a change that the drift hides from Welch', () => {
    const welch = compareReports(makeReport([base]), makeReport([head]), options);
    const paired = compareReports(makeReport([base]), makeReport([head]), {
      ...options,
      paired: true,
    });
    assert.equal(welch.test, 'welch');
    assert.equal(welch.rows[0]?.verdict, 'inconclusive');
    assert.ok((welch.rows[0]?.p as number) > 0.3, `Welch p ${welch.rows[0]?.p}`);
    assert.equal(paired.test, 'paired');
    const row = paired.rows[0];
    assert.equal(row?.test, 'paired-log-ratio');
    assert.ok((row?.p as number) < 1e-10);
    close(row?.change as number, -0.04, 12);
    assert.equal(row?.verdict, 'regression');
    assert.match(
      formatCompareTable(paired, { base: 'a', head: 'b' }),
      /paired t-test on the per-pair log ratios, Holm-corrected/,
    );
    assert.match(formatCompareTable(welch, { base: 'a', head: 'b' }), /Welch's t-test, Holm/);
  });

  it('pairs runs by their number, leaving out a pair with a failed or unmeasured run', () => {
    const b = entry('app', '/x', [
      completedRun(1, { requestsPerSec: 100 }),
      completedRun(2, { requestsPerSec: 200 }),
      completedRun(3, { requestsPerSec: 300 }),
      completedRun(4, { requestsPerSec: 400 }),
    ]);
    const h = entry('app', '/x', [
      completedRun(4, { requestsPerSec: 440 }),
      completedRun(3, { requestsPerSec: 330 }),
      completedRun(2, { requestsPerSec: null }),
      completedRun(1, { requestsPerSec: 110 }),
    ]);
    const c = compareReports(makeReport([b]), makeReport([h]), { ...options, paired: true });
    assert.equal(c.rows[0]?.base.n, 3);
    close(c.rows[0]?.change as number, 0.1, 12);
  });

  it('tests the differences when a pair has a 0 (no ratio), and says so', () => {
    // Whole-ms latencies: every pair differs by 1, and the rounding of each side is the noise.
    const b = entry('app', '/x', runsFrom({ latencyP99Ms: [0, 1, 2, 3] }));
    const h = entry('app', '/x', runsFrom({ latencyP99Ms: [1, 2, 3, 4] }));
    const c = compareReports(makeReport([b]), makeReport([h]), {
      metrics: ['latencyP99Ms'],
      paired: true,
    });
    assert.equal(c.rows[0]?.test, 'paired-difference');
    assert.equal(c.rows[0]?.df, 3);
    close(c.rows[0]?.change as number, 1 / 1.5, 12);
    assert.match(
      formatCompareTable(c, { base: 'a', head: 'b' }),
      /on the differences where a pair has a 0/,
    );
  });
});

describe('splitPairs', () => {
  it('gives each side of a --vs-cmd report under the base name, so that compare matches them', () => {
    const report = {
      ...makeReport([
        entry('app', '/x', runsFrom({ requestsPerSec: [1, 2] })),
        entry('vs', '/x', runsFrom({ requestsPerSec: [3, 4] })),
      ]),
      pairs: { base: 'app', head: 'vs' },
    };
    const sides = splitPairs(report);
    assert.deepEqual(
      sides?.head.results.map((r) => [r.scenario, r.variant, r.summary.requestsPerSec.mean]),
      [['app', '/x', 3.5]],
    );
    assert.equal(sides?.base.results.length, 1);
    assert.equal(splitPairs(makeReport([])), null);
  });
});
