/**
 * The sweep's pure core: `--rates` and `--slo` as a user types them, the knee, the SLO rate,
 * auto's stop rule, and who limited a step.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrivalSeed, sweepPlanned } from '../../bench/run/sweep.ts';
import { autoShouldStop, findKnee, kneeReasons, sloRate } from '../../bench/sweep/knee.ts';
import { classifyLimit } from '../../bench/sweep/limit.ts';
import {
  checkHoldRequests,
  MAX_STEPS,
  nextAutoRate,
  parseRates,
  type RatePlan,
} from '../../bench/sweep/rates.ts';
import { parseSlo } from '../../bench/sweep/slo.ts';
import { Interrupted, LooplabError } from '../../core/errors.ts';
import { throwsCoded } from './fixtures.ts';
import { step } from './sweep-fixtures.ts';

const BAD = 'LOOPLAB_ERR_BAD_OPTION';

describe('parseRates', () => {
  it('reads a list, ascending, decimals allowed', () => {
    assert.deepEqual(parseRates('10,20,40'), { kind: 'fixed', ratesPerSec: [10, 20, 40] });
    assert.deepEqual(parseRates(' 0.5, 1.5 ,80 '), { kind: 'fixed', ratesPerSec: [0.5, 1.5, 80] });
    assert.deepEqual(parseRates('25'), { kind: 'fixed', ratesPerSec: [25] });
  });

  it('reads a range start:end:step, the end included when a step lands on it', () => {
    assert.deepEqual(parseRates('10:50:10'), { kind: 'fixed', ratesPerSec: [10, 20, 30, 40, 50] });
    assert.deepEqual(parseRates('10:45:10'), { kind: 'fixed', ratesPerSec: [10, 20, 30, 40] });
    assert.deepEqual(parseRates('5:5:1'), { kind: 'fixed', ratesPerSec: [5] });
    // Float steps stay what a person typed: 0.3, not 0.30000000000000004.
    assert.deepEqual(parseRates('0.1:0.5:0.1'), {
      kind: 'fixed',
      ratesPerSec: [0.1, 0.2, 0.3, 0.4, 0.5],
    });
    assert.equal((parseRates('10:200:10') as { ratesPerSec: number[] }).ratesPerSec.length, 20);
    assert.equal((parseRates('1:200:1') as { ratesPerSec: number[] }).ratesPerSec.length, 200);
  });

  it('reads auto as a plan: from 10 req/s, ×1.5, up to 20,000', () => {
    for (const text of ['auto', ' AUTO '])
      assert.deepEqual(parseRates(text), {
        kind: 'auto',
        startPerSec: 10,
        factor: 1.5,
        maxPerSec: 20_000,
      });
  });

  it('refuses 0, negatives, a range ending below its start, empty and garbage, in one line each', () => {
    throwsCoded(() => parseRates('0'), BAD, "--rates takes rates above 0, e.g. 10,20,40; got '0'");
    throwsCoded(
      () => parseRates('10,-5'),
      BAD,
      "--rates takes rates above 0, e.g. 10,20,40; got '-5' in '10,-5'",
    );
    throwsCoded(
      () => parseRates('10:5'),
      BAD,
      "--rates takes a range as start:end:step, e.g. 10:200:10; got '10:5'",
    );
    throwsCoded(
      () => parseRates('10:5:1'),
      BAD,
      "--rates range must end at or above its start, e.g. 10:200:10; got '10:5:1'",
    );
    throwsCoded(
      () => parseRates('10:20:0'),
      BAD,
      "--rates takes rates above 0, e.g. 10,20,40; got '0' in '10:20:0'",
    );
    throwsCoded(
      () => parseRates(''),
      BAD,
      "--rates takes rates like 10,20,40, a range like 10:200:10, or auto; got ''",
    );
    throwsCoded(
      () => parseRates('fast'),
      BAD,
      "--rates takes numbers of requests a second, e.g. 10,20,40; got 'fast'",
    );
    throwsCoded(
      () => parseRates('10,,20'),
      BAD,
      "--rates has an empty rate, e.g. 10,20,40 or 10:200:10; got '10,,20'",
    );
    throwsCoded(
      () => parseRates('1e3'),
      BAD,
      "--rates takes numbers of requests a second, e.g. 10,20,40; got '1e3'",
    );
    throwsCoded(
      () => parseRates('10,20:30:5'),
      BAD,
      "--rates takes a list (10,20,40) or a range (10:200:10), not both; got '10,20:30:5'",
    );
    throwsCoded(
      () => parseRates('2000000'),
      BAD,
      "--rates takes rates up to 1000000 req/s, e.g. 10,20,40; got '2000000'",
    );
  });

  it('refuses a list out of order or repeated, and more than 200 steps', () => {
    throwsCoded(
      () => parseRates('10,40,20'),
      BAD,
      "--rates must ascend, each rate once (20 comes after 40), e.g. 10,20,40; got '10,40,20'",
    );
    throwsCoded(() => parseRates('10,10'), BAD, /each rate once \(10 comes after 10\)/);
    throwsCoded(
      () => parseRates('1:201:1'),
      BAD,
      "--rates range takes at most 200 steps (this one 201): a larger step, e.g. 10:200:10; got '1:201:1'",
    );
    const list = Array.from({ length: 201 }, (_, i) => i + 1).join(',');
    throwsCoded(() => parseRates(list), BAD, /--rates takes at most 200 rates \(this list 201\)/);
  });
});

describe('nextAutoRate', () => {
  const plan = parseRates('auto') as Extract<RatePlan, { kind: 'auto' }>;

  it('steps ×1.5 in whole requests a second, ending on the maximum itself', () => {
    const rates = [plan.startPerSec];
    for (let r = nextAutoRate(10, plan); r !== null; r = nextAutoRate(r, plan)) rates.push(r);
    assert.deepEqual(
      rates,
      [
        10, 15, 23, 35, 53, 80, 120, 180, 270, 405, 608, 912, 1368, 2052, 3078, 4617, 6926, 10389,
        15584, 20000,
      ],
    );
  });

  it('climbs from a small start, and stops at the maximum', () => {
    const small = { ...plan, startPerSec: 1 };
    assert.equal(nextAutoRate(1, small), 2);
    assert.equal(nextAutoRate(0.5, small), 1);
    assert.equal(nextAutoRate(0.2, small), 1, '0.3 rounds to 0: one more request a second');
    assert.equal(nextAutoRate(20_000, plan), null);
    assert.equal(nextAutoRate(19_000, plan), 20_000);
  });
});

describe('parseSlo', () => {
  it('reads each percentile, ms or s, spaces tolerated', () => {
    assert.deepEqual(parseSlo('p99<50ms'), { text: 'p99<50ms', percentile: 'p99', underMs: 50 });
    assert.deepEqual(parseSlo(' p99 < 0.2s '), {
      text: 'p99 < 0.2s',
      percentile: 'p99',
      underMs: 200,
    });
    assert.deepEqual(parseSlo('p99.9<0.3s'), {
      text: 'p99.9<0.3s',
      percentile: 'p999',
      underMs: 300,
    });
    assert.equal(parseSlo('p999<100ms').percentile, 'p999');
    assert.equal(parseSlo('p50<5 ms').underMs, 5);
    assert.equal(parseSlo('P90<2.5MS').percentile, 'p90');
    assert.deepEqual(parseSlo('max<1s'), { text: 'max<1s', percentile: 'max', underMs: 1000 });
  });

  it('refuses what is not a requirement, in one line that names what is wrong', () => {
    throwsCoded(
      () => parseSlo('p99<'),
      BAD,
      "--slo needs a time after '<', e.g. p99<50ms; got 'p99<'",
    );
    throwsCoded(
      () => parseSlo('p98<5ms'),
      BAD,
      "--slo takes p50, p90, p99, p99.9 or max, not 'p98', e.g. p99<50ms; got 'p98<5ms'",
    );
    throwsCoded(
      () => parseSlo('p99>5ms'),
      BAD,
      "--slo takes '<' (the percentile must stay under the bound), not '>', e.g. p99<50ms; got 'p99>5ms'",
    );
    throwsCoded(
      () => parseSlo('p99<-1ms'),
      BAD,
      "--slo needs a bound above 0, e.g. p99<50ms; got 'p99<-1ms'",
    );
    throwsCoded(() => parseSlo('p99<0ms'), BAD, /needs a bound above 0/);
    throwsCoded(() => parseSlo('p99<=5ms'), BAD, /takes '<' .*not '<='/);
    throwsCoded(
      () => parseSlo('p99<50'),
      BAD,
      "--slo needs a unit on '50', ms or s, e.g. p99<50ms; got 'p99<50'",
    );
    throwsCoded(
      () => parseSlo('p99<50us'),
      BAD,
      "--slo needs a time in ms or s after '<', not '50us', e.g. p99<50ms; got 'p99<50us'",
    );
    throwsCoded(() => parseSlo('p99'), BAD, /--slo needs '<' and a time after p99/);
    throwsCoded(() => parseSlo(''), BAD, /--slo takes a percentile, < and a time/);
    throwsCoded(() => parseSlo('<50ms'), BAD, /--slo takes a percentile, < and a time/);
  });
});

describe('findKnee', () => {
  it('takes the lower p99 of the first two steps for the baseline: a slow answer in the first hold sets no bar', () => {
    // 186 ms in the first hold of a 10 ms route: a bar of 372 ms hid the knee at 80.
    const steps = [step(10, 186), step(20, 11), step(40, 12), step(80, 30), step(160, 900)];
    assert.deepEqual(findKnee(steps, 2), {
      atPerSec: 80,
      reasons: ['latency'],
      lastGoodPerSec: 40,
      baselineP99Ms: 11,
    });
    // The first step was a blip past the bar, not the knee; a second step already past the knee
    // leaves the baseline the first's.
    assert.equal(findKnee([step(10, 20), step(20, 300), step(40, 900)], 2).baselineP99Ms, 20);
  });

  it("takes no rise under 10 ms for a knee: a trivial route's 2 ms doubled is the machine's jitter", () => {
    const trivial = [
      step(10, 2.09),
      step(15, 2.09),
      step(23, 2.48),
      step(35, 4.22),
      step(53, 11.6),
    ];
    assert.equal(findKnee(trivial, 2).atPerSec, null);
    assert.equal(findKnee([...trivial, step(80, 30), step(120, 90)], 2).atPerSec, 80);
  });

  it('finds the first step whose p99 passes k × the low-load p99', () => {
    const steps = [step(10, 20), step(20, 21), step(40, 39), step(80, 41), step(160, 900)];
    assert.deepEqual(findKnee(steps, 2), {
      atPerSec: 80,
      reasons: ['latency'],
      lastGoodPerSec: 40,
      baselineP99Ms: 20,
    });
    // k moves it: p99 41 is under 3 × 20.
    assert.equal(findKnee(steps, 3).atPerSec, 160);
  });

  it("leaves unjudged a latency that is mostly the generator's own send lag, and judges the rest", () => {
    const late = (sendLagP99Ms: number, freeSendLagP99Ms = sendLagP99Ms) => ({
      generator: {
        elu: 0.3,
        sendLagP99Ms,
        sendLagMaxMs: sendLagP99Ms,
        freeSendLagP99Ms,
        connections: 4,
        maxConnections: 256,
      },
    });
    // A trivial route at 15/s: p99 33 ms, 28 of it the generator's lateness.
    assert.deepEqual(kneeReasons(step(15, 33, late(28)), 4.75, 2), []);
    // Its errors still count: a step not held is still the knee's.
    assert.deepEqual(kneeReasons(step(15, 33, { ...late(28), achievedPerSec: 10 }), 4.75, 2), [
      'throughput',
    ]);
    // Under 10 ms of lag, or a tenth of the latency: the server's latency, judged.
    assert.deepEqual(kneeReasons(step(15, 33, late(6)), 4.75, 2), ['latency']);
    assert.deepEqual(kneeReasons(step(15, 300, late(28)), 4.75, 2), ['latency']);
    // A wait for a connection is not the generator's lateness: all busy behind a slow server.
    assert.deepEqual(kneeReasons(step(15, 3000, late(2900, 1)), 4.75, 2), ['latency']);
  });

  it('names every test the knee step fails: latency, utilisation, throughput', () => {
    const steps = [step(10, 20), step(50, 100, { elu: 0.95, achievedPerSec: 47 })];
    assert.deepEqual(findKnee(steps, 2).reasons, ['latency', 'utilisation', 'throughput']);
    // 0.9 exactly is saturated; 95% of offered exactly is held.
    assert.deepEqual(kneeReasons(step(100, 20, { elu: 0.9, achievedPerSec: 95 }), 20, 2), [
      'utilisation',
    ]);
    assert.deepEqual(kneeReasons(step(100, 20, { elu: 0.89, achievedPerSec: 94.9 }), 20, 2), [
      'throughput',
    ]); // Judged against what arrived: 30/s offered, a poisson draw of 25, all 25 answered, is held.
    assert.deepEqual(
      kneeReasons(step(30, 20, { arrivedPerSec: 25, achievedPerSec: 25 }), 20, 2),
      [],
    );
    assert.deepEqual(kneeReasons(step(30, 20, { arrivedPerSec: 31, achievedPerSec: 29 }), 20, 2), [
      'throughput',
    ]);
  });

  it('counts a step with no latency as past the knee; a loop not measured skips that test', () => {
    const steps = [step(10, 5, { elu: null }), step(20, 5, { elu: null }), step(40, null)];
    assert.deepEqual(findKnee(steps, 2), {
      atPerSec: 40,
      reasons: ['latency'],
      lastGoodPerSec: 20,
      baselineP99Ms: 5,
    });
    // A failed step (nothing achieved) fails the throughput test too.
    assert.deepEqual(findKnee([step(10, 5), step(20, null, { achievedPerSec: null })], 2).reasons, [
      'latency',
      'throughput',
    ]);
  });

  it('takes a step that fails for a blip when the next step passes: the knee is where failing persists', () => {
    // One slow answer at 20/s (its p99 is its max at a short hold), then fine at 40/s.
    const steps = [step(10, 20), step(20, 90), step(40, 24), step(60, 80), step(80, 300)];
    assert.deepEqual(findKnee(steps, 2), {
      atPerSec: 60,
      reasons: ['latency'],
      lastGoodPerSec: 40,
      baselineP99Ms: 20,
    });
    // The last step has no next one to agree: failing, it is the knee.
    assert.equal(findKnee(steps.slice(0, 2), 2).atPerSec, 20);
    assert.equal(findKnee(steps.slice(0, 3), 2).atPerSec, null);
    assert.equal(findKnee(steps.slice(0, 3), 2).lastGoodPerSec, 40);
  });

  it('can be the first step, and can be missing', () => {
    assert.deepEqual(findKnee([step(10, 20, { elu: 0.97 }), step(20, 25, { elu: 0.98 })], 2), {
      atPerSec: 10,
      reasons: ['utilisation'],
      lastGoodPerSec: null,
      baselineP99Ms: 20,
    });
    assert.deepEqual(findKnee([step(10, 20), step(20, 25)], 2), {
      atPerSec: null,
      reasons: [],
      lastGoodPerSec: 20,
      baselineP99Ms: 20,
    });
    assert.deepEqual(findKnee([], 2), {
      atPerSec: null,
      reasons: [],
      lastGoodPerSec: null,
      baselineP99Ms: null,
    });
    assert.equal(findKnee([step(10, null), step(20, 5)], 2).atPerSec, 10);
  });

  it('neither counts a step the generator could not hold for the server nor against it', () => {
    const gen = { limitedBy: 'generator' as const, achievedPerSec: 30, elu: 0.5 };
    // The generator's step is skipped: neither the knee nor the last good step.
    assert.deepEqual(findKnee([step(10, 20), step(40, 500, gen), step(60, 30)], 2), {
      atPerSec: null,
      reasons: [],
      lastGoodPerSec: 60,
      baselineP99Ms: 20,
    });
    // Nor the baseline.
    assert.equal(findKnee([step(10, 90, gen), step(20, 20), step(40, 41)], 2).atPerSec, 40);
  });
});

describe('sloRate', () => {
  const slo = parseSlo('p99<50ms');

  it('is the highest rate met, strictly under the bound, with the rate held', () => {
    assert.equal(sloRate([step(10, 20), step(20, 30), step(40, 50), step(80, 90)], slo), 20);
    assert.equal(sloRate([step(10, 20), step(20, 30)], slo), 20);
    assert.equal(sloRate([step(10, 20), step(20, 30, { achievedPerSec: 18 })], slo), 10);
    assert.equal(sloRate([step(10, 60)], slo), null);
    assert.equal(sloRate([step(10, null)], slo), null);
    // The percentile named: p50 is half of p99 in these steps.
    assert.equal(sloRate([step(10, 20), step(20, 90)], parseSlo('p50<50ms')), 20);
  });

  it('stops at a miss the next step confirms: a pass above two misses is luck, one miss a blip', () => {
    assert.equal(sloRate([step(10, 20), step(20, 60), step(40, 60), step(80, 30)], slo), 10);
    // A first hold's slowest answer, then 20 to 60 a second met it.
    assert.equal(sloRate([step(10, 54.8), step(20, 30), step(40, 30), step(60, 40)], slo), 60);
    assert.equal(sloRate([step(10, 20), step(20, 60), step(40, 30)], slo), 40);
    assert.equal(sloRate([step(10, 20), step(20, 30), step(40, 60)], slo), 20);
    // Nothing answered is no blip.
    assert.equal(sloRate([step(10, 20), step(20, null), step(40, 30)], slo), 10);
  });

  it('skips a step the generator could not hold', () => {
    const gen = { limitedBy: 'generator' as const, achievedPerSec: 20 };
    assert.equal(sloRate([step(10, 20), step(40, 200, gen), step(60, 30)], slo), 60);
  });
});

describe('autoShouldStop', () => {
  it('runs on to the knee, takes one step past it, then stops', () => {
    const s = [step(10, 20), step(15, 22), step(23, 45)];
    assert.equal(autoShouldStop([], 2), false);
    assert.equal(autoShouldStop(s.slice(0, 2), 2), false);
    assert.equal(autoShouldStop(s, 2), false, 'the knee step itself: one more');
    assert.equal(autoShouldStop([...s, step(35, 300)], 2), true);
  });

  it('stops at a step the generator could not hold, or one that answered nothing', () => {
    assert.equal(autoShouldStop([step(10, 20), step(15, 20, { limitedBy: 'generator' })], 2), true);
    assert.equal(autoShouldStop([step(10, 20), step(15, null)], 2), true);
  });
});

describe('classifyLimit', () => {
  const base = {
    offeredPerSec: 100,
    arrivedPerSec: 100,
    achievedPerSec: 100,
    generatorLimited: null,
    connectionsExhausted: false,
    elu: 0.5,
  };

  it('names nobody when the rate was held with a connection to spare', () => {
    assert.deepEqual(classifyLimit(base), { limitedBy: null, limitedWhy: null });
    assert.deepEqual(classifyLimit({ ...base, achievedPerSec: 95, elu: 0.99 }), {
      limitedBy: null,
      limitedWhy: null,
    });
  });

  it('judges achieved against the requests that arrived, not the nominal rate', () => {
    // A poisson draw of 25 requests in a 1 s hold at 30/s, all answered: held.
    const drawn = { ...base, offeredPerSec: 30, arrivedPerSec: 25, achievedPerSec: 25 };
    assert.deepEqual(classifyLimit(drawn), { limitedBy: null, limitedWhy: null });
    assert.equal(classifyLimit({ ...drawn, achievedPerSec: 23, elu: 0.95 }).limitedBy, 'server');
  });

  it('names the generator when it could not send on time, unless the server’s loop was saturated', () => {
    const late = { ...base, generatorLimited: 'its CPU 100% busy' };
    assert.deepEqual(classifyLimit({ ...late, achievedPerSec: 40, elu: 0.5 }), {
      limitedBy: 'generator',
      limitedWhy:
        "looplab's generator could not send 100 req/s on time (its CPU 100% busy): this step says nothing about the server; sweep lower rates, or run on a quieter machine",
    });
    // Held, but sent late: its latencies carry the generator's lateness.
    assert.equal(classifyLimit({ ...late, achievedPerSec: 99, elu: 0.95 }).limitedBy, 'generator');
    // A loop busy 98% that answered 40 of 100 served all it could: the server's capacity.
    assert.deepEqual(classifyLimit({ ...late, achievedPerSec: 40, elu: 0.98 }), {
      limitedBy: 'server',
      limitedWhy:
        "the server answered 40 of the 100 req/s that arrived, its loop busy 98% of the time: requests queue for the loop; this is its capacity, move the work off the loop to raise it (looplab's generator also sent late: its CPU 100% busy)",
    });
  });

  it('names the server when its loop is saturated and the rate not held', () => {
    assert.deepEqual(
      classifyLimit({
        ...base,
        offeredPerSec: 80,
        arrivedPerSec: 80,
        achievedPerSec: 49.6,
        elu: 0.98,
      }),
      {
        limitedBy: 'server',
        limitedWhy:
          'the server answered 49.6 of the 80 req/s that arrived, its loop busy 98% of the time: requests queue for the loop; this is its capacity, move the work off the loop to raise it',
      },
    );
    assert.equal(
      classifyLimit({ ...base, achievedPerSec: 100, connectionsExhausted: true, elu: 0.93 })
        .limitedBy,
      'server',
    );
  });

  it('names the generator’s connection cap when every connection was busy and the loop was not', () => {
    assert.deepEqual(
      classifyLimit({ ...base, achievedPerSec: 60, connectionsExhausted: true, elu: 0.3 }),
      {
        limitedBy: 'generator',
        limitedWhy:
          "every connection was busy at times while its loop was busy only 30%: requests waited in looplab's generator for one; raise --max-connections (if the rate still is not held, the server waits off its loop)",
      },
    );
    // Held, but requests still waited for a connection: the loop unmeasured changes nothing.
    assert.deepEqual(classifyLimit({ ...base, connectionsExhausted: true, elu: null }), {
      limitedBy: 'generator',
      limitedWhy:
        "every connection was busy at times: requests waited in looplab's generator for one; raise --max-connections (if the rate still is not held, the server waits off its loop)",
    });
  });

  it('names the server, off its loop, when the loop idles and the rate is not held', () => {
    assert.deepEqual(classifyLimit({ ...base, achievedPerSec: 30, elu: 0.12 }), {
      limitedBy: 'server',
      limitedWhy:
        'the server answered 30 of the 100 req/s that arrived while its loop was busy only 12%: it waits off the loop (the thread pool, a downstream, errors); look there, not at the loop',
    });
  });

  it('names the server, not the connections, when every connection was busy because its answers slowed', () => {
    // pbkdf2 on a full thread pool: 90 of 160 a second, each answer 2.7 s from send (5 ms at 10/s).
    const slowed = {
      ...base,
      offeredPerSec: 160,
      arrivedPerSec: 160,
      achievedPerSec: 90,
      connectionsExhausted: true,
      elu: 0.2,
      sentP50Ms: 2700,
      lowLoadSentP50Ms: 5,
    };
    assert.deepEqual(classifyLimit(slowed), {
      limitedBy: 'server',
      limitedWhy:
        'the server answered 90 of the 160 req/s that arrived while its loop was busy only 20%, every connection busy: its answers took 2,700 ms from send (p50) against 5.00 ms at the lowest rate: it waits off the loop (the thread pool, a downstream); more connections would only queue more in it',
    });
    // The generator late too (its cores taken by the server's pool): still the server's.
    assert.match(
      classifyLimit({ ...slowed, connectionsExhausted: false, generatorLimited: 'sent late' })
        .limitedWhy ?? '',
      /^the server answered 90 of the 160 req\/s that arrived while its loop was busy only 20%: its answers took .*\(looplab's generator also sent late: sent late\)$/,
    );
    // Answers as fast as at low load: the cap on connections held the rate.
    assert.equal(classifyLimit({ ...slowed, sentP50Ms: 6 }).limitedBy, 'generator');
    assert.equal(classifyLimit({ ...slowed, lowLoadSentP50Ms: null }).limitedBy, 'generator');
  });

  it('names the loop near its capacity when it was busy most of a step it did not hold', () => {
    // Its answers from send slowed too, as a queue in the loop makes them: still the loop.
    const nearFull = {
      ...base,
      arrivedPerSec: 47.3,
      achievedPerSec: 43.4,
      elu: 0.88,
      sentP50Ms: 83.8,
      lowLoadSentP50Ms: 22.2,
    };
    assert.deepEqual(classifyLimit(nearFull), {
      limitedBy: 'server',
      limitedWhy:
        'the server answered 43.4 of the 47.3 req/s that arrived, its loop busy 88% of the time: near its capacity, requests queue for the loop; move work off the loop to raise it',
    });
  });

  it('names the generator when its own thread was starved, whatever its answers looked like', () => {
    // 60,000/s on a trivial route: the generator 96% busy read its answers seconds late.
    const starved = {
      ...base,
      offeredPerSec: 60_000,
      arrivedPerSec: 60_000,
      achievedPerSec: 9000,
      elu: 0.3,
      sentP50Ms: 4900,
      lowLoadSentP50Ms: 1,
      generatorLimited: "the generator's thread was busy 96% of the step",
      generatorStarved: true,
    };
    assert.equal(classifyLimit(starved).limitedBy, 'generator');
    // Answers slowed by no more than its own send lag: its lateness, not the server's.
    assert.equal(
      classifyLimit({ ...starved, generatorStarved: false, sendLagP99Ms: 4900 }).limitedBy,
      'generator',
    );
  });

  it('says so when the loop is not measured', () => {
    assert.deepEqual(classifyLimit({ ...base, achievedPerSec: null, elu: null }), {
      limitedBy: 'server',
      limitedWhy:
        'the server answered nothing of the 100 req/s that arrived; its loop is not measured (--url), so looplab cannot tell a busy loop from one waiting',
    });
    assert.match(
      classifyLimit({ ...base, achievedPerSec: 50, elu: null, connectionsExhausted: true })
        .limitedWhy ?? '',
      /not measured .*every connection was busy: raise --max-connections to rule out the cap$/,
    );
  });
});

describe('sweepPlanned: what a partial sweep says of its stop and its plan', () => {
  it('counts rates × variants × runs for fixed rates, and none for auto', () => {
    const stop = new Interrupted('SIGTERM');
    assert.deepEqual(sweepPlanned(stop, { runs: 3, rates: '10,20,40' }, 2), {
      stoppedBy: 'SIGTERM',
      plannedRuns: 6,
      plannedSteps: 18,
    });
    assert.deepEqual(sweepPlanned(stop, { runs: 1, rates: '10:50:10' }, 1).plannedSteps, 5);
    assert.deepEqual(sweepPlanned(stop, { runs: 2, rates: 'auto' }, 2), {
      stoppedBy: 'SIGTERM',
      plannedRuns: 4,
      plannedSteps: null,
    });
  });
});

describe('checkHoldRequests', () => {
  it('takes a hold of up to two million requests at the fastest rate, auto at its top', () => {
    assert.doesNotThrow(() => checkHoldRequests(parseRates('10,100000'), 20));
    assert.doesNotThrow(() => checkHoldRequests(parseRates('auto'), 100));
  });

  it('refuses more in one line, naming the rate, the hold and the count', () => {
    assert.throws(
      () => checkHoldRequests(parseRates('10,100000'), 30),
      (e: unknown) =>
        e instanceof LooplabError &&
        e.code === 'LOOPLAB_ERR_BAD_OPTION' &&
        e.message ===
          '--rates up to 100,000 req/s with --hold 30 asks 3,000,000 requests in one hold; looplab keeps every request of a hold in memory and takes at most 2,000,000: a shorter --hold or lower rates',
    );
    assert.throws(() => checkHoldRequests(parseRates('auto'), 101), /2,020,000 requests/);
  });

  it('refuses a slowest rate that expects less than one request in a hold, and takes one', () => {
    assert.throws(
      () => checkHoldRequests(parseRates('0.0001,10'), 1),
      (e: unknown) =>
        e instanceof LooplabError &&
        e.code === 'LOOPLAB_ERR_BAD_OPTION' &&
        e.message ===
          '--rates 0.0001 req/s with --hold 1 expects 0.0001 of a request in a hold, where a step measures one at least: rates from 1 req/s (one request a hold), or a longer --hold',
    );
    assert.throws(() => checkHoldRequests(parseRates('0.2'), 3), /rates from 0\.33 req\/s/);
    assert.doesNotThrow(() => checkHoldRequests(parseRates('0.5,10'), 2));
    assert.doesNotThrow(() => checkHoldRequests(parseRates('auto'), 0.1));
  });
});

describe('arrivalSeed', () => {
  it('gives every run and variant its own seeds for all its windows (two a step, up to MAX_STEPS)', () => {
    const windows = 2 * MAX_STEPS;
    const seen = new Map<number, string>();
    for (let run = 1; run <= 3; run++) {
      for (let variant = 0; variant < 4; variant++) {
        for (let w = 0; w < windows; w++) {
          const seed = arrivalSeed(run, variant) + w;
          const other = seen.get(seed);
          assert.equal(other, undefined, `run ${run} variant ${variant} window ${w} is ${other}'s`);
          seen.set(seed, `run ${run} variant ${variant} window ${w}`);
        }
      }
    }
  });
});
