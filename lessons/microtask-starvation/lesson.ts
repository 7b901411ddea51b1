/**
 * Lesson 7, microtask-starvation: asynchronous code that still holds the loop.
 *
 * After each callback it runs, Node drains the process.nextTick queue, then V8's microtask queue
 * (promise reactions), over and over until both are empty; only then does the loop move on to
 * timers, I/O or setImmediate. A chain whose steps queue each other with nextTick, or through
 * `await`, therefore runs to its end in one go, starving timers and I/O exactly as a synchronous
 * loop would. setImmediate queues the next step for the loop's check phase: the loop goes round,
 * polls for I/O and fires timers between steps.
 */
import type { MetricName } from '../../bench/report/metrics.ts';
import tickStarvation from '../../scenarios/catalog/tick-starvation.ts';
import { defineLesson, responsiveCriteria } from '../engine/types.ts';

const main = 'main';
const op = (variant: string, metric: MetricName) => ({ measurement: main, variant, metric });

const starves = (variant: 'sync' | 'promise', what: string, metric: 'lagP99Ms' | 'pingP99Ms') => ({
  text: `${metric === 'lagP99Ms' ? 'the loop lag p99' : "the bystander's /ping p99"} with setImmediate is under a quarter of ${what}`,
  left: op('async', metric),
  op: '<' as const,
  right: op(variant, metric),
  factor: 0.25,
  whenItFails:
    'Between two setImmediate steps the loop polls for I/O and runs due timers. If it did ' +
    'no better here, every core was busy and the loop waited for the scheduler, or the steps ' +
    'themselves were long: each holds the loop while it hashes its bytes.',
});

export default defineLesson({
  id: 'microtask-starvation',
  title: 'nextTick and promises: asynchronous code that still blocks',
  scenario: tickStarvation,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: main,
      label: 'a chain of 1,000 steps of 16 KiB each',
      params: { links: 1000, bytes: 16 * 1024 },
      variants: ['sync', 'promise', 'async'],
    },
  ],
  prediction: {
    question:
      "promise awaits between every two steps of its chain. Will that let the bystander's /ping " +
      'through? How many times the /ping p99 of the setImmediate chain will it see?',
    quantity: {
      of: op('promise', 'pingP99Ms'),
      per: op('async', 'pingP99Ms'),
      unit: '× setImmediate',
    },
    choices: [
      { text: 'about the same (under 2×): await gives the loop back', max: 2 },
      { text: '2× to 5×', min: 2, max: 5 },
      { text: '5× or more: await does not let the loop go round', min: 5 },
    ],
  },
  claims: [
    starves('sync', "the nextTick chain's", 'lagP99Ms'),
    starves('promise', "the promise chain's", 'lagP99Ms'),
    starves('sync', "the nextTick chain's", 'pingP99Ms'),
    starves('promise', "the promise chain's", 'pingP99Ms'),
    {
      text: "await is no way to yield: the promise chain's loop lag p99 is at least half the nextTick chain's",
      left: op('promise', 'lagP99Ms'),
      op: '>',
      right: op('sync', 'lagP99Ms'),
      factor: 0.5,
      whenItFails:
        'Both chains run to their end before the loop moves on, so their lag should be alike. ' +
        'A lower figure for promise is run-to-run noise; run with --runs 3.',
    },
  ],
  exercise: {
    task:
      'The handler runs a chain of params.links steps, each queuing the next with ' +
      'process.nextTick: the whole chain runs before the event loop can serve anyone else. Make ' +
      'each step let the loop go round before the next, and answer exactly as before.',
    hint:
      'Await setImmediate() (from node:timers/promises) between steps. `await null`, ' +
      'Promise.resolve() and queueMicrotask() queue a microtask, which runs before the loop ' +
      'moves on, just as nextTick does.',
  },
  verify: {
    params: { links: 1000, bytes: 16 * 1024 },
    reference: 'sync',
    // The chain's result depends only on the parameters: a handler that runs it once and answers
    // from memory spends next to no CPU per request (0.003 of sync's here; setImmediate, 1.0).
    work: { kind: 'cpu', task: 'runs the whole chain', factor: 0.5 },
    criteria: responsiveCriteria('sync', {
      lag: 'The chain still runs to its end before the loop moves on: a nextTick, an await of something already settled, or a microtask between steps.',
      ping: "/ping waits for the whole chain: yield with setImmediate, which waits for the loop's next turn.",
    }),
  },
});
