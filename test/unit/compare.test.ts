import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports } from '../../bench/compare/compare.ts';
import { environmentDifferences } from '../../bench/report/comparable.ts';
import {
  fiellerRatioInterval,
  holm,
  minDetectableChange,
  stars,
  welchTest,
} from '../../bench/stats/inference.ts';
import { ENVIRONMENT, entry, failedRun, makeReport, runsFrom } from './fixtures.ts';

// Reference values: the two worked examples of Welch's t-test on Wikipedia ("Welch's t-test",
// Examples: t = 2.46, df = 25.0, p = 0.021; t = 1.57, df = 9.9, p = 0.149), to more digits with
// scipy.stats.ttest_ind(equal_var=False). Fieller's bounds were found by root-finding
// (scipy.optimize.brentq) on |head - r·base| = t·sqrt(vHead + r²·vBase), not by its closed form.
const A1 = [
  27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4,
];
const A2 = [
  27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4,
];
const B1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
const B2 = [
  21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5,
  22.5, 23.5, 21.5, 21.8,
];
const SMALL_BASE = [100, 104, 98];
const SMALL_HEAD = [80, 83, 79];

/** Equal to 3 significant digits. */
function sig3(actual: number | null | undefined, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what}: got ${actual}`);
  assert.equal(
    Number((actual as number).toPrecision(3)),
    Number(expected.toPrecision(3)),
    `${what}: ${actual} vs ${expected}`,
  );
}

const sq = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) / xs.length;
};
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('welchTest', () => {
  for (const [name, base, head, t, df, p] of [
    ['Wikipedia example 1', A1, A2, 2.45536, 24.9885, 0.021378],
    ['Wikipedia example 2', B1, B2, 1.56543, 9.90474, 0.148842],
    ['three runs a side, a 20% drop', SMALL_BASE, SMALL_HEAD, -9.37043, 3.52781, 0.00129008],
  ] as const) {
    it(`matches the reference values: ${name}`, () => {
      const w = welchTest(base, head);
      sig3(w.t, t, 't');
      sig3(w.df, df, 'df');
      sig3(w.p, p, 'p');
    });
  }

  it('gives p = 1 for identical constant samples and p = 0 for different ones', () => {
    assert.equal(welchTest([5, 5, 5], [5, 5, 5]).p, 1);
    assert.equal(welchTest([5, 5, 5], [6, 6, 6]).p, 0);
  });

  it('refuses a side with fewer than two values', () => {
    assert.throws(() => welchTest([1], [1, 2]), RangeError);
  });
});

describe('fiellerRatioInterval', () => {
  for (const [name, base, head, lo, hi] of [
    ['Wikipedia example 1', A1, A2, 1.01584, 1.20368],
    ['Wikipedia example 2', B1, B2, 0.971409, 1.19958],
    ['three runs a side, a 20% drop', SMALL_BASE, SMALL_HEAD, 0.74934, 0.857542],
  ] as const) {
    it(`matches root-finding on Fieller's equation: ${name}`, () => {
      const df = welchTest(base, head).df;
      const ci = fiellerRatioInterval(avg(base), sq(base), avg(head), sq(head), df);
      assert.ok(ci);
      sig3(ci[0], lo, 'low');
      sig3(ci[1], hi, 'high');
    });
  }

  it('is null when the base mean is not clearly away from zero', () => {
    assert.equal(fiellerRatioInterval(1, 4, 10, 1, 5), null);
    assert.equal(fiellerRatioInterval(0, 1, 10, 1, 5), null);
  });
});

describe('holm', () => {
  it('adjusts step-down and keeps the order of its input', () => {
    // By hand: sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, then max(0.06, 0.04·1).
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    assert.deepEqual(
      adjusted.map((p) => Number(p.toFixed(10))),
      [0.03, 0.06, 0.06, 0.02],
    );
  });

  it('caps at 1 and leaves a single p alone', () => {
    assert.deepEqual(holm([0.6, 0.7]), [1, 1]);
    assert.deepEqual(holm([0.2]), [0.2]);
    assert.deepEqual(holm([]), []);
  });
});

describe('stars', () => {
  it('marks the conventional levels', () => {
    assert.deepEqual([0.0009, 0.001, 0.009, 0.01, 0.049, 0.05, null].map(stars), [
      '***',
      '**',
      '**',
      '*',
      '*',
      '',
      '',
    ]);
  });
});

