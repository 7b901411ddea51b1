/**
 * Is the work still done, and where? verify's checks that need more than a metric's mean.
 *
 * A handler that answers at once, or that did the work once and answers from memory, keeps the
 * event loop free too: every load criterion would pass it. So each lesson declares what its work
 * is (types.ts, `Work`), and verify checks that every request still pays for it:
 *
 * - waiting: each request takes at least the wait, timed one at a time by the harness and, under
 *   load, by Little's law (connections × window ÷ requests completed: the mean time a request
 *   spent in a closed loop). A timer never fires more than a millisecond early (libuv counts
 *   whole milliseconds), within the checks' margin, so a handler that waits always passes.
 * - computing: the CPU time of the whole process (loop, threadpool and worker threads) per
 *   request (or per MiB answered), against the reference's in the same session. It is measured in
 *   the load window, after the warm-up, so an answer cached at load or on the first request shows
 *   as a cost that collapsed.
 * - work the fix makes cheap (a regular expression rewritten): answers to inputs the load never
 *   sent, timed one at a time by the harness against the reference's. A cache, or a special case
 *   for the inputs it was sent, meets them unprepared.
 * - writing: the bytes each request adds to the scenario's own output (a log), against the
 *   reference's.
 * - calling an upstream: the calls per request the upstream counted itself in the window (its
 *   window opens when the server is idle, so an honest handler shows its calls or a little
 *   more, never fewer), and, as for waiting, the wait of one call at least.
 *
 * And, where the fix moves the work off the loop, the loop thread's own CPU time per request
 * against the reference's: CPU time is not moved by a busy machine, where a loop that waits for
 * a core looks blocked to every timing.
 *
 * Pure: the numbers come in as a report and one timing.
 */

import type { Report } from '../../bench/report/types.ts';
import { formatNumber, round } from '../../core/numbers.ts';
import type { Params } from '../../scenarios/types.ts';
import { fraction, type Lesson } from './types.ts';

/** One of verify's checks, evaluated: what it says, the numbers, and what to do if it failed. */
export interface VerifyCheck {
  text: string;
  /** null when a number was not measured: then it did not pass. */
  holds: boolean | null;
  left: number | null;
  right: number | null;
  /** The bound `left` had to be over (or under). */
  limit: number | null;
  /** The comparison with its numbers, one line. */
  comparison: string;
  hint: string;
}

/** A timer may fire up to a millisecond before its nominal time on a ms clock: allow 10%. */
export const WAIT_FACTOR = 0.9;

/**
 * An honest handler's calls per request are never under its calls (see above); 5% spares a
 * rounding or a retry-free hiccup, and still fails a handler that skips one call in three.
 */
export const CALLS_FACTOR = 0.95;

/** How many answers verify times one at a time, before any load. */
export const TIMED_ANSWERS = 5;

interface Totals {
  requests: number;
  /** Calls the upstream counted, over the runs that had one; null when a run had none. */
  upstreamCalls: number | null;
  /** connections × window, summed over the completed runs: ms of request time on offer. */
  connectionMs: number;
  cpuMs: number | null;
  loopCpuMs: number | null;
  /** MiB answered in the load windows. */
  mebibytes: number;
  /** Bytes written to the scenario's own output; null when a run did not say. */
  outputBytes: number | null;
}

const sum = (xs: (number | null | undefined)[]): number | null =>
  xs.some((x) => x === null || x === undefined)
    ? null
    : xs.reduce<number>((a, x) => a + (x ?? 0), 0);

/** Totals over a variant's completed runs in the report. */
export function variantTotals(report: Report, variant: string): Totals | null {
  const entry = report.results.find((r) => r.variant === variant);
  const runs = (entry?.runs ?? []).filter((r) => r.state === 'completed');
  if (runs.length === 0) return null;
  return {
    requests: runs.reduce((a, r) => a + r.requestsTotal, 0),
    upstreamCalls: sum(runs.map((r) => r.upstream?.calls)),
    connectionMs: runs.reduce((a, r) => a + report.options.connections * r.windowMs, 0),
    cpuMs: sum(runs.map((r) => (r.cpuUserMs === null ? null : r.cpuUserMs + (r.cpuSystemMs ?? 0)))),
    loopCpuMs: sum(runs.map((r) => r.loopCpuMs)),
    mebibytes: runs.reduce((a, r) => a + ((r.bytesPerSec ?? 0) * r.windowMs) / 1000 / MiB, 0),
    // Over the load's window, as the requests are: the probe's window can be a little shorter
    // (2,000 ms against 2,153 here), and the lines written meanwhile would seem missing.
    outputBytes: sum(
      runs.map((r) =>
        r.outputBytes === undefined || !r.serverWindowMs
          ? null
          : (r.outputBytes * r.windowMs) / r.serverWindowMs,
      ),
    ),
  };
}

