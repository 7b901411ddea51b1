/**
 * The open-model generator's books for one window, without a socket in sight (open-load-worker.ts
 * keeps the records, this turns them into a step's figures). Pure: the clock comes in as numbers.
 *
 * Every request due in the window is counted once, whatever became of it:
 * - answered: timed from when it was due (corrected for coordinated omission: a wait for a
 *   connection, or behind a frozen server, is part of it) and from when it was sent (uncorrected:
 *   the server's time, without the wait in the generator; not what a closed-loop tool reports,
 *   which sends fewer requests into a stall). An answer outside 2xx is an error, and still an answer.
 * - timed out: unanswered `timeoutMs` after it was sent. It counts at the timeout, never dropped:
 *   from its due time that is (sent − due) + timeout, from its send the timeout.
 * - never sent: it waited in the generator for a connection until `timeoutMs` after its due time.
 *   A timeout at the timeout (from due); it has no uncorrected time, as it never went out.
 * - failed with its connection (refused, reset): an error, in no latency.
 * - still out when the window was tallied without a settle: in `due` and `sent`, in no figure.
 *
 * Percentiles are by nearest rank on looplab's µs histogram (stats/histogram.ts), as every other
 * latency in a report.
 */

import type { LoadResult } from '../../report/types.ts';
import { slope } from '../../stats/descriptive.ts';
import { LatencyHistogram } from '../../stats/histogram.ts';
import type { LatencyPercentiles, SweepStep } from '../../sweep/types.ts';

export type OpenOutcome = 'answered' | 'error' | 'timeout';

/** One request of a window, on the generator's clock (performance.now(), ms). */
export interface OpenRecord {
  dueMs: number;
  /** When it went out; null: never sent. */
  sentMs: number | null;
  /** When its whole answer was in, or it failed or timed out; null: still out. */
  doneMs: number | null;
  /** null: still out. */
  outcome: OpenOutcome | null;
  /** The answer's status; null without an answer. */
  status: number | null;
  /** The answer's body bytes. */
  bytes: number;
  /** When due, every connection up to the cap was busy: it waited in the generator's queue. */
  queued: boolean;
}

/** The step's load figures, as open-load.ts's `OpenWindow['step']`. */
export type OpenStep = Omit<
  SweepStep,
  'elu' | 'lagP99Ms' | 'pingP99Ms' | 'limitedBy' | 'limitedWhy'
>;

export interface OpenTallyInput {
  records: readonly OpenRecord[];
  offeredPerSec: number;
  /** The window, on the records' clock: requests due in [startMs, endMs) are its own. */
  startMs: number;
  endMs: number;
  timeoutMs: number;
  /** performance.timeOrigin of the clock, for the load's startEpochMs. */
  timeOriginMs: number;
  generator: { elu: number; connections: number; maxConnections: number };
}

export interface OpenTally {
  step: OpenStep;
  /** The run layer's LoadResult: its latency fields hold the CORRECTED figures. */
  load: LoadResult;
  /**
   * How late the requests that found a connection free went out (ms), p99: the generator's own
   * lag (its timers, its CPU), without the waits for a connection. null: none did.
   */
  freeSendLagP99Ms: number | null;
  /** Some request due in the window found every connection busy at the cap. */
  connectionsExhausted: boolean;
}

function percentiles(h: LatencyHistogram): LatencyPercentiles | null {
  if (h.count === 0) return null;
  const at = (p: number) => h.percentile(p) as number;
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: h.maxMs as number,
    min: h.minMs as number,
  };
}