describe('minDetectableChange', () => {
  it('is (t(1 - alpha/2) + t(power)) · se / |base mean|', () => {
    const w = welchTest(A1, A2);
    // scipy: (t.ppf(0.975, df) + t.ppf(0.8, df)) * se / mean(A1)
    sig3(minDetectableChange(w.se, w.df, avg(A1), 0.05), 0.123583, 'example 1');
    const s = welchTest(SMALL_BASE, SMALL_HEAD);
    sig3(minDetectableChange(s.se, s.df, avg(SMALL_BASE), 0.05), 0.082373, 'three runs');
  });
});

const busy = (rps: number[], lag: number[], variant = 'sync') =>
  entry('busy-wait', variant, runsFrom({ requestsPerSec: rps, lagP99Ms: lag }));

describe('compareReports', () => {
  const base = makeReport([busy([100, 104, 98], [10, 10.2, 10.1])]);

  it('calls a significant drop in throughput beyond the threshold a regression', () => {
    const head = makeReport([busy([80, 83, 79], [10.1, 10, 10.2])]);
    const c = compareReports(base, head, { metrics: ['requestsPerSec', 'lagP99Ms'] });
    assert.equal(c.tests, 2);
    const rps = c.rows.find((r) => r.metric === 'requestsPerSec');
    assert.ok(rps);
    sig3(rps.change, -0.198675, 'change');
    sig3(rps.p, 0.00129008, 'p');
    // Holm with two tests: the smaller p doubles.
    sig3(rps.pAdjusted, 0.00258016, 'adjusted p');
    assert.equal(rps.stars, '**');
    assert.equal(rps.verdict, 'regression');
    assert.deepEqual(
      c.regressions.map((r) => r.metric),
      ['requestsPerSec'],
    );
    const lag = c.rows.find((r) => r.metric === 'lagP99Ms');
    assert.equal(lag?.verdict, 'no-change');
  });

  it('calls the same change in the good direction an improvement', () => {
    const c = compareReports(makeReport([busy([80, 83, 79], [10, 11, 10.5])]), base, {
      metrics: ['requestsPerSec'],
    });
    assert.equal(c.rows[0]?.verdict, 'improvement');
    assert.equal(c.regressions.length, 0);
  });

  it('judges direction per metric: more lag is worse', () => {
    const head = makeReport([busy([100, 104, 98], [20, 21, 20.5])]);
    const c = compareReports(base, head, { metrics: ['lagP99Ms'] });
    assert.equal(c.rows[0]?.verdict, 'regression');
  });

  it("never sets an old report's raw lag against a new one's corrected lag", () => {
    // A version-1 report, as read.ts upgrades it: its lag is raw only, its corrected lag null.
    const v1 = makeReport([
      entry(
        'busy-wait',
        'sync',
        runsFrom({ requestsPerSec: [100, 104, 98], lagRawP99Ms: [10, 10.2, 10.1] }),
      ),
    ]);
    const v2 = makeReport([
      entry(
        'busy-wait',
        'sync',
        runsFrom({
          requestsPerSec: [100, 104, 98],
          lagP99Ms: [300, 310, 305],
          lagRawP99Ms: [20, 21, 20.5],
        }),
      ),
    ]);
    const note =
      'busy-wait sync: base has loop lag p99 raw only (a version-1 report, before lag was ' +
      'corrected for coordinated omission): compared on lagRawP99Ms, raw against raw, never ' +
      'against the corrected figure';
    const c = compareReports(v1, v2, { metrics: ['requestsPerSec', 'lagP99Ms'] });
    assert.deepEqual(
      c.rows.map((r) => r.metric),
      ['requestsPerSec', 'lagRawP99Ms'],
    );
    const lag = c.rows[1];
    assert.deepEqual([lag?.base.mean, lag?.head.mean], [10.1, 20.5]);
    assert.equal(lag?.verdict, 'regression');
    assert.ok(c.warnings.includes(note));
    // Either side: the head may be the old one.
    const back = compareReports(v2, v1, { metrics: ['lagP99Ms'] });
    assert.deepEqual(
      back.rows.map((r) => r.metric),
      ['lagRawP99Ms'],
    );
    assert.ok(back.warnings.some((w) => w.includes(': head has loop lag p99 raw only')));
    // Asked for both: the raw row once, no corrected row.
    const both = compareReports(v1, v2, { metrics: ['lagP99Ms', 'lagRawP99Ms'] });
    assert.deepEqual(
      both.rows.map((r) => r.metric),
      ['lagRawP99Ms'],
    );
    // Two version-2 reports compare the corrected lag.
    const same = compareReports(v2, v2, { metrics: ['lagP99Ms'] });
    assert.deepEqual(
      same.rows.map((r) => r.metric),
      ['lagP99Ms'],
    );
    assert.ok(!same.warnings.some((w) => w.includes('raw only')));
  });

  it('lets a per-metric threshold override the default', () => {
    const head = makeReport([busy([80, 83, 79], [10, 11, 10.5])]);
    const c = compareReports(base, head, {
      metrics: ['requestsPerSec'],
      threshold: 0.1,
      thresholds: { requestsPerSec: 0.25 },
    });
    assert.equal(c.rows[0]?.threshold, 0.25);
    assert.equal(c.rows[0]?.verdict, 'no-change');
    assert.match(c.rows[0]?.reason ?? '', /significant but within ±25%/);
  });

  it('never calls a regression from fewer than 3 runs, and says so', () => {
    const two = makeReport([busy([100, 101], [10, 10])]);
    const head = makeReport([busy([50, 51], [10, 10])]);
    const c = compareReports(two, head, { metrics: ['requestsPerSec'] });
    assert.equal(c.rows[0]?.verdict, 'inconclusive');
    assert.notEqual(c.rows[0]?.p, null);
    assert.equal(c.regressions.length, 0);
    assert.ok(c.warnings.some((w) => /2 completed runs in base and 2 in head; at least 3/.test(w)));
  });

  it('leaves failed runs and null values out, and says how many runs were used', () => {
    const withFailure = makeReport([
      entry('busy-wait', 'sync', [
        ...runsFrom({ requestsPerSec: [100, 104, 98, 101], lagP99Ms: [10, null, 11, 10] }),
        failedRun(5),
      ]),
    ]);
    const c = compareReports(withFailure, base, { metrics: ['requestsPerSec', 'lagP99Ms'] });
    assert.equal(c.rows.find((r) => r.metric === 'requestsPerSec')?.base.n, 4);
    assert.equal(c.rows.find((r) => r.metric === 'lagP99Ms')?.base.n, 3);
    assert.ok(c.warnings.includes('busy-wait sync: 1 of 5 base runs failed and are left out'));
  });

  it('calls a noisy, non-significant change inconclusive rather than no change', () => {
    const head = makeReport([busy([60, 140, 90], [10, 11, 10.5])]);
    const c = compareReports(base, head, { metrics: ['requestsPerSec'] });
    assert.equal(c.rows[0]?.verdict, 'inconclusive');
    assert.ok((c.rows[0]?.minDetectableChange ?? 0) > 0.1);
  });

  it('lists variants present on one side only instead of failing', () => {
    const head = makeReport([
      busy([100, 104, 98], [10, 11, 10.5], 'async'),
      entry('fs-read', 'sync', runsFrom({ requestsPerSec: [1, 2, 3] })),
    ]);
    const c = compareReports(base, head);
    assert.deepEqual(c.rows, []);
    assert.deepEqual(c.onlyInBase, [{ scenario: 'busy-wait', variant: 'sync' }]);
    assert.deepEqual(c.onlyInHead, [
      { scenario: 'busy-wait', variant: 'async' },
      { scenario: 'fs-read', variant: 'sync' },
    ]);
  });

  it('skips a metric neither side measured, and marks a zero base inconclusive', () => {
    const zero = (v: number[]) =>
      makeReport([entry('busy-wait', 'sync', runsFrom({ requestsPerSec: [1, 1, 1], errors: v }))]);
    const c = compareReports(zero([0, 0, 0]), zero([3, 4, 5]), {
      metrics: ['errors', 'lagP99Ms'],
    });
    assert.deepEqual(
      c.rows.map((r) => [r.metric, r.verdict, r.reason]),
      [['errors', 'inconclusive', 'base mean is 0: no relative change']],
    );
    const none = compareReports(zero([0, 0, 0]), zero([0, 0, 0]), { metrics: ['errors'] });
    assert.deepEqual(
      none.rows.map((r) => [r.verdict, r.reason]),
      [['no-change', 'zero on every run of both sides']],
    );
  });

  it('warns when the environments or options differ', () => {
    const other = makeReport([busy([100, 104, 98], [10, 11, 10.5])]);
    other.environment = { ...ENVIRONMENT, node: 'v22.0.0', cpuCount: 2 };
    other.options = { ...other.options, durationSec: 10 };
    const c = compareReports(base, other);
    assert.ok(c.warnings.some((w) => w.includes('node "v20.19.0" vs "v22.0.0"; cpuCount 8 vs 2')));
    assert.ok(c.warnings.some((w) => w.includes('durationSec 3 vs 10')));
    assert.deepEqual(environmentDifferences(ENVIRONMENT, ENVIRONMENT), []);
  });

  it('refuses an alpha outside (0, 1)', () => {
    assert.throws(() => compareReports(base, base, { alpha: 0 }), RangeError);
  });
});
