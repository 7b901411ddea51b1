/**
 * The sweep's theory (the ceiling, the M/D/1 prediction) and its summary: a variant's median knee
 * and SLO rate, async's knee over sync's, and the warnings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSlo } from '../../bench/sweep/slo.ts';
import {
  higherRates,
  kneeRatio,
  medianWithNulls,
  summarizeVariant,
  sweepWarnings,
} from '../../bench/sweep/summary.ts';
import {
  ceilingFromMicro,
  ceilingFromSteps,
  md1MeanMs,
  theoryPoints,
} from '../../bench/sweep/theory.ts';
import type { SweepRun, SweepVariant } from '../../bench/sweep/types.ts';
import { run, step } from './sweep-fixtures.ts';

describe('md1MeanMs and theoryPoints', () => {
  it('gives W = s + ρs / (2(1 − ρ)), textbook values', () => {
    // s = 20 ms: ρ = 0.2, 0.5, 0.8 at 10, 25 and 40 req/s.
    assert.equal(md1MeanMs(20, 10), 22.5);
    assert.equal(md1MeanMs(20, 25), 30);
    assert.equal(md1MeanMs(20, 40), 60);
    assert.equal(md1MeanMs(10, 0), 10);
  });

  it('has no steady state at ρ ≥ 1', () => {
    assert.equal(md1MeanMs(20, 50), null);
    assert.equal(md1MeanMs(20, 80), null);
  });

  it('predicts at each rate, to 4 decimals', () => {
    assert.deepEqual(theoryPoints(20, [10, 20, 50]), [
      { offeredPerSec: 10, predictedMeanMs: 22.5 },
      { offeredPerSec: 20, predictedMeanMs: 26.6667 },
      { offeredPerSec: 50, predictedMeanMs: null },
    ]);
    assert.deepEqual(theoryPoints(20, []), []);
  });
});

describe('ceilings', () => {
  it('from micro: 1000 / the operation’s mean time', () => {
    assert.deepEqual(ceilingFromMicro(20), { perSec: 50, serviceMs: 20, source: 'micro' });
    assert.deepEqual(ceilingFromMicro(3), { perSec: 333.33, serviceMs: 3, source: 'micro' });
    assert.equal(ceilingFromMicro(0), null);
    assert.equal(ceilingFromMicro(Number.NaN), null);
  });

  it('from the steps below the knee: the slope of utilisation on achieved, not one step’s ratio', () => {
    // A 20 ms route beside a bystander and a probe that keep the loop 5% busy: 0.05 + 0.02 × rate.
    const at = (achievedPerSec: number) => ({ achievedPerSec, elu: 0.05 + 0.02 * achievedPerSec });
    assert.deepEqual(ceilingFromSteps([at(10), at(20), at(30)]), {
      perSec: 50,
      serviceMs: 20,
      source: 'low-load',
    });
    // One step's ratio would have read 0.25 × 1000 / 10 = 25 ms: 40/s.
    // A trivial route: 0.05 to 0.08 over 8 to 56/s is noise, not a cost; so is 0.06 to 0.14 on
    // a loaded machine (preemption stretching wall-clock ELU).
    assert.equal(
      ceilingFromSteps([
        { achievedPerSec: 10, elu: 0.06 },
        { achievedPerSec: 120, elu: 0.14 },
      ]),
      null,
    );
    const trivial = [
      { achievedPerSec: 8, elu: 0.05 },
      { achievedPerSec: 30, elu: 0.07 },
      { achievedPerSec: 56, elu: 0.08 },
    ];
    assert.equal(ceilingFromSteps(trivial), null);
    assert.equal(ceilingFromSteps([at(10)]), null, 'one step: no slope');
    assert.equal(ceilingFromSteps([at(10), { achievedPerSec: 20, elu: null }]), null);
    assert.equal(ceilingFromSteps([at(10), at(10)]), null, 'one rate: no slope');
  });
});

describe('medianWithNulls', () => {
  it('is the plain median without nulls', () => {
    assert.equal(medianWithNulls([50, 30, 40], true), 40);
    assert.equal(medianWithNulls([30, 40, 50, 60], false), 45);
    assert.equal(medianWithNulls([], true), null);
  });

  it('puts a knee not reached above every rate, an SLO not met below', () => {
    assert.equal(medianWithNulls([40, null, 50], true), 50);
    assert.equal(medianWithNulls([40, null, 50], false), 40);
    assert.equal(medianWithNulls([null, null, 30], true), null);
    assert.equal(medianWithNulls([null, 20, 30], false), 20);
  });

  it('is null when the median falls between a rate and a null', () => {
    assert.equal(medianWithNulls([40, null], true), null);
    assert.equal(medianWithNulls([40, null], false), null);
    assert.equal(medianWithNulls([40, 60, null, null], true), null);
    assert.equal(medianWithNulls([40, 60, 80, null], true), 70);
  });
});

const failed: SweepRun = {
  run: 3,
  startedAt: '2026-12-06T07:10:00.000Z',
  state: 'failed',
  reason: 'the server exited with code 1 at 80 req/s',
  steps: [step(10, 20)],
  knee: { atPerSec: null, reasons: [], lastGoodPerSec: null, baselineP99Ms: null },
  sloPerSec: null,
};

describe('summarizeVariant', () => {
  const runs = [
    run(1, [step(10, 20), step(20, 21), step(40, 90), step(80, 900)], 40, 20),
    run(2, [step(10, 20), step(20, 22), step(40, 30), step(60, 400)], 60, 40),
    failed,
  ];

  it('takes the median knee and SLO rate over the completed runs, theory at every rate', () => {
    const v = summarizeVariant('sync', 'busy-wait sync', runs, ceilingFromMicro(20), {
      slo: parseSlo('p99<50ms'),
    });
    assert.deepEqual(v.knee, { medianPerSec: 50, perRun: [40, 60] });
    assert.deepEqual(v.slo, { medianPerSec: 30, perRun: [20, 40] });
    assert.deepEqual(
      v.theory.map((p) => [p.offeredPerSec, p.predictedMeanMs]),
      [
        [10, 22.5],
        [20, 26.6667],
        [40, 60],
        [60, null],
        [80, null],
      ],
    );
    assert.equal(v.runs, runs);
    assert.deepEqual([v.variant, v.label, v.ceiling?.perSec], ['sync', 'busy-wait sync', 50]);
  });

  it('has no SLO without one, and no theory without a ceiling', () => {
    const v = summarizeVariant('GET /orders', 'app /orders', runs, null, { slo: null });
    assert.equal(v.slo, null);
    assert.deepEqual(v.theory, []);
  });
});

const variant = (name: string, medianPerSec: number | null): SweepVariant => ({
  variant: name,
  label: `busy-wait ${name}`,
  runs: [],
  knee: { medianPerSec, perRun: [medianPerSec] },
  slo: null,
  ceiling: null,
  theory: [],
});

describe('kneeRatio', () => {
  it('is async’s median knee over sync’s, when both have one', () => {
    assert.equal(kneeRatio([variant('sync', 48), variant('async', 300)]), 6.25);
    assert.equal(
      kneeRatio([variant('async', 100), variant('worker', 90), variant('sync', 30)]),
      3.33,
    );
    assert.equal(kneeRatio([variant('sync', 48), variant('async', null)]), null);
    assert.equal(kneeRatio([variant('sync', null), variant('async', 300)]), null);
    assert.equal(kneeRatio([variant('GET /a', 48), variant('GET /b', 300)]), null);
  });
});

describe('sweepWarnings', () => {
  const withRuns = (name: string, runs: SweepRun[], median: number | null): SweepVariant => ({
    ...variant(name, median),
    runs,
  });
  const fixed = { rates: '10,20,40,80' };

  it('says nothing when every run found its knee with the generator keeping up', () => {
    const v = withRuns('sync', [run(1, [step(10, 20), step(20, 90)], 20)], 20);
    assert.deepEqual(sweepWarnings({ variants: [v], options: fixed }), []);
  });

  it("names the rates whose latency was mostly the generator's own send lag, not judged", () => {
    const late = {
      generator: {
        elu: 0.3,
        sendLagP99Ms: 28,
        sendLagMaxMs: 30,
        freeSendLagP99Ms: 28,
        connections: 4,
        maxConnections: 256,
      },
    };
    const v = withRuns('sync', [run(1, [step(10, 20), step(15, 33, late), step(20, 90)], 20)], 20);
    assert.deepEqual(sweepWarnings({ variants: [v], options: fixed }), [
      "busy-wait sync: at 15 req/s the generator's send lag was half the p99 or more (and 10 ms or more): the latency there is mostly its own lateness, and the knee did not judge it; run on a quieter machine for those figures",
    ]);
  });

  it('names a failed run and why', () => {
    const v = withRuns('sync', [run(1, [step(10, 20), step(20, 90)], 20), failed], 20);
    assert.deepEqual(sweepWarnings({ variants: [v], options: fixed }), [
      'busy-wait sync run 3 failed: the server exited with code 1 at 80 req/s',
    ]);
  });

  it('names the rates the generator could not hold, and why', () => {
    const gen = { limitedBy: 'generator' as const, limitedWhy: 'its send lag p99 was 40 ms' };
    const v = withRuns(
      'sync',
      [
        run(1, [step(10, 20), step(20, 90), step(4000, 1, gen)], 20),
        run(2, [step(10, 20), step(20, 90), step(4000, 1, gen), step(6000, 1, gen)], 20),
      ],
      20,
    );
    assert.deepEqual(sweepWarnings({ variants: [v], options: fixed }), [
      'busy-wait sync: the generator could not hold 4,000 and 6,000 req/s, so those steps say nothing about the server (its send lag p99 was 40 ms)',
    ]);
  });

  it('gives no rates to try next when the sweep was stopped before it swept them all', () => {
    const runs = [run(1, [step(10, 20)], null)];
    assert.deepEqual(
      sweepWarnings({ variants: [withRuns('async', runs, null)], options: fixed }, true),
      ['busy-wait async: no knee up to 10 req/s, as far as the sweep went before it was stopped'],
    );
  });

  it('says when no knee was reached, and which rates to sweep next', () => {
    const runs = [run(1, [step(10, 20), step(20, 21), step(40, 22), step(80, 23)], null)];
    assert.deepEqual(sweepWarnings({ variants: [withRuns('async', runs, null)], options: fixed }), [
      'busy-wait async: no knee up to 80 req/s, the highest rate swept: sweep higher to find it, e.g. --rates 10,20,40,80,160,320 or --rates auto',
    ]);
    assert.deepEqual(
      sweepWarnings({ variants: [withRuns('async', runs, null)], options: { rates: 'auto' } }),
      [
        "busy-wait async: no knee up to 80 req/s, auto's highest rate: the server takes more than auto offers",
      ],
    );
    // Two runs of three without a knee: the median is not one.
    const three = [
      runs[0] as SweepRun,
      { ...(runs[0] as SweepRun), run: 2 },
      run(3, [step(10, 20), step(20, 90)], 20),
    ];
    assert.match(
      sweepWarnings({ variants: [withRuns('async', three, null)], options: fixed })[0] ?? '',
      /^busy-wait async: no knee up to 80 req\/s in 2 of 3 runs, /,
    );
  });

  it('blames the machine, not the rates, when the generator ran out first', () => {
    const gen = { limitedBy: 'generator' as const, limitedWhy: 'its CPU was busy' };
    const runs = [run(1, [step(10, 20), step(20, 21), step(40, 22, gen)], null)];
    assert.deepEqual(sweepWarnings({ variants: [withRuns('async', runs, null)], options: fixed }), [
      'busy-wait async: the generator could not hold 40 req/s, so those steps say nothing about the server (its CPU was busy)',
      "busy-wait async: no knee up to 20 req/s, and the generator could not hold 40 req/s here: the server's knee is beyond what this machine could send it",
    ]);
  });

  it('blames the machine when one run could not hold the highest rate another held', () => {
    const gen = { limitedBy: 'generator' as const, limitedWhy: 'its CPU was busy' };
    const runs = [
      run(1, [step(10, 20), step(20, 21), step(40, 22, gen)], null),
      run(2, [step(10, 20), step(20, 21), step(40, 22)], null),
    ];
    assert.match(
      sweepWarnings({ variants: [withRuns('async', runs, null)], options: fixed })[1] ?? '',
      /^busy-wait async: no knee up to 40 req\/s, and the generator could not hold 40 req\/s here/,
    );
  });

  it('does not blame the machine for a step it could not hold below one it held: sweep higher', () => {
    const gen = { limitedBy: 'generator' as const, limitedWhy: 'a pause' };
    const runs = [run(1, [step(10, 20), step(20, 21, gen), step(40, 22)], null)];
    assert.equal(
      sweepWarnings({ variants: [withRuns('async', runs, null)], options: fixed })[1],
      'busy-wait async: no knee up to 40 req/s, the highest rate swept (a step the generator could not hold below it judged nothing): sweep higher to find it, e.g. --rates 10,20,40,80,160',
    );
  });

  it('suggests rates from the same low start, doubling to four times the highest', () => {
    assert.equal(higherRates(10, 80), '10,20,40,80,160,320');
    assert.equal(higherRates(10, 30), '10,20,40,80,120');
    assert.equal(higherRates(0.5, 1), '0.5,1,2,4');
    // Three significant figures: 0.001 rounded to two decimals was 0, which --rates refuses.
    assert.equal(higherRates(0.001, 0.001), '0.001,0.002,0.004');
  });
});
