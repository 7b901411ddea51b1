/**
 * Lesson 8, compression: zlib's work on the loop, on the threadpool, or streamed.
 *
 * `gzipSync` compresses on the loop's thread. `gzip` runs the same zlib code on libuv's
 * threadpool, so the loop is free, and the pool's size and the machine's cores decide how many
 * bodies compress at once. `createGzip()` piped into the response compresses in chunks on the
 * pool and sends the first bytes before the last are compressed: an earlier first byte.
 */
import type { MetricName } from '../../bench/report/metrics.ts';
import zlib from '../../scenarios/catalog/zlib.ts';
import { defineLesson } from '../engine/types.ts';

const main = 'main';
const pool1 = 'pool1';
const op = (variant: string, metric: MetricName, measurement = main) => ({
  measurement,
  variant,
  metric,
});

export default defineLesson({
  id: 'compression',
  title: 'Compression: gzipSync, the threadpool, and a gzip stream',
  scenario: zlib,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: main,
      label: '1 MiB bodies, UV_THREADPOOL_SIZE=4 (the default)',
      params: { size: 1024 * 1024 },
      variants: ['sync', 'async', 'stream'],
      env: { UV_THREADPOOL_SIZE: '4' },
    },
    {
      key: pool1,
      label: 'async, UV_THREADPOOL_SIZE=1',
      params: { size: 1024 * 1024 },
      variants: ['async'],
      env: { UV_THREADPOOL_SIZE: '1' },
    },
  ],
  prediction: {
    question:
      'async and stream both compress on the threadpool. stream pipes the gzip stream into the ' +
      "response as it goes. How soon does its first byte arrive, compared with async's?",
    quantity: { of: op('stream', 'ttfbP50Ms'), per: op('async', 'ttfbP50Ms'), unit: '× async' },
    choices: [
      { text: 'much sooner (under 0.1×)', max: 0.1 },
      { text: 'sooner (0.1× to 0.5×)', min: 0.1, max: 0.5 },
      { text: 'about as late (0.5× or more): both compress the whole body', min: 0.5 },
    ],
  },
  claims: [
    {
      text: "on the threadpool, async's loop lag p99 is under half of sync's",
      left: op('async', 'lagP99Ms'),
      op: '<',
      right: op('sync', 'lagP99Ms'),
      factor: 0.5,
      whenItFails:
        'The pool compresses, but its threads need cores: with 4 pool threads and the load ' +
        'generator on a machine with few cores, the loop waits for the scheduler, and the probe ' +
        'counts that as lag. The loop also reads every 1 MiB body and collects its garbage.',
    },
    {
      text: "the bystander's /ping p99 with async is under half of sync's",
      left: op('async', 'pingP99Ms'),
      op: '<',
      right: op('sync', 'pingP99Ms'),
      factor: 0.5,
      whenItFails:
        '/ping needs the loop and a core. With every core busy compressing, it waits for the ' +
        'scheduler even though the loop is free.',
    },
    {
      text: "stream's first byte p50 is under half of async's: it answers before it has finished",
      left: op('stream', 'ttfbP50Ms'),
      op: '<',
      right: op('async', 'ttfbP50Ms'),
      factor: 0.5,
      whenItFails:
        'The first compressed chunk goes out as soon as zlib has produced it, so the head of the ' +
        'answer should lead by most of a compression. When every core is busy, the first chunk ' +
        "waits in the pool queue behind the other requests' chunks, and the lead shrinks.",
    },
    {
      text: "stream's loop lag p99 is under half of sync's",
      left: op('stream', 'lagP99Ms'),
      op: '<',
      right: op('sync', 'lagP99Ms'),
      factor: 0.5,
      whenItFails:
        'The stream hands zlib one chunk at a time to the pool; the loop only moves chunks. Lag ' +
        "close to sync's means the loop waited for cores, as for async.",
    },
    {
      text: 'with 1 pool thread, async serves no more than 1.25× what sync serves',
      left: op('async', 'requestsPerSec', pool1),
      op: '<',
      right: op('sync', 'requestsPerSec'),
      factor: 1.25,
      whenItFails:
        'One pool thread compresses one 16 KiB chunk at a time (the bodies in flight take ' +
        'turns), no faster than the loop does with gzipSync. It can ' +
        'do a little better because the loop reads the next body meanwhile, on another core; ' +
        'run-to-run noise of 10–25% can also tip this.',
    },
  ],
  exercise: {
    task:
      'The handler compresses the body with gzipSync, on the event loop. Compress it on the ' +
      'threadpool instead, and answer exactly as before.',
    hint:
      'Use `gzip` from `node:zlib` with a callback, or `promisify(gzip)` from `node:util`, and ' +
      'await it. A stream works too: createGzip(), end it with the body, and return it as the ' +
      'body. An await before gzipSync only delays the block.',
  },
  verify: {
    params: { size: 1024 * 1024 },
    reference: 'sync',
    // The load sends three bodies in turn: a handler that remembers each one's gzip spends next
    // to no CPU per request (0.1 of sync's here, the hashing of the body for its key; gzip on
    // the pool, 1.3). The pool's CPU counts: it is the process's.
    work: { kind: 'cpu', task: 'compresses its body', factor: 0.5 },
    // The loop thread's share of the server's own CPU, and no timing: on 2 shared cores the
    // pool's threads, the load generator and other programs delay a free loop as much as gzipSync
    // holds it. Measured here, a known-bad handler's lag p99 came under half of sync's (83 ms
    // against 206), and with gzip on the pool, on a machine at a load average of 9, the lag p99
    // reached 1.1× sync's and /ping 0.91×. Against sync's loop CPU the bar moved with the machine
    // too (gzip on the pool 0.25 to 0.57 of it). Of the server's own CPU, gzip on the pool ran
    // 0.2-0.41 on the loop's thread in 11 runs and 0.64 in one at that load (the loop still reads
    // each 1 MiB body, in more pieces when the sender is starved); a gzip stream 0.3; gzipSync
    // after an await 0.91-0.97. Both sides of the share come from the same runs.
    offLoop: {
      factor: 0.7,
      of: 'own',
      hint: 'The compression still runs on the event loop: look for gzipSync, even after an await.',
    },
    criteria: [],
  },
});
