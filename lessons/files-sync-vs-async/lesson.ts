/**
 * Lesson 2, files-sync-vs-async: when `readFileSync` is fine, and when it is not.
 *
 * `readFileSync` runs the read on the loop's thread: for a small file in the page cache that is
 * a few microseconds, often cheaper than `readFile`'s trips through libuv's threadpool. For a
 * large file the loop is held for the whole read and every other request waits. The lesson
 * measures both sizes, so the learner sees the case where sync wins as well as where it loses.
 */
import fsRead from '../../scenarios/catalog/fs-read.ts';
import { defineLesson, offLoopVerify } from '../engine/types.ts';

const small = 'small';
const large = 'large';
const KiB = 1024;
const MiB = 1024 * KiB;

export default defineLesson({
  id: 'files-sync-vs-async',
  title: 'Files: when readFileSync is fine, and when it is not',
  scenario: fsRead,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    { key: small, label: '4 KiB file', params: { size: 4 * KiB }, variants: ['sync', 'async'] },
    { key: large, label: '16 MiB file', params: { size: 16 * MiB }, variants: ['sync', 'async'] },
  ],
  prediction: {
    question:
      'Each request reads a small 4 KiB file that the OS has cached. Which variant serves more ' +
      'requests per second: readFileSync or fs.promises.readFile?',
    quantity: {
      of: { measurement: small, variant: 'sync', metric: 'requestsPerSec' },
      per: { measurement: small, variant: 'async', metric: 'requestsPerSec' },
      unit: '× async',
    },
    choices: [
      { text: 'async serves at least 10% more: async is always faster', max: 1 / 1.1 },
      { text: 'about the same (within 10%)', min: 1 / 1.1, max: 1.1 },
      { text: 'sync serves at least 10% more', min: 1.1 },
    ],
  },
  claims: [
    {
      text: 'for a small cached file, sync serves at least as many requests as async',
      left: { measurement: small, variant: 'sync', metric: 'requestsPerSec' },
      op: '>',
      right: { measurement: small, variant: 'async', metric: 'requestsPerSec' },
      factor: 0.95,
      whenItFails:
        'A cached 4 KiB read costs sync a few microseconds; async pays for opening, reading and ' +
        'closing the file through the threadpool. If async won here, the pool ran those steps ' +
        'on another core while the loop parsed requests: on a machine with idle cores, async can ' +
        'win even for small files. Measure before you choose.',
    },
    {
      text: "for a 16 MiB file, async's loop lag p99 is under half of sync's",
      left: { measurement: large, variant: 'async', metric: 'lagP99Ms' },
      op: '<',
      right: { measurement: large, variant: 'sync', metric: 'lagP99Ms' },
      factor: 0.5,
      whenItFails:
        'async reads on the threadpool, but the loop still allocates the 16 MiB buffer, runs ' +
        'one callback per chunk and collects the garbage; on a machine with few free cores the ' +
        'pool threads also compete with the loop for CPU. Those costs can add up to lag close ' +
        "to sync's.",
    },
    {
      text: "for a 16 MiB file, the bystander's /ping p99 with async is under half of sync's",
      left: { measurement: large, variant: 'async', metric: 'pingP99Ms' },
      op: '<',
      right: { measurement: large, variant: 'sync', metric: 'pingP99Ms' },
      factor: 0.5,
      whenItFails:
        '/ping waits for the loop. If it was as slow with async, the loop was busy anyway: with ' +
        'garbage collection of the large buffers, or starved of CPU by the pool threads.',
    },
    {
      text: "for a 16 MiB file, sync's event loop is busier (higher ELU) than async's",
      left: { measurement: large, variant: 'sync', metric: 'elu' },
      op: '>',
      right: { measurement: large, variant: 'async', metric: 'elu' },
      factor: 1.05,
      whenItFails:
        'async waits for the pool with its loop idle, so its ELU is lower unless the loop is kept ' +
        'busy by the work around the read (allocating, copying, collecting garbage).',
    },
  ],
  exercise: {
    task:
      'The handler reads the file with readFileSync, which holds the event loop for the whole ' +
      'read. Read it without blocking the loop and answer exactly as before.',
    hint:
      'Use `readFile` from `node:fs/promises` and await it. Wrapping `readFileSync` in a Promise ' +
      'or an async function does not help: the read itself still runs on the loop.',
  },
  verify: {
    params: { size: 64 * MiB },
    reference: 'sync',
    // One connection and a 64 MiB file: with several large reads in flight, async's loop is kept
    // busy allocating and collecting the buffers and competes with the pool threads for 2 cores.
    // One request at a time shows the read itself, and 64 MiB makes a read on the loop (tens of
    // ms) stand well above the probe's 10 ms resolution.
    bench: { connections: 1 },
    // Reading 64 MiB costs CPU (copying from the page cache); an answer from memory, or one that
    // reads only the 32 bytes the fingerprint samples, costs almost none.
    work: { kind: 'cpu', task: 'reads the whole file', factor: 0.25 },
    // The loop's share gets half, not a quarter: even with the read on the pool, the loop
    // thread unmaps each 64 MiB buffer it collects, measured here at 0.23 of sync's CPU per
    // request; a read on the loop measured 0.9.
    ...offLoopVerify(
      'sync',
      {
        loop: 'The read still happens on the event loop: look for a *Sync call, even inside a Promise.',
        ping: '/ping waits while the file is read on the loop: let the threadpool read it (fs.promises.readFile).',
      },
      0.5,
    ),
  },
});
