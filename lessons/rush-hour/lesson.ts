/**
 * Lesson 13, rush-hour: where a blocking handler falls over as arrivals rise, read against its
 * ceiling.
 *
 * A handler that spins 20 ms holds the loop's one thread for 20 ms, so the loop finishes at most
 * 1000 / 20 = 50 requests a second. Under an open model (requests arrive when they arrive, as
 * users do, not when the last answer came back) the queue in front of the loop grows as the
 * arrival rate nears that ceiling: latency bends up before the rate reaches it (the knee), and
 * past it, the server answers no more than 50 a second however many arrive, while every answer
 * waits longer. A handler that awaits a 20 ms timer gives the thread back, and holds every rate.
 */
import busyWait from '../../scenarios/catalog/busy-wait.ts';
import type { SweepMetricName } from '../engine/sweep-metrics.ts';
import { defineLesson, EXERCISE_VARIANT } from '../engine/types.ts';

const rush = 'rush';
const op = (variant: string, metric: SweepMetricName) => ({ measurement: rush, variant, metric });
/** A figure of the learner's handler's verify sweep (the only handler verify sweeps). */
const verified = (metric: SweepMetricName) => ({
  measurement: 'verify',
  variant: EXERCISE_VARIANT,
  metric,
});

export default defineLesson({
  id: 'rush-hour',
  title: 'Rush hour: where the waiter falls over',
  scenario: busyWait,
  // The lesson's one measurement is a sweep: bench's options do not apply to it.
  bench: {},
  measurements: [
    {
      key: rush,
      label: '20 ms per request, arrivals stepped up',
      params: { ms: 20 },
      variants: ['sync', 'async'],
      // Around sync's ceiling of 50/s, from well under it to well over it.
      sweep: { ratesPerSec: [10, 20, 30, 40, 50, 60, 80] },
    },
  ],
  prediction: {
    question:
      'Requests now arrive at a steady rate, whatever the server does, stepped up from 10 to 80 a ' +
      'second. sync spins 20 ms per request, so its loop can finish at most 1000 / 20 = 50 a ' +
      'second: its ceiling. At what arrival rate does sync fall over (its knee: p99 twice the ' +
      'low-load p99, or the loop 90% busy, or answers falling behind), relative to that ceiling?',
    quantity: {
      of: op('sync', 'kneePerSec'),
      per: op('sync', 'ceilingPerSec'),
      unit: '× the ceiling',
    },
    choices: [
      { text: 'well under it (under 0.75×): the queue builds before the loop is full', max: 0.75 },
      { text: 'near it (0.75× to 1.1×)', min: 0.75, max: 1.1 },
      { text: 'at or over it (1.1× or more): it holds until the loop is full', min: 1.1 },
    ],
  },
  claims: [
    {
      text: "sync's achieved rate at the highest arrival rate stays at its ceiling (under 1.1×)",
      left: op('sync', 'topAchievedPerSec'),
      op: '<',
      right: op('sync', 'ceilingPerSec'),
      factor: 1.1,
      whenItFails:
        'A 20 ms spin cannot finish faster than 50 a second. If this fails, the ceiling was timed ' +
        'low (the spin alone, timed while something else held the core), or the 1 s hold was too ' +
        'short to count whole requests at its edges; run again.',
    },
    {
      text: "sync's knee is at or under its ceiling (under 1.1×)",
      left: op('sync', 'kneePerSec'),
      op: '<',
      right: op('sync', 'ceilingPerSec'),
      factor: 1.1,
      whenItFails:
        'Past the ceiling the queue grows without bound, so the knee cannot lie above it. A knee ' +
        'not reached (not measured) means no step counted against sync: the generator could not ' +
        'hold the rates, which a warning names; run again on a quieter machine.',
    },
    {
      text: "async's knee is above sync's, or beyond every rate it took well",
      left: op('async', 'kneeBoundPerSec'),
      op: '>',
      right: op('sync', 'kneePerSec'),
      factor: 1,
      whenItFails:
        'async waits for its timers together, so its loop stays nearly idle at every rate here. ' +
        'Its knee is a latency test: p99 twice the low-load p99, where both are tens of ms. With 1 s ' +
        'holds on a busy machine (the generator, the bystander and the server share its cores) a ' +
        'few answers slowed by the scheduler are that p99, and can place a knee at any rate.',
    },
    {
      text: 'async answers what arrives at the highest rate (over 0.9×)',
      left: op('async', 'topAchievedPerSec'),
      op: '>',
      right: op('async', 'topArrivedPerSec'),
      factor: 0.9,
      whenItFails:
        'async only starts a timer per request, so even the highest rate keeps its loop nearly ' +
        'idle. Answers counted short mean the machine was too busy to run the server when due.',
    },
    {
      text: "sync's p99 at the highest rate is over 4× its p99 at the lowest: the queue, not the work",
      left: op('sync', 'topP99Ms'),
      op: '>',
      right: op('sync', 'lowP99Ms'),
      factor: 4,
      whenItFails:
        'Each request still costs 20 ms; what grows past the ceiling is the wait in the queue, ' +
        'about a second for every second of overload. It fails only when the highest step was not ' +
        'over the ceiling on this machine (a ceiling measured far above 50/s) or its step failed.',
    },
  ],
  exercise: {
    task:
      'This route no longer holds the loop while it waits, but it sends every order down one line ' +
      'that takes one at a time, so it still falls over near 1000 / ms requests a second. Make it ' +
      'hold rush hour: answer exactly as before, after the same wait, but let the waits overlap, ' +
      'so that its capacity is no longer 1000 / ms. verify waits 100 ms an order and offers up ' +
      'to 160 orders a second: 16 at once, on average.',
    hint:
      'Capacity is set by what each request holds that the next one needs: the loop in the ' +
      'lesson, the line here. /ping is fast and the loop idle, yet every order waits for the ' +
      'ones ahead of it. Let each request await its own timer.',
  },
  verify: {
    // A 100 ms wait offered up to 160 a second keeps 16 orders in flight on average (Little's
    // law): a route with a few lines cannot keep up (measured: four lines answered 39 of 153/s,
    // fifteen 138 with a p99 of 222 ms, twenty all of them). At 20 ms a pool of four lines held
    // 160/s, and the generator sends 160 a second on a busy machine, not 800.
    params: { ms: 100 },
    reference: 'sync',
    // The closed loop is only for the wait check under load (Little's law); the sweep judges.
    bench: { runs: 1, durationSec: 1 },
    // From four times one line's capacity (1000 / 100 ms = 10/s) to sixteen times it. The
    // learner's handlers alone: the blocking reference's capacity is 10/s by construction, and
    // its backlog at these rates would take tens of seconds to drain.
    sweep: { ratesPerSec: [40, 160] },
    // The wait is the work: a handler that answers at once holds any rate too, and must fail.
    work: { kind: 'wait', param: 'ms' },
    criteria: [
      {
        // 0.95: a pool of sixteen lines (160/s, the rate offered) answered 143 of 153 that arrived.
        text: 'at the highest rate your handler answers what arrives (over 0.95×)',
        left: verified('topAchievedPerSec'),
        op: '>',
        right: verified('topArrivedPerSec'),
        factor: 0.95,
        hint: 'Requests arrive faster than your route finishes them: something each request holds for its whole wait (the loop, a line, a lock, a pool of a few) lets only so many through a second.',
      },
      {
        // Under rush hour, not only alone: a handler that skips or shares the wait for some
        // requests (one in ten, or those that arrive together) answers one sooner than the wait.
        text: 'every request of the sweep still waits its 100 ms: none is answered sooner',
        left: verified('fastestSentMs'),
        op: '>',
        // verify's ms, at 0.9× for a timer that fires a hair early on a busy machine.
        right: 100,
        factor: 0.9,
        hint: 'Some requests were answered sooner than the wait: each request must wait its own ms, not skip it or share one started before it arrived.',
      },
      {
        // Timed from the send, not from when due: a request the generator sent late (a busy
        // machine) waited in looplab, not in your route. A queue inside the route shows either way:
        // sixteen lines answered with a p99 of 183 ms, one timer for every order that came during
        // the last one (waits of 92 to 192 ms) 195 ms, the solution 103 to 112 ms.
        text: 'at the highest rate your p99, timed from when each request was sent, is under 1.5 × the wait: none queues before its own wait starts',
        left: verified('topSentP99Ms'),
        op: '<',
        right: 100,
        factor: 1.5,
        hint: 'Requests queue inside your route at rush hour: each waits for the ones ahead of it before its own wait starts.',
      },
    ],
  },
});
