import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports } from '../../bench/compare/compare.ts';
import { environmentDifferences } from '../../bench/report/comparable.ts';
import {
  fiellerRatioInterval,
  holm,
  minDetectableChange,
  roundingVariance,
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
      assert.ok(w);
      sig3(w.t, t, 't');
      sig3(w.df, df, 'df');
      sig3(w.p, p, 'p');
    });
  }

  it('gives no test for constant samples kept as measured: no noise to test against', () => {
    assert.equal(welchTest([5, 5, 5], [5, 5, 5]), null);
    assert.equal(welchTest([5, 5, 5], [6, 6, 6]), null);
  });

  // scipy: t.sf on se² = s²/n + (1/12)/n a side, df = min(nb + nh - 2, Welch–Satterthwaite's
  // with the known rounding term carrying no df of its own).
  for (const [name, base, head, t, df, p] of [
    ['[1,1,1] vs [2,2,2] whole ms', [1, 1, 1], [2, 2, 2], 4.24264, 4, 0.0132356],
    ['[1,1,2] vs [2,2,2] whole ms', [1, 1, 2], [2, 2, 2], 1.63299, 4, 0.177808],
    ['[1,1,1] vs [50,50,50] whole ms', [1, 1, 1], [50, 50, 50], 207.889, 4, 3.21185e-9],
  ] as const) {
    it(`adds the rounding of whole milliseconds to each side: ${name}`, () => {
      const w = welchTest(base, head, { base: 1, head: 1 });
      assert.ok(w);
      sig3(w.t, t, 't');
      sig3(w.df, df, 'df');
      sig3(w.p, p, 'p');
      assert.ok(w.p > 0);
    });
  }

  it('rounding variance is step² / 12', () => {
    assert.equal(roundingVariance(1), 1 / 12);
    assert.equal(roundingVariance(0), 0);
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
      const df = welchTest(base, head)?.df ?? Number.NaN;
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
    const s = welchTest(SMALL_BASE, SMALL_HEAD);
    assert.ok(w && s);
    // scipy: (t.ppf(0.975, df) + t.ppf(0.8, df)) * se / mean(A1)
    sig3(minDetectableChange(w.se, w.df, avg(A1), 0.05), 0.123583, 'example 1');
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

  const latency = (base: number[], head: number[], resolution?: number) => {
    const side = (v: number[]) =>
      makeReport([
        entry(
          'busy-wait',
          'sync',
          runsFrom({ latencyP99Ms: v }).map((r) =>
            resolution === undefined ? r : { ...r, latencyResolutionMs: resolution },
          ),
        ),
      ]);
    const c = compareReports(side(base), side(head), { metrics: ['latencyP99Ms'] });
    return c.rows[0] as (typeof c.rows)[number];
  };

  it('never finds equal whole-millisecond runs certain: [1,1,1] vs [2,2,2]', () => {
    // Before: se 0, p 0, ***, an interval of +100% … +100%, a regression.
    const row = latency([1, 1, 1], [2, 2, 2]);
    assert.deepEqual([row.base.resolution, row.head.resolution], [1, 1]);
    assert.equal(row.df, 4);
    sig3(row.p, 0.0132356, 'p');
    assert.equal(row.stars, '*');
    const ci = row.changeCi95;
    assert.ok(ci);
    // scipy brentq on Fieller's equation with se² = (1/12)/3 a side and t(0.975, 4).
    sig3(ci[0], 0.256795, 'low');
    sig3(ci[1], 2.8331, 'high');
    sig3(row.minDetectableChange, 0.876202, 'detectable');
  });

  it('still calls [1,1,1] vs [50,50,50] whole milliseconds a regression', () => {
    const row = latency([1, 1, 1], [50, 50, 50]);
    assert.equal(row.verdict, 'regression');
    sig3(row.p, 3.21185e-9, 'p');
    assert.equal(row.stars, '***');
    const ci = row.changeCi95;
    assert.ok(ci && ci[0] > 30 && ci[1] < 100 && ci[1] > ci[0]);
  });

  it('keeps [1,1,2] vs [2,2,2] not significant, and equal whole-ms runs of one value inconclusive', () => {
    const row = latency([1, 1, 2], [2, 2, 2]);
    sig3(row.p, 0.177808, 'p');
    assert.equal(row.verdict, 'inconclusive');
    const same = latency([1, 1, 1], [1, 1, 1]);
    assert.equal(same.p, 1);
    // 1 ms read in whole ms cannot rule out a 10% change either way.
    assert.equal(same.verdict, 'inconclusive');
  });

  it('gives p null and inconclusive for equal runs timed finely (no rounding to add)', () => {
    const row = latency([1, 1, 1], [2, 2, 2], 0.001);
    // 0.001 ms steps still add a little: se > 0, so a p, never 0.
    assert.ok(row.p !== null && row.p > 0);
    const lag = compareReports(
      makeReport([busy([100, 104, 98], [10, 10, 10])]),
      makeReport([busy([100, 104, 98], [20, 20, 20])]),
      { metrics: ['lagP99Ms'] },
    ).rows[0];
    assert.deepEqual(
      [lag?.p, lag?.pAdjusted, lag?.stars, lag?.changeCi95, lag?.verdict, lag?.reason],
      [
        null,
        null,
        '',
        null,
        'inconclusive',
        'every run of both sides alike: no noise to test a difference against',
      ],
    );
  });

  it('shows total CPU without judging it, and judges CPU per request', () => {
    // Head serves twice the requests for 1.8x the CPU: more in total, less per request.
    const cpu = (user: number[], perRequest: number[]) =>
      makeReport([
        entry(
          'busy-wait',
          'sync',
          runsFrom({ cpuUserMs: user, cpuSystemMs: [0, 0, 0], cpuPerRequestMs: perRequest }),
        ),
      ]);
    const c = compareReports(
      cpu([1000, 1010, 990], [1, 1.01, 0.99]),
      cpu([1800, 1790, 1810], [0.9, 0.895, 0.905]),
      {
        metrics: ['cpuUserMs', 'cpuSystemMs', 'cpuPerRequestMs'],
      },
    );
    assert.equal(c.tests, 1);
    const user = c.rows.find((r) => r.metric === 'cpuUserMs');
    assert.deepEqual([user?.verdict, user?.p, user?.pAdjusted], ['not-judged', null, null]);
    sig3(user?.change, 0.8, 'change of the total');
    assert.equal(c.rows.find((r) => r.metric === 'cpuPerRequestMs')?.verdict, 'no-change');
    assert.equal(c.regressions.length, 0);
  });

  it('refuses an alpha outside (0, 1)', () => {
    assert.throws(() => compareReports(base, base, { alpha: 0 }), RangeError);
  });
});
