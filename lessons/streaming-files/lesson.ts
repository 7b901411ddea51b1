/**
 * Lesson 9, streaming-files: memory and the first byte, not only the loop.
 *
 * `readFile` keeps the loop free, but it holds the whole file in memory until the last byte has
 * gone out, once per request in flight, and sends nothing before the whole file is read.
 * `pipeline(createReadStream(path), res)` reads ahead only to the read stream's high-water mark
 * (64 KiB), and stops reading while the response's buffer is past its own (16 KiB on Node 20,
 * 64 KiB from 22) until 'drain' (backpressure): a few chunks of memory per request, whatever the
 * file's size, and the first bytes leave at once. `readFileSync` adds a blocked loop to the
 * memory.
 */
import type { MetricName } from '../../bench/report/metrics.ts';
import streams from '../../scenarios/catalog/streams.ts';
import { type Criterion, defineLesson, EXERCISE_VARIANT } from '../engine/types.ts';

const main = 'main';
const MiB = 1024 * 1024;
const op = (variant: string, metric: MetricName) => ({ measurement: main, variant, metric });
const verify = (variant: string, metric: MetricName) => ({
  measurement: 'verify',
  variant,
  metric,
});

/** Against the reference that reads the file whole (async), measured in the same session. */
const criterion = (
  metric: 'rssMaxBytes' | 'ttfbP50Ms',
  factor: number,
  text: string,
  hint: string,
): Criterion => ({
  text,
  left: verify(EXERCISE_VARIANT, metric),
  op: '<',
  right: verify('async', metric),
  factor,
  hint,
});

export default defineLesson({
  id: 'streaming-files',
  title: 'Large files: read whole, or stream with backpressure',
  scenario: streams,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: main,
      label: '16 MiB file, 10 downloads at once',
      params: { size: 16 * MiB },
      variants: ['sync', 'async', 'stream'],
    },
  ],
  prediction: {
    question:
      'Ten clients download a 16 MiB file at once. async reads the whole file with readFile, then ' +
      "sends it; stream pipes a read stream into the response. How many times stream's peak " +
      'memory (RSS) will async use?',
    quantity: {
      of: op('async', 'rssMaxBytes'),
      per: op('stream', 'rssMaxBytes'),
      unit: '× stream',
    },
    choices: [
      { text: 'about the same (under 1.5×): the same file goes out either way', max: 1.5 },
      { text: '1.5× to 3×', min: 1.5, max: 3 },
      { text: '3× or more', min: 3 },
    ],
  },
  claims: [
    {
      text: "stream's peak memory is under half of async's",
      left: op('stream', 'rssMaxBytes'),
      op: '<',
      right: op('async', 'rssMaxBytes'),
      factor: 0.5,
      whenItFails:
        'async holds one 16 MiB buffer per request in flight until it is sent; stream a few ' +
        '64 KiB chunks. If the two came close, few requests were in flight at once (a slow load ' +
        'generator), or the garbage collector had not yet freed what stream read.',
    },
    {
      text: "stream's peak memory is under half of sync's",
      left: op('stream', 'rssMaxBytes'),
      op: '<',
      right: op('sync', 'rssMaxBytes'),
      factor: 0.5,
      whenItFails:
        'sync holds the whole file per request in flight too. With the loop blocked in each ' +
        'read, fewer are in flight at once than with async, so its peak can be lower.',
    },
    {
      text: "stream's first byte p50 is under a quarter of async's",
      left: op('stream', 'ttfbP50Ms'),
      op: '<',
      right: op('async', 'ttfbP50Ms'),
      factor: 0.25,
      whenItFails:
        'stream sends its first chunk as soon as it is read; async only once the whole file is. ' +
        'A close call means the read was fast next to the sending (a small or cached file on a ' +
        'fast disk): the first byte then waits mostly for the other downloads in flight.',
    },
    {
      text: "stream's loop lag p99 is under a quarter of sync's",
      left: op('stream', 'lagP99Ms'),
      op: '<',
      right: op('sync', 'lagP99Ms'),
      factor: 0.25,
      whenItFails:
        'readFileSync holds the loop for the whole read of 16 MiB. If that was short here (a fast ' +
        'disk, the file in the page cache), the blocking was short too.',
    },
  ],
  exercise: {
    task:
      'The handler reads the whole file with readFile, then sends it: one buffer of the whole ' +
      'file per request in flight, and nothing sent until it is read. Stream it instead, and ' +
      'answer exactly as before.',
    hint:
      'Return a read stream as the body: createReadStream(ctx.path) from node:fs. The server ' +
      'pipes it into the response with backpressure. Readable.from() of the whole buffer is ' +
      'still the whole buffer.',
  },
  verify: {
    params: { size: 16 * MiB },
    // The blocking-free whole-file read is the bar: streaming is about memory and latency here.
    reference: 'async',
    // Sending a file read once from memory costs a fifth of the CPU per MiB of reading it and
    // sending it (here 0.33-0.37 ms against stream's 1.7-2.0 ms); the reference reads whole and
    // is too erratic a bar (4-10 ms per MiB), so the built-in stream variant is measured too.
    // Per MiB, not per request: with ten 16 MiB answers in flight, those unfinished when the
    // window closes spent CPU that a per-request figure would charge to the others.
    work: {
      kind: 'cpu',
      task: 'reads the file it sends',
      factor: 0.4,
      against: 'stream',
      per: 'mebibyte',
    },
    // 0.75 for memory, not half: a streaming handler's peak is mostly the process itself and
    // the garbage of chunks already sent, and the reference's peak depends on how many whole
    // files were in flight at once. Measured here: the solution 0.43-0.56 of the reference in
    // verify's default windows on Node 20 and 24 (128-169 MiB against 282-355), 0.68 in a 1.5 s
    // window on Node 24; the known-bad handler (a stream of the whole buffer) 1.04-1.14.
    criteria: [
      criterion(
        'rssMaxBytes',
        0.75,
        "your handler's peak memory is under 0.75× the reference's (readFile, whole)",
        'Memory still grows with the file: something holds all of it at once. Read it as a stream, chunk by chunk.',
      ),
      criterion(
        'ttfbP50Ms',
        0.5,
        "your handler's first byte p50 is under half of the reference's",
        'The first byte still waits for the whole file: send the chunks as they are read.',
      ),
    ],
  },
});
