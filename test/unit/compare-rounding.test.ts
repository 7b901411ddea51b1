import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareReports, type MetricComparison } from '../../bench/compare/compare.ts';
import { rangeAgainst, roundingRange, slackOf } from '../../bench/compare/rounding.ts';
import { completedRun, entry, latencyReport, makeReport, runsFrom } from './fixtures.ts';

// Expected p-values were computed independently with scipy 1.17 (stats.t.sf): Welch's t with
// each side's variance of the mean plus step² / 12 · Σ (nₖ / n)², df Welch–Satterthwaite's
// capped at nBase + nHead - 2. The code before this rule gave the same p-values; only verdicts
// moved.

/** Equal to 6 significant digits. */
function sig6(actual: number | null | undefined, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what}: got ${actual}`);
  assert.equal(
    Number((actual as number).toPrecision(6)),
    Number(expected.toPrecision(6)),
    `${what}: ${actual} vs ${expected}`,
  );
}

const x = (v: number, n: number): number[] => Array(n).fill(v);
const B10_US = [10.41, 10.52, 10.47, 10.39, 10.55, 10.44, 10.5, 10.46, 10.43, 10.48];
const H10_US = [10.62, 10.71, 10.66, 10.58, 10.74, 10.6, 10.69, 10.65, 10.63, 10.7];
const H12_US = [11.82, 11.91, 11.86, 11.78, 11.94, 11.8, 11.89, 11.85, 11.83, 11.9];
const H13_US = H12_US.map((v) => v + 1);

/** latencyP99Ms of base against head, `bStep` and `hStep` their resolutions (ms). */
function row(b: number[], h: number[], bStep = 1, hStep = bStep, paired = false): MetricComparison {
  const c = compareReports(latencyReport(b, bStep), latencyReport(h, hStep), {
    metrics: ['latencyP99Ms'],
    paired,
  });
  return c.rows[0] as MetricComparison;
}

function range(r: MetricComparison): [number, number, number, number | null] {
  assert.ok(r.rounding?.change, 'a bounded rounding range');
  return [...r.rounding.diff, ...r.rounding.change];
}

function near(actual: (number | null)[], expected: (number | null)[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) => {
    const e = expected[i] as number | null;
    if (e === null) assert.equal(a, null, `${what}[${i}]`);
    else sig6(a, e, `${what}[${i}]`);
  });
}

describe('compare: a verdict only where rounding cannot reverse it', () => {
  it('[10]×10 against [11]×8 + [12]×2 whole ms: inconclusive, no longer a regression', () => {
    // Before: regression, exit 1 (+12%, p 0.0073). Each value may be up to 1 ms above what it
    // reads, so head - base is anything from +0.2 to +2.2 ms: +1.8% … +22% against ±10%.
    const r = row(x(10, 10), [...x(11, 8), ...x(12, 2)]);
    sig6(r.p, 0.00734127, 'p');
    sig6(r.pAdjusted, 0.00734127, 'Holm p');
    assert.equal(r.df, 18);
    sig6(r.change, 0.12, 'change');
    near(range(r), [0.2, 2.2, 0.2 / 11, 0.22], 'range');
    assert.deepEqual(
      [r.verdict, r.reason],
      [
        'inconclusive',
        'held by rounding: head - base is +1.20 ms (+12%), but with each value anywhere in its step +0.20 … +2.20 ms (+1.82% … +22%), partly within ±10% and partly beyond',
      ],
    );
  });

  it('[10]×10 against [15]×10 whole ms: still a regression, at +36% even at the ends of the steps', () => {
    const r = row(x(10, 10), x(15, 10));
    sig6(r.p, 3.63062e-10, 'p');
    near(range(r), [4, 6, 15 / 11 - 1, 0.6], 'range');
    assert.deepEqual([r.verdict, r.reason], ['regression', 'significant and beyond ±10%']);
  });

  it('keeps no-change where even the ends of the steps stay within the threshold', () => {
    // 30 against 31: 0% … +6.67%, within ±10%.
    const up = row(x(30, 10), x(31, 10));
    sig6(up.p, 0.0247696, 'p');
    near(range(up), [0, 2, 0, 2 / 30], 'range');
    assert.deepEqual([up.verdict, up.reason], ['no-change', 'significant but within ±10%']);
    const flat = row(x(30, 10), [...x(30, 9), 31]);
    sig6(flat.p, 0.806402, 'p');
    near(range(flat), [-0.9, 1.1, 30.1 / 31 - 1, 1.1 / 30], 'range');
    assert.deepEqual(
      [flat.verdict, flat.reason],
      ['no-change', 'not significant; 95% interval within ±10%'],
    );
  });

  it('no longer reads no-change where a step could carry the change beyond the threshold', () => {
    // Before: no-change ("significant but within ±10%": +10% is not beyond 10%). At the ends of
    // the steps, 0% … +20%.
    const step = row(x(10, 10), x(11, 10));
    sig6(step.p, 0.0247696, 'p');
    assert.deepEqual(
      [step.verdict, step.reason],
      [
        'inconclusive',
        'held by rounding: head - base is +1.00 ms (+10%), but with each value anywhere in its step 0 … +2.00 ms (0% … +20%), partly within ±10% and partly beyond',
      ],
    );
    // Before: no-change ("not significant; 95% interval within ±10%"): -8.18% … +11%.
    const tenth = row(x(10, 10), [...x(10, 9), 11]);
    sig6(tenth.p, 0.806402, 'p');
    near(range(tenth), [-0.9, 1.1, 10.1 / 11 - 1, 0.11], 'range');
    assert.equal(tenth.verdict, 'inconclusive');
    assert.match(tenth.reason, /^held by rounding: .*\(-8\.18% … \+11%\), partly within ±10%/);
  });

  it('whole ms against µs: the whole-ms side moves half a step either way, the µs side 1 µs', () => {
    // Base reads 10 (10.5 at the middle of its step: 10 to 11), head 11.86 timed.
    const held = row(x(10, 10), H12_US, 1, 0.001);
    assert.deepEqual(
      [held.base.mean, held.base.resolution, held.head.resolution],
      [10.5, 1, 0.001],
    );
    sig6(held.p, 0.000179724, 'p');
    near(range(held), [11.858 - 11, 11.859 - 10, 11.858 / 11 - 1, 11.859 / 10 - 1], 'range');
    // Before: regression, exit 1 (+12.9%).
    assert.equal(held.verdict, 'inconclusive');
    assert.match(held.reason, /step \+0\.86 … \+1\.86 ms \(\+7\.8% … \+18\.6%\), partly within/);
    const beyond = row(x(10, 10), H13_US, 1, 0.001);
    sig6(beyond.p, 1.86158e-7, 'p');
    assert.equal(beyond.verdict, 'regression');
    // Either way round.
    const back = row(H12_US, x(10, 10), 0.001, 1);
    near(range(back), [10 - 11.859, 11 - 11.858, 10 / 11.859 - 1, 11 / 11.858 - 1], 'range');
    assert.equal(back.verdict, 'inconclusive');
  });

  it('a base that may be 0: no bound above, and zeros in whole ms promise no "no change"', () => {
    // Whole ms on both sides, every run 0: each true value anywhere under 1 ms. Before:
    // no-change, "zero on every run of both sides".
    const zeros = row([0, 0, 0], [0, 0, 0]);
    assert.deepEqual(
      [zeros.verdict, zeros.reason],
      ['inconclusive', 'base mean is 0: no relative change'],
    );
    // Whole-ms 0 against µs: base 0 to 1 ms, head 0.3 ms: -70% … unbounded.
    const tiny = row([0, 0, 0], [0.29, 0.3, 0.31], 1, 0.001);
    assert.deepEqual(tiny.rounding?.change?.[1], null);
    assert.equal(tiny.verdict, 'inconclusive');
    assert.match(tiny.reason, /\(-70% … \+∞, the base may be 0\), partly within ±10%/);
    // 50 ms is +4,900% or more against anything under 1 ms: still a regression.
    const far = row([0, 0, 0], [49.9, 50, 50.1], 1, 0.001);
    sig6(far.rounding?.change?.[0], 50 / 1 - 1, 'low');
    assert.equal(far.verdict, 'regression');
    // Exact zeros kept as measured are as before.
    const lag = compareReports(
      makeReport([entry('busy-wait', 'sync', runsFrom({ lagP99Ms: [0, 0, 0] }))]),
      makeReport([entry('busy-wait', 'sync', runsFrom({ lagP99Ms: [0, 0, 0] }))]),
      { metrics: ['lagP99Ms'] },
    ).rows[0];
    assert.deepEqual(
      [lag?.rounding, lag?.verdict, lag?.reason],
      [null, 'no-change', 'zero on every run of both sides'],
    );
  });

  it('paired: the range is on the geometric mean ratio, pair by pair', () => {
    const r = row(x(10, 5), [...x(11, 4), 12], 1, 1, true);
    assert.equal(r.test, 'paired-log-ratio');
    sig6(r.change, 0.11931, 'change');
    // (12 / 11)^(1/5) - 1 and (12⁴ · 13)^(1/5) / 10 - 1.
    near(range(r), [0.2, 2.2, 0.0175546, 0.219365], 'range');
    assert.equal(r.verdict, 'inconclusive');
  });

  it('leaves µs data as it was: the same p-values and verdicts as before this rule', () => {
    // Before (looplab compare on the same values): regression, p 2.37e-22; no-change
    // ("significant but within ±10%"), p 1.00e-7. 1 µs moves these changes by < 0.02%.
    const up = row(B10_US, H12_US, 0.001);
    sig6(up.p, 2.36586e-22, 'p');
    sig6(up.df, 17.9766, 'df');
    near(range(up), [1.392, 1.394, 11.858 / 10.466 - 1, 11.859 / 10.465 - 1], 'range');
    assert.deepEqual([up.verdict, up.reason], ['regression', 'significant and beyond ±10%']);
    const flat = row(B10_US, H10_US, 0.001);
    sig6(flat.p, 1.00277e-7, 'p');
    assert.deepEqual([flat.verdict, flat.reason], ['no-change', 'significant but within ±10%']);
    // A metric kept as measured has no range at all: its change is the point it is judged on.
    const rps = (v: number[]) =>
      makeReport([entry('busy-wait', 'sync', runsFrom({ requestsPerSec: v }))]);
    const t = compareReports(rps([100, 104, 98]), rps([80, 83, 79]), {
      metrics: ['requestsPerSec'],
    }).rows[0];
    assert.deepEqual([t?.rounding, t?.verdict], [null, 'regression']);
  });
});

describe('roundingRange, rangeAgainst, slackOf', () => {
  it('moves each value within its step, and the change with it', () => {
    const up = { low: 0, high: 1 };
    assert.equal(roundingRange([1, 2], [3, 4], [up, up], [up, up], false)?.diff.join(), '1,3');
    assert.deepEqual(roundingRange([1, 2], [3, 4], [up, up], [up, up], false)?.change, [
      3.5 / 2.5 - 1,
      4.5 / 1.5 - 1,
    ]);
    const none = { low: 0, high: 0 };
    assert.equal(roundingRange([1, 2], [3, 4], [none, none], [none, none], false), null);
    assert.equal(roundingRange([], [3], [], [up], false), null);
  });

  it('says where a range lies against ±threshold, edges within', () => {
    const cases: [[number, number | null] | null, string][] = [
      [[0.11, 0.2], 'beyond'],
      [[-0.3, -0.2], 'beyond'],
      [[0.2, null], 'beyond'],
      [[-0.1, 0.1], 'within'],
      [[0.05, 0.15], 'across'],
      [[-0.15, 0.05], 'across'],
      [[0.05, null], 'across'],
      [null, 'across'],
    ];
    for (const [r, where] of cases) assert.equal(rangeAgainst(r, 0.1), where, JSON.stringify(r));
  });

  it("gives a run's slack: a step up when rounded down, half a step either way at mid-step", () => {
    const whole = { ...completedRun(1, { latencyP99Ms: 3, lagP99Ms: 2 }), latencyResolutionMs: 1 };
    const us = { ...whole, latencyResolutionMs: 0.001 };
    assert.deepEqual(slackOf(whole, 'latencyP99Ms', false), { low: 0, high: 1 });
    assert.deepEqual(slackOf(whole, 'latencyP99Ms', true), { low: -0.5, high: 0.5 });
    assert.deepEqual(slackOf(us, 'latencyP99Ms', true), { low: 0, high: 0.001 });
    assert.deepEqual(slackOf(whole, 'lagP99Ms', true), { low: 0, high: 0 });
  });
});