const perRequest = (t: Totals | null, x: (t: Totals) => number | null): number | null => {
  if (!t || t.requests === 0) return null;
  const v = x(t);
  return v === null ? null : v / t.requests;
};

const perMebibyte = (t: Totals | null, x: (t: Totals) => number | null): number | null => {
  if (!t || t.mebibytes === 0) return null;
  const v = x(t);
  return v === null ? null : v / t.mebibytes;
};

const MiB = 1024 * 1024;
const ms = (x: number | null) => (x === null ? 'not measured' : `${formatNumber(x)} ms`);
const bytes = (x: number | null) => (x === null ? 'not measured' : `${formatNumber(x)} bytes`);

/** What verify measured of a lesson's `unseen` requests, answered one at a time before the load. */
export interface UnseenAnswers {
  count: number;
  /** The first request the two answered differently, with the start of each answer; null if none. */
  differs: { request: string; reference: string; exercise: string } | null;
  exerciseSlowestMs: number;
  referenceSlowestMs: number;
}

/** What one unit of the work is called: a request, or a WebSocket scenario's message. */
const unitOfWork = (lesson: Lesson): string =>
  lesson.scenario.protocol === 'websocket' ? 'message' : 'request';

/**
 * What verify timed of a `repeat` lesson: the load's largest request asked again of each server,
 * one at a time before the load, the fastest of each.
 */
export interface RepeatAnswers {
  request: string;
  exerciseFastestMs: number;
  referenceFastestMs: number;
}

export interface WorkInputs {
  lesson: Lesson;
  /** The parameters both handlers ran with. */
  params: Params;
  report: Report;
  /** The variant the learner's handler ran under in `report`. */
  exercise: string;
  /** The fastest of the answers timed one at a time before the load; null if none was timed. */
  fastestAnswerMs: number | null;
  /** The answers to the lesson's unseen requests; null when it has none, or they were not sent. */
  unseen?: UnseenAnswers | null;
  /** The answers to the largest request asked again; null when the lesson's work is not `repeat`. */
  repeat?: RepeatAnswers | null;
}

/** Every check that the work is still done on every request: for `calls`, the wait, then the calls. */
export function workChecks(inputs: WorkInputs): VerifyCheck[] {
  const work = inputs.lesson.verify.work;
  return work.kind === 'calls'
    ? [waitCheck(inputs, work.param, 'one call'), callsCheck(inputs, work.calls, work.param)]
    : [workCheck(inputs)];
}

/** The check that the work is still done on every request (for `calls`, that the calls are). */
export function workCheck(inputs: WorkInputs): VerifyCheck {
  const work = inputs.lesson.verify.work;
  if (work.kind === 'wait') return waitCheck(inputs, work.param);
  if (work.kind === 'calls') return callsCheck(inputs, work.calls, work.param);
  const { lesson, report, exercise, unseen = null } = inputs;
  const mine = variantTotals(report, exercise);
  const reference = lesson.verify.reference;
  if (work.kind === 'unseen') return unseenCheck(work, unseen);
  if (work.kind === 'repeat') return repeatCheck(work, inputs.repeat ?? null, unitOfWork(lesson));
  if (work.kind === 'output') {
    const left = perRequest(mine, (t) => t.outputBytes);
    const right = perRequest(variantTotals(report, reference), (t) => t.outputBytes);
    const limit = right === null ? null : right * work.factor;
    return {
      text: `every request still ${work.task}: it writes at least ${fraction(work.factor)} of the bytes the reference's requests write`,
      holds: left === null || limit === null ? null : left > limit,
      left,
      right,
      limit,
      comparison: `written per request ${bytes(left)} > ${reference}'s ${bytes(right)} × ${work.factor} = ${bytes(limit)}`,
      hint:
        `your handler wrote ${bytes(left)} per request where the reference wrote ${bytes(right)}: ` +
        `it no longer ${work.task} on every request. Write it before you answer; only move the ` +
        'writing off the event loop.',
    };
  }
  const against = work.against ?? reference;
  const perMiB = work.per === 'mebibyte';
  const cost = (t: Totals | null) =>
    perMiB ? perMebibyte(t, (x) => x.cpuMs) : perRequest(t, (x) => x.cpuMs);
  const one = unitOfWork(lesson);
  const unit = perMiB ? 'per MiB answered' : `per ${one}`;
  const whose = against === reference ? 'the reference' : against;
  const left = cost(mine);
  const right = cost(variantTotals(report, against));
  const limit = right === null ? null : right * work.factor;
  return {
    text: `every ${one} still ${work.task}: its CPU time ${perMiB ? `${unit} ` : ''}is at least ${fraction(work.factor)} of ${whose}'s`,
    holds: left === null || limit === null ? null : left > limit,
    left,
    right,
    limit,
    comparison: `CPU ${unit} ${ms(left)} > ${against}'s ${ms(right)} × ${work.factor} = ${ms(limit)}`,
    hint:
      `your handler used ${ms(left)} of CPU ${unit} where ${whose} used ${ms(right)}: ` +
      `it no longer ${work.task} on every ${one} (it skips the work, or did it once and answers ` +
      `from memory). Do the work on every ${one}; only move it off the event loop.`,
  };
}

