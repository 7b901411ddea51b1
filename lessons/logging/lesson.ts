/**
 * Lesson 10, logging: where a synchronous write's cost hides.
 *
 * `writeSync` (and `appendFileSync`, and a synchronous logger) runs the system call on the loop's
 * thread. Into the page cache that takes microseconds, and the server looks fine. When each
 * write must wait for the device (`fdatasync`, a slow or busy disk, a full page cache), the loop
 * waits with it on every request: the loop is busy, though the CPU is not, and throughput stops
 * at one write's time. A buffered logger batches the lines and writes, and flushes, on the
 * threadpool.
 */
import type { MetricName } from '../../bench/report/metrics.ts';
import syncLogging from '../../scenarios/catalog/sync-logging.ts';
import { type Criterion, defineLesson, EXERCISE_VARIANT } from '../engine/types.ts';

const cache = 'cache';
const disk = 'disk';
const op = (measurement: string, variant: string, metric: MetricName) => ({
  measurement,
  variant,
  metric,
});
const verify = (variant: string, metric: MetricName) => op('verify', variant, metric);

/**
 * Not lag and /ping: with a fast disk one flush holds the loop for well under a millisecond, too
 * short for the probe's 10 ms timer to see. What it cannot hide is the cap: a loop that waits in
 * every flush in turn serves one request per flush. And the loop's utilisation: waiting inside
 * a system call counts as busy. A solution that writes on the threadpool serves many times more
 * (2.5x here) with a loop busy about 0.7 of the time against 0.99, because it parses that many
 * more requests; hence 0.9, not a half.
 */
const criteria: Criterion[] = [
  {
    text: 'your handler serves more than 1.5× the requests of the reference',
    left: verify(EXERCISE_VARIANT, 'requestsPerSec'),
    op: '>',
    right: verify('sync', 'requestsPerSec'),
    factor: 1.5,
    hint: 'Each request still waits on the event loop for its write and flush, one after another: write (and flush) on the threadpool with ctx.file, and send the lines that queued meanwhile together, in one write and one flush.',
  },
  {
    text: "your handler's event loop is busy less than the reference's (under 0.9×)",
    left: verify(EXERCISE_VARIANT, 'elu'),
    op: '<',
    right: verify('sync', 'elu'),
    factor: 0.9,
    hint: 'The loop still waits inside the write or the flush: look for writeSync or fdatasyncSync, even after an await.',
  },
];

export default defineLesson({
  id: 'logging',
  title: 'Logging: where the cost of a synchronous write hides',
  scenario: syncLogging,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: cache,
      label: 'into the page cache (durable=0)',
      params: { line: 256, durable: 0 },
      variants: ['sync', 'async'],
    },
    {
      key: disk,
      label: 'every line to the disk (durable=1)',
      params: { line: 256, durable: 1 },
      variants: ['sync', 'async'],
    },
  ],
  prediction: {
    question:
      'Each request writes one 256-byte log line with writeSync, into the page cache: no waiting ' +
      'for the disk. How many requests per second will sync serve, compared with the buffered ' +
      'logger?',
    quantity: {
      of: op(cache, 'sync', 'requestsPerSec'),
      per: op(cache, 'async', 'requestsPerSec'),
      unit: '× buffered',
    },
    choices: [
      { text: 'far fewer (under 0.5×): it blocks the loop', max: 0.5 },
      { text: 'somewhat fewer (0.5× to 0.9×)', min: 0.5, max: 0.9 },
      { text: 'about as many, or more (0.9× or more)', min: 0.9 },
    ],
  },
  claims: [
    {
      text: "into the page cache, sync looks fine: it serves at least 0.8× the buffered logger's requests",
      left: op(cache, 'sync', 'requestsPerSec'),
      op: '>',
      right: op(cache, 'async', 'requestsPerSec'),
      factor: 0.8,
      whenItFails:
        'A write into the page cache takes microseconds. If sync fell behind, the page cache ' +
        'was full of dirty pages waiting for the disk and the kernel made the writes wait, or ' +
        'run-to-run noise (10-25% here) tipped it; run with --runs 3.',
    },
    {
      text: 'with every line flushed to the disk, the buffered logger serves more than 1.5× sync',
      left: op(disk, 'async', 'requestsPerSec'),
      op: '>',
      right: op(disk, 'sync', 'requestsPerSec'),
      factor: 1.5,
      whenItFails:
        'sync can flush one line at a time; the buffered logger flushes every line that queued ' +
        'meanwhile at once. If flushing costs next to nothing here (a disk that acknowledges ' +
        'from its cache, a file system in memory), there is little to batch.',
    },
    {
      text: "with every line flushed, sync's event loop is busy more than 90% of the time",
      left: op(disk, 'sync', 'elu'),
      op: '>',
      right: 0.9,
      factor: 1,
      whenItFails:
        'Waiting inside fdatasyncSync counts as busy: the loop is not waiting for events. If it ' +
        'was not busy, flushing was too cheap here to matter.',
    },
    {
      text: "with every line flushed, the buffered logger's loop is busy under half as much as sync's",
      left: op(disk, 'async', 'elu'),
      op: '<',
      right: op(disk, 'sync', 'elu'),
      factor: 0.5,
      whenItFails:
        'The buffered logger waits for the disk on the threadpool, so its loop is idle meanwhile. ' +
        'A busy loop here means it served so many more requests that parsing them kept it busy.',
    },
  ],
  exercise: {
    task:
      'The handler writes each log line with writeSync and, when params.durable is 1, flushes it ' +
      'with fdatasyncSync, both on the event loop. Write (and flush) without blocking the loop, ' +
      'answering each request once its line is written (and flushed), exactly as before.',
    hint:
      'ctx.file is a FileHandle for the same file: its write() and datasync() run on the ' +
      "threadpool. Keep one write under way at a time (Node's fs docs call several " +
      'filehandle.write() calls on one file, none awaited, unsafe): queue the lines that arrive ' +
      'meanwhile, write them together and datasync once, then answer each. Or write through one ' +
      'ctx.file.createWriteStream(), which queues for you. An await before writeSync only delays ' +
      'the block.',
  },
  verify: {
    params: { line: 256, durable: 1 },
    reference: 'sync',
    // A handler that answers without logging is fast and frees the loop: only the log, which no
    // longer grows, tells. Its size is read at the probe's window's edges (the scenario's
    // output), which are not quite the load's: a correct solution measured 0.91 to 1.0 of sync's
    // bytes per request here, a handler that logs nothing 0. Three quarters leaves room for the
    // edges and still fails a handler that logs one request in two.
    work: { kind: 'output', task: 'writes its line to the log', factor: 0.75 },
    criteria,
  },
});
