/**
 * Lesson the-upstream: a REST handler that waits on another service, three times.
 *
 * Waiting is not work, so async frees the loop: that is the first lesson. But a request that
 * awaits three calls one after another still takes three waits; issuing them together overlaps
 * the waits, so it takes about one. The upstream is real (a process of its own with a timer of
 * `latency` ms per call), so the learner's numbers show the two waits saved (3 × against 1 ×
 * the latency, and the same work around the calls in both, which a busy machine stretches), and
 * what a new TCP connection per call costs against a keep-alive pool.
 */
import upstreamCalls from '../../scenarios/catalog/upstream-calls.ts';
import { defineLesson, EXERCISE_VARIANT } from '../engine/types.ts';

const main = 'main';
const LATENCY_MS = 20;
type Metric =
  | 'requestsPerSec'
  | 'latencyP50Ms'
  | 'lagP99Ms'
  | 'pingP99Ms'
  | 'cpuPerRequestMs'
  | 'upstreamMaxInFlight';
const op = (variant: string, metric: Metric) => ({ measurement: main, variant, metric }) as const;
const verified = (variant: string, metric: Metric) =>
  ({ measurement: 'verify', variant, metric }) as const;

export default defineLesson({
  id: 'the-upstream',
  title: 'The upstream: async frees the loop, together cuts the wait',
  scenario: upstreamCalls,
  bench: { durationSec: 2, warmupSec: 0.5, runs: 2 },
  measurements: [
    {
      key: main,
      label: `3 calls of ${LATENCY_MS} ms per request`,
      params: { latency: LATENCY_MS },
      variants: ['sync', 'async', 'parallel', 'no-keepalive'],
    },
  ],
  prediction: {
    question:
      `Each request needs three calls to an upstream that takes ${LATENCY_MS} ms per call. ` +
      'async awaits them one after another; parallel starts all three, then awaits them ' +
      'together. Both leave the event loop free. With 10 connections, how many times the ' +
      'requests per second of async will parallel serve?',
    quantity: {
      of: op('parallel', 'requestsPerSec'),
      per: op('async', 'requestsPerSec'),
      unit: '× async',
    },
    choices: [
      {
        text: 'about the same (under 1.5×): both are async, the loop is free either way',
        max: 1.5,
      },
      { text: 'somewhat more (1.5× to 2.2×)', min: 1.5, max: 2.2 },
      { text: 'about 3× (2.2× or more): one wait per request instead of three', min: 2.2 },
    ],
  },
  claims: [
    {
      text: `async's median latency is at least 3 × ${LATENCY_MS} = ${3 * LATENCY_MS} ms: its three waits add up`,
      left: op('async', 'latencyP50Ms'),
      op: '>',
      right: 3 * LATENCY_MS,
      // A timer can fire up to a millisecond early (see whenItFails).
      factor: 0.95,
      whenItFails:
        'Each call waits a timer of 20 ms in the upstream, which never fires more than a ' +
        'millisecond early (libuv counts time in whole milliseconds), and async ' +
        'starts a call only when the one before has answered. If this fails, the upstream was ' +
        'started with another latency, or the clock was adjusted during the run.',
    },
    {
      text: `parallel's median latency is at least 1.5 × ${LATENCY_MS} = ${1.5 * LATENCY_MS} ms shorter than async's: it waits for one call, not three (the arithmetic says 2 × ${LATENCY_MS} = ${2 * LATENCY_MS} ms shorter)`,
      left: op('parallel', 'latencyP50Ms'),
      op: '<',
      right: op('async', 'latencyP50Ms'),
      factor: 1,
      // A difference, not a bound on parallel alone: the work around the calls (a request in,
      // three calls out, three answers parsed, one answer written) is in both medians, and grows
      // with how busy the machine is; the two waits saved do not.
      plus: -1.5 * LATENCY_MS,
      whenItFails:
        'Both variants do the same work around their calls, so a busy machine slows both ' +
        'alike and the difference stays two waits. It shrinks when that work waits for a core ' +
        'longer with parallel than with async: parallel does it three times as often, on cores ' +
        'it shares with the load generator and the upstream. On a machine with no core to ' +
        'spare, the work, not the wait, sets the pace, and the two medians draw together: run ' +
        'it again when the machine is quieter. The calls out at once below show whether the ' +
        'waits overlapped: calls that go out one at a time save no wait on any machine.',
    },
    {
      text: `parallel serves at least 1.5× the requests of async: each connection waits one call instead of three, so (3 × ${LATENCY_MS} + w) / (${LATENCY_MS} + w)× with w ms of work around the calls per request (3× when w is 0, 2× at ${LATENCY_MS} ms)`,
      left: op('parallel', 'requestsPerSec'),
      op: '>',
      right: op('async', 'requestsPerSec'),
      factor: 1.5,
      whenItFails:
        'With 10 connections, each request holds its connection for its whole latency, so the ' +
        'ratio of requests is the ratio of latencies: (60 + w) / (20 + w), under 1.5× only when ' +
        'the work around the calls took more than 60 ms a request, three whole waits. Then the ' +
        "machine's cores, not the wait, set the pace: the server, the load generator and the " +
        'upstream all waited for one. The latency claim above shows whether the waits still ' +
        'overlapped.',
    },
    {
      text: 'parallel had at least 2× the calls out at once that async had (the arithmetic says 3×: three per connection against one)',
      left: op('parallel', 'upstreamMaxInFlight'),
      op: '>',
      right: op('async', 'upstreamMaxInFlight'),
      factor: 2,
      whenItFails:
        'The upstream counts the calls it is answering at each moment. async can never have ' +
        'more than one per connection out; parallel has three per connection out whenever its ' +
        'requests are waiting. If it never got past twice async, its connections spent most of ' +
        'their time outside the wait: a machine too busy to keep the requests coming.',
    },
    {
      text: "async's loop lag p99 is under a tenth of sync's",
      left: op('async', 'lagP99Ms'),
      op: '<',
      right: op('sync', 'lagP99Ms'),
      factor: 0.1,
      whenItFails:
        "sync's loop sleeps through every call, so its lag is whole requests long. async's " +
        'loop only runs short callbacks; it lags only when the process waits for a core.',
    },
    {
      text: "the bystander's /ping p99 with async is under a quarter of what it is with sync",
      left: op('async', 'pingP99Ms'),
      op: '<',
      right: op('sync', 'pingP99Ms'),
      factor: 0.25,
      whenItFails:
        '/ping waits only for the loop to be free. If it was slow with async too, the server ' +
        'or the bystander client was starved of CPU: the machine was busier than the server.',
    },
    {
      text: "a new connection per call costs the server CPU: no-keepalive's CPU per request is at least 1.2× parallel's",
      // Per request, in CPU time: the loop's utilisation is a share of the wall clock, which on a
      // busy machine also counts callbacks waiting for a core (both variants' rise toward 1), and
      // a total, which no-keepalive's fewer requests shrink.
      left: op('no-keepalive', 'cpuPerRequestMs'),
      op: '>',
      right: op('parallel', 'cpuPerRequestMs'),
      factor: 1.2,
      whenItFails:
        'Each new connection costs a TCP handshake, a socket to set up and one to close, on ' +
        'the server and on the upstream; on loopback that is cheap, and on a fast machine with ' +
        'idle cores it can hide in the noise of a short run. Across a real network it also ' +
        'costs a round trip (and a TLS handshake) per call, which loopback cannot show.',
    },
  ],
  exercise: {
    task:
      'The handler awaits its three calls to the upstream one after another, so every request ' +
      'waits three times. Make the three calls together, and answer exactly as before.',
    hint:
      'Start all three calls first, then await them together: `await Promise.all([call(a), ' +
      'call(b), call(c)])`. `Promise.all([await call(a), await call(b), await call(c)])` still ' +
      'waits for each call before it starts the next.',
  },
  verify: {
    params: { latency: LATENCY_MS },
    // The one-after-another handler: the learner's must answer like it, only faster.
    reference: 'async',
    // A second's window tells 1 × from 3 × the latency with hundreds of requests to spare.
    bench: { durationSec: 1 },
    // The calls are the work: a handler that skips them, or answers from memory, is fast too.
    work: { kind: 'calls', calls: 3, param: 'latency' },
    criteria: [
      {
        text: 'your handler had at least 2× the calls out at once that the one-after-another reference had, as the upstream counted them',
        left: verified(EXERCISE_VARIANT, 'upstreamMaxInFlight'),
        op: '>',
        right: verified('async', 'upstreamMaxInFlight'),
        factor: 2,
        hint: 'Your calls still go out one at a time per request: start all three before you await any of them. Two together and one after is not enough.',
      },
      {
        text: "your handler's median latency is under three quarters of the one-after-another reference's",
        left: verified(EXERCISE_VARIANT, 'latencyP50Ms'),
        op: '<',
        right: verified('async', 'latencyP50Ms'),
        factor: 0.75,
        hint: 'Your requests still wait for one call after another: start all three calls before you await any of them, and check nothing blocks the loop meanwhile.',
      },
    ],
  },
});