/** The check on answers to inputs the load never sent: the same answers, and no slower than a fraction of the reference's. */
function unseenCheck(
  work: Extract<Lesson['verify']['work'], { kind: 'unseen' }>,
  unseen: UnseenAnswers | null,
): VerifyCheck {
  const left = unseen?.exerciseSlowestMs ?? null;
  const right = unseen?.referenceSlowestMs ?? null;
  const limit = right === null ? null : right * work.factor;
  const text = `every request still ${work.task}: on ${unseen?.count ?? 'several'} inputs the load never sent, it answers as the reference does, in under ${fraction(work.factor)} of its time`;
  const differs = unseen?.differs;
  if (differs) {
    return {
      text,
      holds: false,
      left,
      right,
      limit,
      comparison: `to ${differs.request}: the reference answered ${differs.reference}; yours ${differs.exercise}`,
      hint:
        'your handler answered an input the load never sent differently from the reference: ' +
        `it no longer ${work.task} as the reference does; a table of ` +
        'remembered answers, or a special case, covers only the inputs it was written for.',
    };
  }
  return {
    text,
    holds: left === null || limit === null ? null : left < limit,
    left,
    right,
    limit,
    comparison: `slowest answer ${ms(left)} < the reference's slowest ${ms(right)} × ${work.factor} = ${ms(limit)}`,
    hint:
      `your handler took ${ms(left)} to answer an input the load never sent, where the reference ` +
      `took ${ms(right)}: new inputs are still slow. If the load's inputs are quick, it no longer ` +
      `${work.task} on every input: answers remembered, or a special case for the inputs the ` +
      'load sends, do not cover new ones. Fix the work itself.',
  };
}

/** The check on a repeat of the largest request: no quicker than a fraction of the reference's. */
function repeatCheck(
  work: Extract<Lesson['verify']['work'], { kind: 'repeat' }>,
  repeat: RepeatAnswers | null,
  one: string,
): VerifyCheck {
  const left = repeat?.exerciseFastestMs ?? null;
  const right = repeat?.referenceFastestMs ?? null;
  const limit = right === null ? null : right * work.factor;
  const asked = repeat ? repeat.request : `the largest ${one}`;
  return {
    text: `every ${one} still ${work.task}: the largest, sent again, takes at least ${fraction(work.factor)} of the reference's time`,
    holds: left === null || limit === null ? null : left >= limit,
    left,
    right,
    limit,
    comparison: `fastest of ${TIMED_ANSWERS} answers to ${asked} again ${ms(left)} ≥ the reference's ${ms(right)} × ${work.factor} = ${ms(limit)}`,
    hint:
      `your handler answered the largest ${one} again in ${ms(left)} where the reference took ` +
      `${ms(right)}: it no longer ${work.task} on every ${one} (it did it once and answers from ` +
      `memory). Do the work on every ${one}; only move it off the event loop.`,
  };
}

/** `of`: whose wait it is (`one call`), when it is not the exercise's own. */
function waitCheck(
  { params, report, exercise, fastestAnswerMs }: WorkInputs,
  param: string,
  of?: string,
): VerifyCheck {
  const mine = variantTotals(report, exercise);
  const waitMs = params[param];
  const underLoad = perRequest(mine, (t) => t.connectionMs);
  const limit = waitMs === undefined ? null : waitMs * WAIT_FACTOR;
  const left =
    fastestAnswerMs === null || underLoad === null ? null : Math.min(fastestAnswerMs, underLoad);
  const rate =
    mine && mine.connectionMs > 0
      ? (mine.requests * 1000 * report.options.connections) / mine.connectionMs
      : null;
  const wait = of
    ? `${of}'s ${ms(waitMs ?? null)}`
    : `the ${ms(waitMs ?? null)} the exercise asks for`;
  return {
    text: `every request still waits ${of ? 'at least ' : ''}${wait}`,
    holds: left === null || limit === null ? null : left >= limit,
    left,
    right: waitMs ?? null,
    limit,
    comparison:
      `fastest of ${TIMED_ANSWERS} answers ${ms(fastestAnswerMs)}; under load ${ms(underLoad)} ` +
      `per request (${report.options.connections} connections ÷ ${rate === null ? '–' : formatNumber(rate)} req/s); ` +
      `both ≥ ${ms(waitMs ?? null)} × ${WAIT_FACTOR} = ${ms(limit)}`,
    hint:
      `your handler answered in ${ms(left)}: it no longer waits ${wait}. ` +
      (of
        ? 'Make the calls and wait for their answers; only make them together.'
        : 'Keep the wait; only stop holding the event loop while you wait.'),
  };
}