/** The step's figures and the LoadResult from a window's records. */
export function tallyOpenWindow(input: OpenTallyInput): OpenTally {
  const { startMs, endMs, timeoutMs } = input;
  const corrected = new LatencyHistogram();
  const uncorrected = new LatencyHistogram();
  const sendLag = new LatencyHistogram();
  const freeSendLag = new LatencyHistogram();
  let due = 0;
  let sent = 0;
  let answered = 0;
  let answeredInWindow = 0;
  let bytesInWindow = 0;
  let socketErrors = 0;
  let non2xx = 0;
  let timeouts = 0;
  let exhausted = false;
  let lastAnswerMs: number | null = null;
  let answeredMaxMs = 0;
  for (const r of input.records) {
    if (r.dueMs < startMs || r.dueMs >= endMs) continue;
    due++;
    if (r.queued) exhausted = true;
    // Timed from its due time, or from its send if that was earlier (never, by the worker's
    // rule, but a negative wait must not make corrected less than uncorrected).
    const from = r.sentMs === null ? r.dueMs : Math.min(r.dueMs, r.sentMs);
    if (r.sentMs !== null) {
      sent++;
      const lag = r.sentMs - from;
      sendLag.record(lag);
      if (!r.queued) freeSendLag.record(lag);
    }
    // An answer later than the timeout is a timeout: undici's timers tick every ~0.5 s, so the
    // worker's abort can come that much after it.
    const late =
      r.outcome === 'answered' &&
      r.doneMs !== null &&
      r.sentMs !== null &&
      r.doneMs - r.sentMs > timeoutMs;
    if (r.outcome === 'answered' && !late && r.doneMs !== null && r.sentMs !== null) {
      answered++;
      const ms = r.doneMs - from;
      corrected.record(ms);
      uncorrected.record(r.doneMs - r.sentMs);
      answeredMaxMs = Math.max(answeredMaxMs, ms);
      if (r.status === null || r.status < 200 || r.status >= 300) non2xx++;
      if (r.doneMs <= endMs) {
        answeredInWindow++;
        bytesInWindow += r.bytes;
        lastAnswerMs = Math.max(lastAnswerMs ?? 0, r.doneMs - startMs);
      }
    } else if (r.outcome === 'timeout' || late) {
      timeouts++;
      if (r.sentMs === null) corrected.record(timeoutMs);
      else {
        corrected.record(r.sentMs - from + timeoutMs);
        uncorrected.record(timeoutMs);
      }
    } else if (r.outcome === 'error') socketErrors++;
  }
  const windowMs = endMs - startMs;
  const latencyMs = percentiles(corrected);
  const achievedPerSec = windowMs > 0 ? achievedRate(input.records, input, due) : null;
  // Nothing sent: no lag was measured, which is null, not 0.
  const lagOf = (h: LatencyHistogram, p: number) => (h.count === 0 ? null : h.percentile(p));
  const step: OpenStep = {
    offeredPerSec: input.offeredPerSec,
    arrivedPerSec: windowMs > 0 ? (due * 1000) / windowMs : input.offeredPerSec,
    achievedPerSec,
    due,
    sent,
    answered,
    latencyMs,
    uncorrectedLatencyMs: percentiles(uncorrected),
    errors: socketErrors + non2xx,
    timeouts,
    generator: {
      elu: input.generator.elu,
      sendLagP99Ms: lagOf(sendLag, 99),
      sendLagMaxMs: sendLag.count === 0 ? null : sendLag.maxMs,
      freeSendLagP99Ms: lagOf(freeSendLag, 99),
      connections: input.generator.connections,
      maxConnections: input.generator.maxConnections,
    },
  };
  const load: LoadResult = {
    elapsedMs: windowMs,
    startEpochMs: input.timeOriginMs + startMs,
    requestsTotal: answeredInWindow,
    requestsSent: sent,
    requestsAfterClose: answered - answeredInWindow,
    latencyResolutionMs: 0.001,
    bytesTotal: bytesInWindow,
    latencyP50Ms: latencyMs?.p50 ?? 0,
    latencyP90Ms: latencyMs?.p90 ?? 0,
    latencyP99Ms: latencyMs?.p99 ?? 0,
    latencyMaxMs: latencyMs?.max ?? 0,
    errors: socketErrors,
    timeouts,
    non2xx,
    ttfbMs: [],
    ...(lastAnswerMs !== null && { lastAnswerMs }),
    answeredMaxMs,
  };
  return {
    step,
    load,
    freeSendLagP99Ms: freeSendLag.count === 0 ? null : freeSendLag.percentile(99),
    connectionsExhausted: exhausted,
  };
}

/**
 * A paired slope over this is a queue building: the answers fall behind the arrivals. Under it
 * the server kept up, its answers each their due time plus a latency that does not grow.
 */
export const FALLING_BEHIND_SLOPE = 1.05;

