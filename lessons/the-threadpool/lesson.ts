/**
 * Lesson 3, the-threadpool: libuv's worker pool, and what the cores under it allow.
 *
 * `pbkdf2` runs on libuv's threadpool (4 threads by default, UV_THREADPOOL_SIZE to change it);
 * `pbkdf2Sync` runs on the loop. The pool frees the loop, but it can only run as many
 * derivations at once as there are free cores: the experiment with 1, 2, 4 and 8 threads shows
 * where more threads stop helping on the learner's machine.
 */
import cryptoPbkdf2 from '../../scenarios/catalog/crypto-pbkdf2.ts';
import { defineLesson, offLoopVerify } from '../engine/types.ts';

const pool = (size: number) => `pool${size}`;
const async = (size: number) => ({
  key: pool(size),
  label: `async, UV_THREADPOOL_SIZE=${size}`,
  params: {},
  variants: ['async'],
  env: { UV_THREADPOOL_SIZE: String(size) },
});
const rate = (size: number) =>
  ({ measurement: pool(size), variant: 'async', metric: 'requestsPerSec' }) as const;

export default defineLesson({
  id: 'the-threadpool',
  title: "The threadpool: libuv's workers and your cores",
  scenario: cryptoPbkdf2,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: pool(4),
      label: 'sync vs async, UV_THREADPOOL_SIZE=4 (the default)',
      params: {},
      variants: ['sync', 'async'],
      env: { UV_THREADPOOL_SIZE: '4' },
    },
    async(1),
    async(2),
    async(8),
  ],
  prediction: {
    question:
      'pbkdf2 runs on the threadpool. How many times the requests per second of a 1-thread pool ' +
      'will an 8-thread pool serve, on this machine?',
    quantity: { of: rate(8), per: rate(1), unit: '× 1 thread' },
    choices: [
      { text: 'about the same (under 1.5×)', max: 1.5 },
      { text: 'about 1.5× to 3×', min: 1.5, max: 3 },
      { text: 'about 3× or more', min: 3 },
    ],
  },
  claims: [
    {
      text: "with the work on the pool, async's loop lag p99 is under a quarter of sync's",
      left: { measurement: pool(4), variant: 'async', metric: 'lagP99Ms' },
      op: '<',
      right: { measurement: pool(4), variant: 'sync', metric: 'lagP99Ms' },
      factor: 0.25,
      whenItFails:
        'The pool threads do the hashing, but they need cores. With every core busy, the ' +
        'operating system shares them between the pool and the loop, and the loop runs late.',
    },
    {
      text: "the bystander's /ping p99 with async is under a quarter of sync's",
      left: { measurement: pool(4), variant: 'async', metric: 'pingP99Ms' },
      op: '<',
      right: { measurement: pool(4), variant: 'sync', metric: 'pingP99Ms' },
      factor: 0.25,
      whenItFails:
        '/ping needs the loop and a core. When the pool threads hold every core, /ping waits ' +
        'for the scheduler even though the loop itself is free.',
    },
    {
      text: 'a 1-thread pool serves no more than sync does (one derivation at a time, either way)',
      left: rate(1),
      op: '<',
      right: { measurement: pool(4), variant: 'sync', metric: 'requestsPerSec' },
      factor: 1.25,
      whenItFails:
        'One pool thread runs one derivation at a time, like the loop does with pbkdf2Sync. It ' +
        'can do a little better because the loop parses requests on another core meanwhile; ' +
        'run-to-run noise of 10–25% can also tip this.',
    },
    {
      text: '8 threads serve no more than 1.25× what 2 threads serve, on 2 cores',
      left: rate(8),
      op: '<',
      right: rate(2),
      factor: 1.25,
      whenItFails:
        'With more free cores, more threads run more derivations at once, and this fails as it ' +
        'should: the pool helps up to the number of free cores. It can fail on 2 cores too, as ' +
        'it did once on the machine looplab was built on (8 threads served 1.35× what 2 did). ' +
        'This is not 2 threads idling: a pool thread takes its next job from the queue as soon ' +
        'as it is done (measured: 2 threads were asleep under 2% of the time, and a request cost ' +
        'the same CPU with 2 and 8). Linux shares the cores between busy threads, per session ' +
        'first where autogroup is on: when other busy work runs in the same session as the ' +
        'server (a build, a test run), 8 hashing threads win a larger share of the cores from ' +
        'it than 2 do. Measured on a shared 2-core machine, with two busy loops in the same ' +
        "session 8 threads served 1.20–1.47× what 2 did and halved the loops' CPU; with the " +
        'loops in sessions of their own 0.73–1.14×, without them 0.94–1.05× ' +
        '(docs/lessons-and-verify.md). A virtual machine may also be given more CPU than its 2 ' +
        'cores.',
    },
  ],
  exercise: {
    task:
      'The handler derives a key with pbkdf2Sync, on the event loop. Derive it on the threadpool ' +
      'instead and answer exactly as before.',
    hint:
      'Use `pbkdf2` from `node:crypto` with a callback, or `promisify(pbkdf2)` from `node:util`, ' +
      'and await it. A Promise around `pbkdf2Sync` still hashes on the loop.',
  },
  verify: {
    params: { iterations: 20_000 },
    reference: 'sync',
    // The pool's threads hash on the same cores the loop needs, so on a busy 2-core machine the
    // scheduler alone can delay a free loop by half of what pbkdf2Sync does: no timing tells a
    // derivation on the loop from one on the pool there. The loop thread's CPU time does.
    work: { kind: 'cpu', task: 'derives the key', factor: 0.25 },
    ...offLoopVerify('sync', {
      loop: 'The hashing still runs on the event loop: look for pbkdf2Sync.',
      ping: '/ping waits while the key is derived on the loop: use the callback form, pbkdf2.',
    }),
  },
});