function callsCheck(
  { params, report, exercise }: WorkInputs,
  calls: number,
  param: string,
): VerifyCheck {
  const mine = variantTotals(report, exercise);
  const left = perRequest(mine, (t) => t.upstreamCalls);
  const limit = round(calls * CALLS_FACTOR);
  const counted =
    mine?.upstreamCalls == null
      ? 'no upstream counted them'
      : `${mine.upstreamCalls.toLocaleString('en-US')} calls ÷ ${mine.requests.toLocaleString('en-US')} requests`;
  const per = left === null ? 'not counted' : formatNumber(left);
  return {
    text: `every request still makes its ${calls} calls to the upstream, as the upstream counted them`,
    holds: left === null ? null : left >= limit,
    left,
    right: calls,
    limit,
    comparison: `calls per request ${per} (${counted}) ≥ ${calls} × ${CALLS_FACTOR} = ${formatNumber(limit)}`,
    hint:
      `your handler made ${per} calls to the upstream per request where each request needs ` +
      `${calls}, of ${ms(params[param] ?? null)} each: it no longer calls the upstream on every ` +
      'request (it skips the calls, or answers from memory). Make every call; only make them together.',
  };
}

/**
 * Where the loop thread's CPU time cannot be read (Node 20 off Linux), its lag p99 stands in, as
 * verify judged before: a noisier witness on a busy machine, so the looser bound.
 */
export const LAG_STAND_IN_FACTOR = 0.5;

/** The check that the work left the loop's thread, for a lesson that declares `offLoop`. */
export function offLoopCheck(lesson: Lesson, report: Report, exercise: string): VerifyCheck | null {
  const off = lesson.verify.offLoop;
  if (!off) return null;
  const reference = lesson.verify.reference;
  const mine = variantTotals(report, exercise);
  const theirs = variantTotals(report, reference);
  const unreadable = (t: Totals | null) => t !== null && t.loopCpuMs === null;
  if (unreadable(mine) || unreadable(theirs)) {
    const lag = (v: string) =>
      report.results.find((r) => r.variant === v)?.summary.lagP99Ms.mean ?? null;
    const [left, right] = [lag(exercise), lag(reference)];
    const limit = right === null ? null : right * LAG_STAND_IN_FACTOR;
    return {
      text: `the work left the event loop: its loop lag p99 is under ${fraction(LAG_STAND_IN_FACTOR)} of the reference's (this platform cannot read the loop thread's CPU time)`,
      holds: left === null || limit === null ? null : left < limit,
      left,
      right,
      limit,
      comparison: `loop lag p99 ${ms(left)} < ${reference}'s ${ms(right)} × ${LAG_STAND_IN_FACTOR} = ${ms(limit)}`,
      hint: off.hint,
    };
  }
  const one = unitOfWork(lesson);
  if (off.of === 'own') {
    const left = mine && mine.loopCpuMs !== null && mine.cpuMs ? mine.loopCpuMs / mine.cpuMs : null;
    const loop = perRequest(mine, (t) => t.loopCpuMs);
    const all = perRequest(mine, (t) => t.cpuMs);
    return {
      text: `the work left the event loop's thread: under ${Math.round(off.factor * 100)}% of your server's CPU time ran on it`,
      holds: left === null ? null : left < off.factor,
      left,
      right: 1,
      limit: off.factor,
      comparison: `on the loop's thread ${left === null ? 'not measured' : formatNumber(left)} of the CPU (${ms(loop)} of ${ms(all)} per ${one}) < ${off.factor}`,
      hint: off.hint,
    };
  }
  const left = perRequest(mine, (t) => t.loopCpuMs);
  const right = perRequest(theirs, (t) => t.loopCpuMs);
  const limit = right === null ? null : right * off.factor;
  return {
    text: `the work left the event loop's thread: its CPU time per ${one} on the loop is under ${fraction(off.factor)} of the reference's`,
    holds: left === null || limit === null ? null : left < limit,
    left,
    right,
    limit,
    comparison: `loop-thread CPU per ${one} ${ms(left)} < ${reference}'s ${ms(right)} × ${off.factor} = ${ms(limit)}`,
    hint: off.hint,
  };
}
