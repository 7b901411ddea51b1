/**
 * Lesson 1, the-waiter: what one blocked event loop costs every other request.
 *
 * A Node server has one JavaScript thread and one event loop. A handler that spins for 20 ms
 * holds that thread for 20 ms, so nothing else (no other request, no `/ping`, no timer) runs
 * meanwhile, and the server can never finish more than 1000 / 20 = 50 requests a second. A
 * handler that awaits a 20 ms timer gives the thread back at once.
 */
import busyWait from '../../scenarios/catalog/busy-wait.ts';
import { defineLesson, offLoopVerify } from '../engine/types.ts';

const main = 'main';

export default defineLesson({
  id: 'the-waiter',
  title: 'The waiter: one event loop serves every table',
  scenario: busyWait,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    { key: main, label: '20 ms per request', params: { ms: 20 }, variants: ['sync', 'async'] },
  ],
  prediction: {
    question:
      'Both variants take 20 ms per request: sync spins in a while loop, async awaits a 20 ms ' +
      'timer. With 10 connections, how many times the requests per second of sync will async serve?',
    quantity: {
      of: { measurement: main, variant: 'async', metric: 'requestsPerSec' },
      per: { measurement: main, variant: 'sync', metric: 'requestsPerSec' },
      unit: '× sync',
    },
    choices: [
      { text: 'about the same (under 1.5×): 20 ms is 20 ms', max: 1.5 },
      { text: 'somewhat more (1.5× to 5×)', min: 1.5, max: 5 },
      { text: 'many times more (5× or more)', min: 5 },
    ],
  },
  claims: [
    {
      text: 'sync cannot serve more than 1000 / 20 = 50 requests a second',
      left: { measurement: main, variant: 'sync', metric: 'requestsPerSec' },
      op: '<',
      right: 50,
      // 5% for the edges of the window: a request that started before it can end inside it.
      factor: 1.05,
      whenItFails:
        'A spin of 20 ms cannot finish faster. If this fails, the clock the handler reads was ' +
        'adjusted during the run, or the window was too short to count whole requests; run again.',
    },
    {
      text: 'async serves at least 3× the requests of sync',
      left: { measurement: main, variant: 'async', metric: 'requestsPerSec' },
      op: '>',
      right: { measurement: main, variant: 'sync', metric: 'requestsPerSec' },
      factor: 3,
      whenItFails:
        'async can wait for 10 timers at once, so it should reach about 10 × 50 = 500 requests ' +
        'a second. When it does not, something else set the pace: the load generator and the ' +
        "server share this machine's cores, and a busy machine (other programs, a slow VM) " +
        'slows every turn of the loop.',
    },
    {
      text: "async's loop lag p99 is under a tenth of sync's",
      left: { measurement: main, variant: 'async', metric: 'lagP99Ms' },
      op: '<',
      right: { measurement: main, variant: 'sync', metric: 'lagP99Ms' },
      factor: 0.1,
      whenItFails:
        "async's loop only stalls for the few microseconds each callback takes, unless the " +
        'process itself is not scheduled: on a machine whose cores are all busy, the operating ' +
        'system can pause the server, and the probe counts that pause as lag too.',
    },
    {
      text: "the bystander's /ping p99 with async is under a quarter of what it is with sync",
      left: { measurement: main, variant: 'async', metric: 'pingP99Ms' },
      op: '<',
      right: { measurement: main, variant: 'sync', metric: 'pingP99Ms' },
      factor: 0.25,
      whenItFails:
        '/ping waits only for the loop to be free. If it was slow with async too, the server ' +
        'or the bystander client was starved of CPU: the machine was busier than the server.',
    },
  ],
  exercise: {
    task:
      'The handler spins in a while loop for ms milliseconds, blocking the event loop. Make it ' +
      'wait the same time without blocking, and answer exactly as before.',
    hint:
      "Marking the function `async` changes nothing: the while loop still runs on the loop's " +
      'thread. Await something that finishes later instead, such as `setTimeout` from ' +
      '`node:timers/promises`.',
  },
  verify: {
    params: { ms: 20 },
    reference: 'sync',
    // The wait is the work: a handler that answers at once frees the loop too, and must fail.
    work: { kind: 'wait', param: 'ms' },
    ...offLoopVerify('sync', {
      loop: 'Something still holds the event loop for the whole wait: a while loop, or any code that runs until the time is up.',
      ping: '/ping has to wait while your handler runs: give the loop back while you wait (await a timer).',
    }),
  },
});
