/**
 * Lesson 5, large-json: JSON.parse and JSON.stringify are CPU work with no async form.
 *
 * They run start to end on the thread that calls them, and their cost grows with the document.
 * A handler that parses a half-megabyte body and serialises a priced answer holds the loop for
 * tens of milliseconds, and with several such requests queued the loop does nothing else for
 * longer still. A worker_threads pool takes the work off the loop; the copies each way, the
 * workers' memory and the cores they compete for are the price.
 */

import type { MetricName } from '../../bench/report/metrics.ts';
import jsonParse from '../../scenarios/catalog/json-parse.ts';
import { defineLesson, responsiveCriteria } from '../engine/types.ts';

const main = 'main';
const op = (variant: string, metric: MetricName) => ({ measurement: main, variant, metric });

export default defineLesson({
  id: 'large-json',
  title: 'Large JSON: parse and serialise off the loop',
  scenario: jsonParse,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: main,
      label: '512 KiB orders',
      params: { size: 512 * 1024 },
      variants: ['sync', 'async'],
    },
  ],
  prediction: {
    question:
      'async parses and serialises each order on worker threads (one per core) instead of the ' +
      'event loop. How many requests per second will it serve, compared with sync?',
    quantity: {
      of: op('async', 'requestsPerSec'),
      per: op('sync', 'requestsPerSec'),
      unit: '× sync',
    },
    choices: [
      { text: 'fewer (under 0.8×): the copies to and from the workers cost more', max: 0.8 },
      { text: 'about the same (0.8× to 1.5×)', min: 0.8, max: 1.5 },
      { text: 'many more (1.5× or more): the loop is free now', min: 1.5 },
    ],
  },
  claims: [
    {
      text: "with the work on workers, async's loop lag p99 is under a quarter of sync's",
      left: op('async', 'lagP99Ms'),
      op: '<',
      right: op('sync', 'lagP99Ms'),
      factor: 0.25,
      whenItFails:
        'The loop still reads every body, copies it to a worker and writes the answer: half a ' +
        'megabyte each way. With the workers and the load generator holding every core, the ' +
        'loop also waits for the scheduler, and the probe counts that as lag.',
    },
    {
      // Half, not a quarter: on the 2-core build machine, with two workers and the load generator
      // on the cores, async's /ping p99 measured 0.12 and 0.26 of sync's in two default runs.
      text: "the bystander's /ping p99 with async is under half of sync's",
      left: op('async', 'pingP99Ms'),
      op: '<',
      right: op('sync', 'pingP99Ms'),
      factor: 0.5,
      whenItFails:
        '/ping needs the loop and a core. If every core was busy with workers and load, /ping ' +
        'waited for the scheduler even with the loop free.',
    },
    {
      text: "sync's event loop was busy more than 90% of the time",
      left: op('sync', 'elu'),
      op: '>',
      right: 0.9,
      factor: 1,
      whenItFails:
        'Parsing and serialising took the loop almost all of the time unless the requests ' +
        'arrived too slowly to keep it busy: a load generator short of CPU sends fewer.',
    },
    {
      text: "the workers' price: async's peak memory is higher than sync's",
      left: op('async', 'rssMaxBytes'),
      op: '>',
      right: op('sync', 'rssMaxBytes'),
      factor: 1,
      whenItFails:
        'Each worker has a heap of its own, and every order is copied to it: memory sync does ' +
        'not need. A difference of a few MiB can hide in when RSS was sampled.',
    },
  ],
  exercise: {
    task:
      'The handler parses, prices and serialises each order on the event loop. Do that work on ' +
      'a worker thread, running the script at ctx.workerUrl, and answer exactly as before.',
    hint:
      'Create one Worker from ctx.workerUrl (the first time, then reuse it), post it ' +
      '{ id, body: req.body }, and resolve the request with the result of the message that comes ' +
      'back with the same id. An await before ctx.priceOrder only delays the block.',
  },
  verify: {
    params: { size: 512 * 1024 },
    reference: 'sync',
    // The load sends three orders in turn: a handler that remembers each one's answer after its
    // first parse spends next to no CPU per request (0.07 of sync's here; a worker, 1.0).
    work: { kind: 'cpu', task: 'parses, prices and serialises its order', factor: 0.5 },
    // Lag, not the loop thread's CPU: one order is a 20 ms block, which the lag sees plainly,
    // whereas the loop thread's CPU, which still reads and copies every body, varied from 0.2 to
    // 0.58 of sync's for a worker on this shared machine. Half, not a quarter: the lag p99 now
    // counts a stall for as long as it lasted, and the worker's loop still stalls now and then
    // (reading and copying each half-megabyte body, waiting for a core), so its ratio to sync's
    // doubled: 0.23, 0.23, 0.25 and 0.28 in four sessions of 3 runs at load averages of 14, 7, 6
    // and 8 (0.15, 0.10 and 0.16 on the raw lag of the last three). The parse after an await,
    // 0.81-1.37; the starter, 0.93-1.28.
    criteria: responsiveCriteria(
      'sync',
      {
        lag: 'The parse or the serialise still runs on the event loop: look for ctx.priceOrder or JSON.parse in the handler.',
        ping: '/ping waits while an order is parsed on the loop: post the body to the worker and await its answer.',
      },
      { lag: 0.5, ping: 0.5 },
    ),
  },
});
