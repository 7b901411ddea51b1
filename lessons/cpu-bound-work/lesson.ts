/**
 * Lesson 4, cpu-bound-work: pure JavaScript work has no async version.
 *
 * Counting primes runs on whatever thread calls it. Partitioning it with `setImmediate` lets
 * other callbacks run between chunks (the loop stays responsive) but does the same work on the
 * same thread, plus the cost of the yields. A `worker_threads` pool moves the work off the loop
 * entirely, at the cost of a V8 isolate per worker (memory) and a message per job.
 */
import cpuBound from '../../scenarios/catalog/cpu-bound.ts';
import { defineLesson, responsiveCriteria } from '../engine/types.ts';

const main = 'main';
const op = (
  variant: string,
  metric: 'requestsPerSec' | 'lagP99Ms' | 'pingP99Ms' | 'latencyP50Ms' | 'rssMaxBytes',
) => ({ measurement: main, variant, metric }) as const;

export default defineLesson({
  id: 'cpu-bound-work',
  title: 'CPU-bound work: partition it, or move it to a worker',
  scenario: cpuBound,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: main,
      label: 'primes below 150,000',
      params: { n: 150_000, chunk: 10_000 },
      variants: ['sync', 'partitioned', 'async'],
    },
  ],
  prediction: {
    question:
      'partitioned counts the same primes as sync, in chunks, yielding to the loop with ' +
      "setImmediate between them. How does its throughput compare with sync's?",
    quantity: {
      of: op('partitioned', 'requestsPerSec'),
      per: op('sync', 'requestsPerSec'),
      unit: '× sync',
    },
    choices: [
      { text: 'lower (under 0.9×)', max: 0.9 },
      { text: 'about the same (0.9× to 1.1×)', min: 0.9, max: 1.1 },
      { text: 'higher (1.1× or more): it no longer blocks', min: 1.1 },
    ],
  },
  claims: [
    {
      text: "partitioned's loop lag p99 is under a quarter of sync's",
      left: op('partitioned', 'lagP99Ms'),
      op: '<',
      right: op('sync', 'lagP99Ms'),
      factor: 0.25,
      whenItFails:
        'Each chunk still holds the loop for as long as it takes. With large chunks, or a slow ' +
        'or busy CPU, a chunk can take long enough to show as lag.',
    },
    {
      text: "the bystander's /ping p99 with partitioned is under a quarter of sync's",
      left: op('partitioned', 'pingP99Ms'),
      op: '<',
      right: op('sync', 'pingP99Ms'),
      factor: 0.25,
      whenItFails:
        '/ping gets a turn between chunks, but every request in flight also gets one; with many ' +
        'requests in flight the turns can add up.',
    },
    {
      text: 'partitioning does not add throughput: partitioned serves at most 1.1× sync',
      left: op('partitioned', 'requestsPerSec'),
      op: '<',
      right: op('sync', 'requestsPerSec'),
      factor: 1.1,
      whenItFails:
        'The work is the same and runs on the same thread, plus the yields. If partitioned did ' +
        'more, the difference is within the run-to-run noise (10–25% here), or the CPU speed ' +
        'drifted between runs; run with more runs.',
    },
    {
      text: "partitioning's cost: a partitioned request's median latency is higher than sync's",
      left: op('partitioned', 'latencyP50Ms'),
      op: '>',
      right: op('sync', 'latencyP50Ms'),
      factor: 1,
      whenItFails:
        'A partitioned request shares the loop with every other request in flight, so each one ' +
        'finishes later. With few requests in flight the interleaving costs little, and noise ' +
        'can hide it.',
    },
    {
      text: "with worker threads, async's loop lag p99 is under a quarter of sync's",
      left: op('async', 'lagP99Ms'),
      op: '<',
      right: op('sync', 'lagP99Ms'),
      factor: 0.25,
      whenItFails:
        'The workers do the counting, but they need cores. With every core busy, the loop waits ' +
        'for the scheduler and the probe counts that as lag.',
    },
    {
      text: "worker threads' cost: async's peak memory is higher than sync's",
      left: op('async', 'rssMaxBytes'),
      op: '>',
      right: op('sync', 'rssMaxBytes'),
      factor: 1,
      whenItFails:
        'Every worker is a V8 isolate with its own heap, so a pool should cost memory. A ' +
        'difference of a few MiB can hide in the noise of when RSS was sampled.',
    },
  ],
  exercise: {
    task:
      'The handler counts all primes below params.n in one go, blocking the event loop. Count ' +
      'them in chunks of params.chunk numbers, yielding to the event loop between chunks, and ' +
      'answer exactly as before.',
    hint:
      'Loop over [2, n) in steps of params.chunk, call ctx.countPrimes(start, end) for each ' +
      'chunk, and `await setImmediate()` (from node:timers/promises) after each one. One ' +
      'setImmediate around the whole count only delays the block.',
  },
  verify: {
    // Small chunks: with 10 requests in flight, the check phase runs one chunk of each back to
    // back, so the loop's longest stall is 10 chunks, not one.
    params: { n: 150_000, chunk: 2_000 },
    reference: 'sync',
    // Partitioning keeps the work on the loop's thread, so the loop's lag judges it, not its CPU.
    work: { kind: 'cpu', task: 'counts the primes', factor: 0.25 },
    criteria: responsiveCriteria('sync', {
      lag: 'The count still holds the loop for too long at a time: yield after every chunk, not once.',
      ping: '/ping only runs between chunks: make the chunks params.chunk numbers long and await setImmediate() between them.',
    }),
  },
});
