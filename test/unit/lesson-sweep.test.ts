/**
 * A lesson's sweep measurement: the figures its claims name, read from hand-made sweeps, and
 * lesson 13's claims and explanation on them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findKnee } from '../../bench/sweep/knee.ts';
import { summarizeVariant } from '../../bench/sweep/summary.ts';
import { ceilingFromMicro } from '../../bench/sweep/theory.ts';
import type { SweepReport, SweepRun, SweepStep, SweepVariant } from '../../bench/sweep/types.ts';
import { evaluateCheck } from '../../lessons/engine/claims.ts';
import { lessonOutcome } from '../../lessons/engine/measure.ts';
import { sweepFigure, sweepLookupIn } from '../../lessons/engine/sweep.ts';
import { formatLessonMetric, SWEEP_METRIC_NAMES } from '../../lessons/engine/sweep-metrics.ts';
import { EXERCISE_VARIANT } from '../../lessons/engine/types.ts';
import { findLesson, readLessonFile } from '../../lessons/registry.ts';
import { run, step } from './sweep-fixtures.ts';

const judged = (n: number, steps: SweepStep[]): SweepRun => ({
  ...run(n, steps, null),
  knee: findKnee(steps, 2),
});

const variant = (
  name: string,
  runs: SweepRun[],
  ceiling: SweepVariant['ceiling'] = null,
): SweepVariant => summarizeVariant(name, `busy-wait ${name}`, runs, ceiling, { slo: null });

/** sync past its knee at 40/s, its 60/s step the generator's; async without a knee. */
const sync = variant(
  'sync',
  [
    judged(1, [
      step(10, 30),
      step(20, 40),
      step(40, 300, { arrivedPerSec: 41, achievedPerSec: 38, elu: 0.99 }),
      step(60, 900, { limitedBy: 'generator', limitedWhy: 'late' }),
    ]),
    judged(2, [
      step(10, 34),
      step(20, 44),
      step(40, 500, { arrivedPerSec: 39, achievedPerSec: 40, elu: 1 }),
    ]),
  ],
  ceilingFromMicro(20),
);
const async = variant('async', [
  judged(1, [step(10, 25), step(20, 26), step(40, 27), step(60, 29)]),
]);
const sweep = { variants: [sync, async] } as unknown as SweepReport;

describe('sweepFigure', () => {
  it('reads the knee, the ceiling and the highest step the generator held, averaged over runs', () => {
    const figures = Object.fromEntries(SWEEP_METRIC_NAMES.map((m) => [m, sweepFigure(sync, m)]));
    assert.deepEqual(figures, {
      kneePerSec: 40,
      lastGoodPerSec: 20,
      kneeBoundPerSec: 40,
      ceilingPerSec: 50,
      ceilingServiceMs: 20,
      topOfferedPerSec: 40,
      topArrivedPerSec: 40,
      topAchievedPerSec: 39,
      topP99Ms: 400,
      topSentP99Ms: 400,
      topElu: 0.995,
      lowP99Ms: 32,
      // These hand-made steps keep no fastest answer (as sweeps written before it was kept).
      fastestSentMs: null,
    });
  });

  it('has no knee where none was reached, and bounds it by the highest rate taken well', () => {
    assert.equal(sweepFigure(async, 'kneePerSec'), null);
    assert.equal(sweepFigure(async, 'kneeBoundPerSec'), 60);
    assert.equal(sweepFigure(async, 'ceilingPerSec'), null, 'micro timed sync only');
  });

  it("with every step (verify's), a step the generator sent late counts as the top", () => {
    // Run 1's top is its 60/s step (p99 900, achieved 60), run 2's its 40/s (p99 500, 40).
    assert.equal(sweepFigure(sync, 'topOfferedPerSec', true), 50);
    assert.equal(sweepFigure(sync, 'topAchievedPerSec', true), 50);
    assert.equal(sweepFigure(sync, 'topP99Ms', true), 700);
    assert.equal(sweepFigure(sync, 'lowP99Ms', true), 32);
    assert.equal(
      sweepLookupIn(
        { rush: sweep },
        true,
      )({ measurement: 'rush', variant: 'sync', metric: 'topP99Ms' }),
      700,
    );
  });

  it('looks figures up by measurement and variant, and nothing else', () => {
    const lookup = sweepLookupIn({ rush: sweep });
    assert.equal(lookup({ measurement: 'rush', variant: 'sync', metric: 'kneePerSec' }), 40);
    assert.equal(lookup({ measurement: 'rush', variant: 'sync', metric: 'requestsPerSec' }), null);
    assert.equal(lookup({ measurement: 'main', variant: 'sync', metric: 'kneePerSec' }), null);
    assert.equal(lookup({ measurement: 'rush', variant: 'worker', metric: 'kneePerSec' }), null);
  });

  it('the fastest answer is the smallest of every step of every run, the generator’s steps too', () => {
    const withMin = (st: SweepStep, min: number): SweepStep => ({
      ...st,
      uncorrectedLatencyMs: st.uncorrectedLatencyMs && { ...st.uncorrectedLatencyMs, min },
    });
    const v = variant('x', [
      judged(1, [
        withMin(step(10, 30), 21),
        withMin(step(20, 30, { limitedBy: 'generator' }), 19.5),
      ]),
      judged(2, [withMin(step(10, 30), 20.5), step(20, 30)]),
    ]);
    assert.equal(sweepFigure(v, 'fastestSentMs'), 19.5);
  });

  it('formats figures with their units, and an unmeasured one as such', () => {
    assert.equal(formatLessonMetric('kneePerSec', 40), '40.0 req/s');
    assert.equal(formatLessonMetric('topP99Ms', 400), '400 ms');
    assert.equal(formatLessonMetric('topElu', 0.81), '0.81');
    assert.equal(formatLessonMetric('kneePerSec', null), 'not measured');
    assert.equal(formatLessonMetric('latencyP99Ms', 12.5), '12.5 ms');
  });
});

