import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  coefficientOfVariation,
  confidenceInterval,
  mean,
  percentile,
  sampleSd,
  summarize,
} from '../../bench/stats/descriptive.ts';
import { studentTCdf, studentTQuantile } from '../../bench/stats/student-t.ts';

// Reference values are from published t tables and were cross-checked with
// scipy.stats.t (an independent implementation), so they are not circular.

/** Asserts |actual - expected| <= tol, with a message that shows both numbers. */
function assertClose(
  actual: number | null | undefined,
  expected: number,
  tol: number,
  what = '',
): void {
  assert.equal(typeof actual, 'number', `${what}: expected a number, got ${actual}`);
  const a = actual as number;
  assert.ok(
    Math.abs(a - expected) <= tol,
    `${what}: expected ${expected} ± ${tol}, got ${a} (diff ${a - expected})`,
  );
}

/** Asserts a relative error bound, for values spanning many orders of magnitude. */
function assertRelClose(actual: number, expected: number, rel: number, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what}: expected ${expected} (rel ${rel}), got ${actual}`,
  );
}

describe('mean', () => {
  it('averages values', () => {
    assert.equal(mean([1, 2, 3, 4, 5]), 3);
    assertClose(mean([0.1, 0.2, 0.3]), 0.2, 1e-15, 'mean of tenths');
    assert.equal(mean([-7]), -7);
  });

  it('stays accurate when large and small magnitudes are mixed', () => {
    // Naive summation returns 0 here; compensated summation recovers the 2.
    assert.equal(mean([1e16, 1, 1, -1e16]), 0.5);
  });

  it('throws RangeError on empty or non-finite input', () => {
    assert.throws(() => mean([]), RangeError);
    assert.throws(() => mean([1, Number.NaN]), RangeError);
    assert.throws(() => mean([Number.POSITIVE_INFINITY]), RangeError);
  });
});

describe('sampleSd', () => {
  it('uses the n - 1 denominator', () => {
    // Classic example: population sd is 2, sample sd is sqrt(32/7).
    assertClose(sampleSd([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7), 1e-14, 'sd');
    assertClose(sampleSd([2, 4, 4, 4, 5, 5, 7, 9]), 2.138089935299395, 1e-14, 'sd (numpy ddof=1)');
    assertClose(sampleSd([1, 2, 3, 4, 5]), Math.sqrt(2.5), 1e-15, 'sd 1..5');
  });

  it('is 0 for constant samples and stable for a large offset', () => {
    assert.equal(sampleSd([5, 5, 5]), 0);
    assertClose(sampleSd([1e9 + 1, 1e9 + 2, 1e9 + 3]), 1, 1e-9, 'offset sd');
  });

  it('is exactly 0 for equal values whose mean is off by an ulp', () => {
    // 181.503 three times averages to 181.50300000000001: the sd read 3.5e-14, not 0.
    assert.equal(sampleSd([181.503, 181.503, 181.503]), 0);
    assert.equal(sampleSd([190.503, 190.503, 190.503]), 0);
    assert.equal(summarize([181.503, 181.503, 181.503]).sd, 0);
    const ci = summarize([181.503, 181.503, 181.503]).ci95;
    assert.equal(ci?.[0], ci?.[1], 'a zero-width interval');
  });

  it('returns null when n < 2', () => {
    assert.equal(sampleSd([]), null);
    assert.equal(sampleSd([42]), null);
  });

  it('throws RangeError on non-finite input', () => {
    assert.throws(() => sampleSd([1, Number.NaN]), RangeError);
  });
});

describe('percentile', () => {
  const xs = [1, 2, 3, 4];

  it('matches numpy linear interpolation', () => {
    assert.equal(percentile(xs, 0), 1);
    assert.equal(percentile(xs, 50), 2.5);
    assert.equal(percentile(xs, 100), 4);
    assertClose(percentile(xs, 90), 3.7, 1e-12, 'p90');
    assertClose(percentile(xs, 25), 1.75, 1e-12, 'p25');
  });

  it('handles a single element and duplicates', () => {
    assert.equal(percentile([7], 0), 7);
    assert.equal(percentile([7], 63), 7);
    assert.equal(percentile([7], 100), 7);
    assert.equal(percentile([1, 1, 1, 9], 50), 1);
  });

  it('throws RangeError on empty input, p outside [0, 100] or unsorted input', () => {
    assert.throws(() => percentile([], 50), RangeError);
    assert.throws(() => percentile(xs, -0.1), RangeError);
    assert.throws(() => percentile(xs, 100.1), RangeError);
    assert.throws(() => percentile(xs, Number.NaN), RangeError);
    assert.throws(() => percentile([3, 1, 2], 50), RangeError);
    assert.throws(() => percentile([1, Number.NaN, 2], 50), RangeError);
  });
});

describe('studentTCdf', () => {
  it('is 0.5 at t = 0 for any df', () => {
    for (const df of [0.5, 1, 2, 7.5, 30, 1e6]) assert.equal(studentTCdf(0, df), 0.5, `df=${df}`);
  });

  it('matches reference values', () => {
    assertClose(studentTCdf(2.228, 10), 0.975, 1e-5, 't table df=10');
    assertClose(studentTCdf(2.228, 10), 0.9749941140914443, 1e-12, 'scipy df=10');
    // df = 1 is the Cauchy distribution: CDF = 1/2 + atan(t)/pi.
    assertClose(studentTCdf(1, 1), 0.75, 1e-14, 'cauchy t=1');
    assertClose(studentTCdf(-40, 1), 0.5 + Math.atan(-40) / Math.PI, 1e-15, 'cauchy t=-40');
    // df = 2 has a closed form: CDF = 1/2 + t / (2 sqrt(2 + t^2)).
    assertClose(
      studentTCdf(1.3, 2),
      0.5 + 1.3 / (2 * Math.sqrt(2 + 1.3 * 1.3)),
      1e-14,
      'df=2 closed form',
    );
    assertClose(studentTCdf(1.5, 7.5), 0.912759714706768, 1e-12, 'df=7.5');
    assertClose(studentTCdf(-3, 2.5), 0.036288047774515914, 1e-12, 'df=2.5');
    assertClose(studentTCdf(-10, 3), 0.0010641995292070751, 1e-14, 'df=3 tail');
  });

  it('approaches the normal distribution for huge df', () => {
    assertClose(studentTCdf(0.5, 1e6), 0.6914624062638143, 1e-10, 'df=1e6 centre');
    assertRelClose(studentTCdf(-8, 1e6), 6.227531716601252e-16, 1e-6, 'df=1e6 far tail');
  });

  it('is symmetric: F(-t) = 1 - F(t)', () => {
    for (const df of [1, 2.5, 9, 100, 1e6]) {
      for (const t of [0.1, 1, 2.5, 7]) {
        assertClose(studentTCdf(-t, df), 1 - studentTCdf(t, df), 1e-14, `df=${df} t=${t}`);
      }
    }
  });

  it('is monotone in t and saturates at the infinities', () => {
    let prev = 0;
    for (let t = -50; t <= 50; t += 0.5) {
      const f = studentTCdf(t, 3.7);
      assert.ok(f >= prev, `not monotone at t=${t}`);
      prev = f;
    }
    assert.equal(studentTCdf(Number.POSITIVE_INFINITY, 5), 1);
    assert.equal(studentTCdf(Number.NEGATIVE_INFINITY, 5), 0);
    // t^2 overflows a double here; the tail must still be finite and correct (Cauchy: 1/(pi*|t|)).
    assertRelClose(studentTCdf(-1e200, 1), 1 / (Math.PI * 1e200), 1e-12, 'overflowing t^2');
  });

  it('throws RangeError on invalid df or NaN t', () => {
    assert.throws(() => studentTCdf(1, 0), RangeError);
    assert.throws(() => studentTCdf(1, -2), RangeError);
    assert.throws(() => studentTCdf(1, Number.NaN), RangeError);
    assert.throws(() => studentTCdf(Number.NaN, 3), RangeError);
  });
});

describe('studentTQuantile', () => {
  it('matches two-sided 95% t-table critical values', () => {
    assertClose(studentTQuantile(0.975, 1), 12.7062047, 1e-7, 'df=1');
    assertClose(studentTQuantile(0.975, 2), 4.30265273, 1e-8, 'df=2');
    assertClose(studentTQuantile(0.975, 4), 2.77644511, 1e-8, 'df=4');
    assertClose(studentTQuantile(0.975, 9), 2.26215716, 1e-8, 'df=9');
    assertClose(studentTQuantile(0.975, 30), 2.04227246, 1e-8, 'df=30');
    assertClose(studentTQuantile(0.975, 1e6), 1.95996, 1e-5, 'df=1e6 vs table');
  });

  it('matches scipy to ~1e-9', () => {
    const cases: Array<[number, number, number]> = [
      [0.975, 1, 12.706204736174694],
      [0.975, 10, 2.228138851986274],
      [0.975, 7.5, 2.333039626864974],
      [0.975, 3.3, 3.024874461840807],
      [0.975, 1e6, 1.959966356814107],
      [0.995, 4, 4.604094871349992],
      [0.995, 30, 2.7499956535672254],
      [0.995, 1e6, 2.5758342201053344],
    ];
    for (const [p, df, expected] of cases) {
      assertRelClose(studentTQuantile(p, df), expected, 1e-9, `p=${p} df=${df}`);
    }
  });

  it('handles extreme tails and fractional df below 1', () => {
    assertRelClose(studentTQuantile(1e-10, 1), -3183098861.8379064, 1e-9, 'df=1 p=1e-10');
    assertRelClose(studentTQuantile(1e-10, 9), -30.737330949971977, 1e-9, 'df=9 p=1e-10');
    assertRelClose(studentTQuantile(1e-10, 1e6), -6.361406848876743, 1e-9, 'df=1e6 p=1e-10');
    assertRelClose(studentTQuantile(0.975, 0.5), 164.55767348048818, 1e-9, 'df=0.5');
  });

  it('is the inverse of studentTCdf, including non-integer df', () => {
    for (const df of [1, 2.5, 7.5, 13.37, 250, 1e6]) {
      for (const p of [0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999]) {
        const t = studentTQuantile(p, df);
        // The incomplete-beta continued fraction loses digits as df grows (~4e-11 at 1e6).
        const tol = df > 1e4 ? 1e-10 : 1e-13;
        assertRelClose(studentTCdf(t, df), p, tol, `round trip df=${df} p=${p}`);
      }
      for (const t of [-4, -0.3, 1.7, 6]) {
        assertRelClose(
          studentTQuantile(studentTCdf(t, df), df),
          t,
          1e-9,
          `reverse round trip df=${df} t=${t}`,
        );
      }
    }
  });

  it('is antisymmetric and has the expected limits', () => {
    assert.equal(studentTQuantile(0.5, 4), 0);
    assert.equal(studentTQuantile(0.025, 9), -studentTQuantile(0.975, 9));
    assert.equal(studentTQuantile(0, 3), Number.NEGATIVE_INFINITY);
    assert.equal(studentTQuantile(1, 3), Number.POSITIVE_INFINITY);
  });

  it('throws RangeError on p outside [0, 1] or invalid df', () => {
    assert.throws(() => studentTQuantile(-0.01, 3), RangeError);
    assert.throws(() => studentTQuantile(1.01, 3), RangeError);
    assert.throws(() => studentTQuantile(Number.NaN, 3), RangeError);
    assert.throws(() => studentTQuantile(0.9, 0), RangeError);
    assert.throws(() => studentTQuantile(0.9, Number.POSITIVE_INFINITY), RangeError);
  });
});

describe('confidenceInterval', () => {
  it('is mean ± t(0.975, n-1) * sd / sqrt(n)', () => {
    const ci = confidenceInterval([1, 2, 3, 4, 5]);
    assert.ok(ci);
    const half = (2.776445105 * Math.sqrt(2.5)) / Math.sqrt(5);
    assertClose(half, 1.9632431614775572, 1e-9, 'reference half-width');
    assertClose(ci[0], 3 - half, 1e-9, 'lower');
    assertClose(ci[1], 3 + half, 1e-9, 'upper');
  });

  it('honours other confidence levels', () => {
    const ci = confidenceInterval([1, 2, 3, 4, 5], 0.99);
    assert.ok(ci);
    const half = (4.604094871349992 * Math.sqrt(2.5)) / Math.sqrt(5);
    assertClose(ci[0], 3 - half, 1e-9, 'lower 99%');
    assertClose(ci[1], 3 + half, 1e-9, 'upper 99%');
  });

  it('collapses to a point for a constant sample', () => {
    assert.deepEqual(confidenceInterval([4, 4, 4]), [4, 4]);
  });

  it('returns null when n < 2 and throws on bad level or non-finite input', () => {
    assert.equal(confidenceInterval([]), null);
    assert.equal(confidenceInterval([1]), null);
    assert.throws(() => confidenceInterval([1, 2], 0), RangeError);
    assert.throws(() => confidenceInterval([1, 2], 1), RangeError);
    assert.throws(() => confidenceInterval([1, Number.NaN]), RangeError);
  });
});

describe('summarize', () => {
  it('returns all nulls and n = 0 for an empty sample', () => {
    assert.deepEqual(summarize([]), {
      n: 0,
      mean: null,
      sd: null,
      min: null,
      max: null,
      ci95: null,
    });
  });

  it('leaves sd and ci95 null for a single value', () => {
    assert.deepEqual(summarize([3.5]), {
      n: 1,
      mean: 3.5,
      sd: null,
      min: 3.5,
      max: 3.5,
      ci95: null,
    });
  });

  it('summarizes a normal sample consistently with the other functions', () => {
    const xs = [5, 1, 4, 2, 3];
    const s = summarize(xs);
    assert.equal(s.n, 5);
    assert.equal(s.mean, 3);
    assertClose(s.sd, Math.sqrt(2.5), 1e-15, 'sd');
    assert.equal(s.min, 1);
    assert.equal(s.max, 5);
    assert.ok(s.ci95);
    const half = (2.776445105 * Math.sqrt(2.5)) / Math.sqrt(5);
    assertClose(s.ci95[0], 3 - half, 1e-9, 'ci95 lower');
    assertClose(s.ci95[1], 3 + half, 1e-9, 'ci95 upper');
    assert.deepEqual(s.ci95, confidenceInterval(xs));
  });

  it('handles samples too large to spread into Math.min', () => {
    const xs = Array.from({ length: 500_000 }, (_, i) => i % 1000);
    const s = summarize(xs);
    assert.equal(s.min, 0);
    assert.equal(s.max, 999);
    assertClose(s.mean, 499.5, 1e-9, 'mean');
  });

  it('throws RangeError on NaN or Infinity', () => {
    assert.throws(() => summarize([1, Number.NaN, 3]), RangeError);
    assert.throws(() => summarize([Number.NEGATIVE_INFINITY]), RangeError);
    assert.throws(() => summarize([Number.NaN]), RangeError);
  });
});

describe('coefficientOfVariation', () => {
  it('is sd / mean', () => {
    assertClose(coefficientOfVariation([1, 2, 3, 4, 5]), Math.sqrt(2.5) / 3, 1e-15, 'cv');
    assertClose(coefficientOfVariation([-1, -2, -3]), -1 / 2, 1e-15, 'negative mean keeps sign');
  });

  it('returns null when n < 2 or the mean is 0', () => {
    assert.equal(coefficientOfVariation([]), null);
    assert.equal(coefficientOfVariation([10]), null);
    assert.equal(coefficientOfVariation([-1, 1]), null);
  });

  it('throws RangeError on non-finite input', () => {
    assert.throws(() => coefficientOfVariation([1, Number.POSITIVE_INFINITY]), RangeError);
  });
});