/**
 * The rate the server answered at, per second: the requests that arrived in the window, times
 * the share of them answered in time, over how fast their answers came compared with how fast
 * they were due.
 *
 * How fast they came: while the server keeps up, the least-squares slope of each answer's time
 * on its own due time, 1 whatever the spread of the latencies. A count of the answers within the
 * window instead is biased low by that spread (a request due near its end is answered after
 * it): a route answering in 1 to 400 ms at 10/s counted 7 of 10 in a 1 s hold. Once a queue
 * builds (that slope over 1.05), the answers' times sorted against the due times sorted: a loop
 * serves its queued requests in no set order (whichever socket it reads first), and pairing each
 * answer with its own request's due time then flattened the slope, so that busy-wait's sync,
 * whose loop serves 50 a second, was said to answer 61 of the 66 that arrived. Sorted, the
 * answers come at the server's pace whatever their order.
 *
 * A slope under 1 (answers closing up on a backlog left before the window) is not a server
 * faster than its arrivals: the rate is what arrived. Fewer than 3 answers, or all due at once:
 * the answers in time over the window.
 */
export function achievedRate(
  records: readonly OpenRecord[],
  window: Pick<OpenTallyInput, 'startMs' | 'endMs' | 'timeoutMs'>,
  due: number,
): number {
  const { startMs, endMs, timeoutMs } = window;
  const windowMs = endMs - startMs;
  const points: [number, number][] = [];
  for (const r of records) {
    if (r.dueMs < startMs || r.dueMs >= endMs || r.outcome !== 'answered') continue;
    if (r.doneMs === null || r.sentMs === null || r.doneMs - r.sentMs > timeoutMs) continue;
    points.push([r.dueMs, r.doneMs]);
  }
  const n = points.length;
  const paired = n < 3 ? null : slope(points);
  if (paired === null) return (n * 1000) / windowMs;
  const dues = points.map(([x]) => x).sort((a, b) => a - b);
  const answers = points.map(([, y]) => y).sort((a, b) => a - b);
  const pace =
    paired > FALLING_BEHIND_SLOPE
      ? (slope(dues.map((x, i) => [x, answers[i] as number])) ?? paired)
      : paired;
  const arrivedPerSec = (due * 1000) / windowMs;
  return (arrivedPerSec * (n / due)) / Math.max(1, pace);
}

/** At or above this utilisation of its own thread, the generator is the bottleneck. */
export const GENERATOR_ELU_LIMIT = 0.9;

/**
 * How late a send on a free connection may go out before the generator counts as unable to hold
 * the rate: max(5 ms, 2 gaps). Measured (scripts/dev/open-load-ceiling.ts, 2 cores, quiet): on a
 * thread that keeps up, the send lag p99 is 1.8-3.2 ms from 1,000 to 12,000/s (the timer's 1 ms
 * grain, a GC pause); at 16,000/s, the thread half busy beside the server, it was 7.4 ms and the
 * latency p50 rose from ~1 to 17 ms. So 5 ms sits above the grain and below the first sign of
 * falling behind; 2 gaps because a sender behind by two arrivals no longer sends the offered
 * process. The ELU limit, 0.9, was not reached there (0.5-0.7 at 16,000-32,000/s, where the
 * server, on the same 2 cores, gave out first): it catches a thread starved of CPU outright.
 */
export function sendLagLimitMs(ratePerSec: number): number {
  return Math.max(5, 2000 / ratePerSec);
}

/** Under this utilisation, a generator's thread that sent late was waiting for a CPU. */
export const STARVED_ELU = 0.5;

/**
 * Why the generator itself could not send on time, in one sentence; null when it could. Waits for
 * a connection are not its lag: those are `connectionsExhausted`'s. A lag under two gaps that is
 * still most of a fast route's latency leaves the step's other figures good: the knee leaves its
 * latency unjudged instead (knee.ts, ownLag).
 */
export function generatorLimited(
  ratePerSec: number,
  elu: number,
  freeSendLagP99Ms: number | null,
): string | null {
  if (elu >= GENERATOR_ELU_LIMIT)
    return `the generator's thread was busy ${Math.round(elu * 100)}% of the step (at ${GENERATOR_ELU_LIMIT * 100}% or more it cannot send on time): lower the rate, or run the load from another machine`;
  const limit = sendLagLimitMs(ratePerSec);
  if (freeSendLagP99Ms !== null && freeSendLagP99Ms > limit) {
    const late = `the generator sent late (send lag p99 ${freeSendLagP99Ms.toFixed(1)} ms, over ${limit.toFixed(1)} ms) with connections free`;
    // A thread mostly idle that still sent late was not running when its sends were due: it
    // waited for a CPU the machine gave to other work.
    return elu < STARVED_ELU
      ? `${late}, its thread busy only ${Math.round(elu * 100)}% of the step: it waited for a CPU, which the machine gave to other work`
      : `${late}: its thread could not keep up with ${ratePerSec}/s`;
  }
  return null;
}