describe('lesson 13 on a sweep', () => {
  const lesson = findLesson('rush-hour');
  const o = lessonOutcome(lesson, {}, readLessonFile(lesson, 'explain.md'), 1, { rush: sweep });

  it("checks every claim on the sweep's own figures", () => {
    assert.deepEqual(
      o.claims.map((c) => [c.holds, c.left, c.right]),
      [
        [true, 39, 50],
        [true, 40, 50],
        [true, 60, 40],
        [true, 60, 60],
        [true, 400, 32],
      ],
    );
  });

  it('a claim whose figures the sweep did not measure neither holds nor fails', () => {
    const without = lessonOutcome(lesson, {}, '', null, {
      rush: { variants: [sync] } as unknown as SweepReport,
    });
    assert.equal(without.claims[2]?.holds, null);
  });

  it('answers the prediction with the knee over the ceiling', () => {
    assert.deepEqual(o.prediction, { quantity: 0.8, measured: 1, answer: 1, right: true });
  });

  it('explains in the measured numbers, every placeholder filled', () => {
    assert.doesNotMatch(o.explanation, /\{rush\./);
    assert.match(o.explanation, /sync fell over at 40\.0 req\/s offered, 0\.80×\s+its ceiling/);
    assert.match(o.explanation, /its knee: not measured \(which reads/);
  });
});

describe("lesson 13's verify on a sweep", () => {
  const lesson = findLesson('rush-hour');
  /** Every request waited its 100 ms, unless a step says otherwise (`fastest`). */
  const waited = (st: SweepStep, fastest = 100.4): SweepStep => ({
    ...st,
    uncorrectedLatencyMs: st.uncorrectedLatencyMs && {
      ...st.uncorrectedLatencyMs,
      min: st.uncorrectedLatencyMs.min ?? fastest,
    },
  });
  /** The learner's handler alone: verify sweeps no reference. */
  const judge = (steps: SweepStep[]) => {
    const report = {
      variants: [
        variant(EXERCISE_VARIANT, [
          judged(
            1,
            steps.map((st) => waited(st)),
          ),
        ]),
      ],
    } as unknown as SweepReport;
    const lookup = sweepLookupIn({ verify: report }, true);
    return lesson.verify.criteria.map((c) => evaluateCheck(c, lookup).holds);
  };

  it("waits 100 ms and offers 16 times one line's capacity: 16 requests in flight", () => {
    const ms = lesson.verify.params.ms as number;
    const top = lesson.verify.sweep?.ratesPerSec.at(-1) as number;
    assert.deepEqual([ms, (top * ms) / 1000, top / (1000 / ms)], [100, 16, 16]);
  });

  it('passes a handler whose waits overlap: it answers the top rate, every wait its own', () => {
    assert.deepEqual(
      judge([step(40, 104), step(160, 112, { arrivedPerSec: 171, achievedPerSec: 171 })]),
      [true, true, true],
    );
  });

  it("passes it when the generator sent late: its due-time p99 is looplab's, not the route's", () => {
    const late = step(160, 420, {
      arrivedPerSec: 120,
      achievedPerSec: 119,
      uncorrectedLatencyMs: { p50: 101, p90: 104, p99: 118, p999: 130, max: 140 },
      limitedBy: 'generator',
      limitedWhy: 'late',
    });
    assert.deepEqual(judge([step(40, 104), late]), [true, true, true]);
  });

  it("fails the starter's one line: achieved flat at 1000 / ms = 10/s, the queue in its p99", () => {
    assert.deepEqual(
      judge([
        step(40, 3400, { achievedPerSec: 10 }),
        step(160, 9000, { arrivedPerSec: 158, achievedPerSec: 10 }),
      ]),
      [false, true, false],
    );
  });

  // Pools of lines at 160/s offered: [lines, arrived, achieved, p99 at 40/s, p99 at 160/s].
  for (const [lines, arrived, achieved, lowP99, topP99, why] of [
    [4, 162, 40, 310, 2900, 'which held 160/s when the wait was 20 ms'],
    [15, 153, 138, 104, 222, 'short of what arrived, and queued (as measured)'],
    [16, 153, 143, 105, 183, 'the rate offered, as measured'],
  ] as const) {
    it(`fails a pool of ${lines} lines (${lines * 10}/s): ${why}`, () => {
      assert.deepEqual(
        judge([
          step(40, lowP99),
          step(160, topP99, { arrivedPerSec: arrived, achievedPerSec: achieved }),
        ]),
        [false, true, false],
      );
    });
  }

  it('fails one timer for every order that came during the last (waits of 92 to 192 ms)', () => {
    const batched = (st: SweepStep) => waited(st, 96.3);
    assert.deepEqual(
      judge([batched(step(40, 150)), batched(step(160, 195, { arrivedPerSec: 153 }))]),
      [true, true, false],
    );
  });

  it('a handler whose sweep failed is not measured, and does not pass', () => {
    assert.deepEqual(judge([]), [null, null, null]);
  });

  it('fails a handler that skips or shares the wait for some requests: one answered in 2 ms', () => {
    const early = (st: SweepStep) => waited(st, 2);
    assert.deepEqual(
      judge([early(step(40, 104)), step(160, 112, { arrivedPerSec: 171, achievedPerSec: 171 })]),
      [true, false, true],
    );
  });
});
