/**
 * Verifying a learner's handler: it must answer exactly like the lesson's reference variant,
 * and, under the same load, keep the event loop and the bystander `/ping` as fast as the
 * lesson's criteria demand, relative to the blocking reference measured in the same session,
 * so that the bar moves with the machine's speed.
 */
import { randomInt } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { blockerText, heldBy } from '../../bench/report/stalls.ts';
import type { BenchOptions, Report } from '../../bench/report/types.ts';
import {
  ANSWER_TIMEOUT_MS,
  type Answer,
  AnswerTimeoutError,
  describeRequest,
  fetchAnswer,
  openAnswerer,
  sameAnswer,
} from '../../bench/run/answer.ts';
import { type BenchHooks, runBench } from '../../bench/run/benchmark.ts';
import { STALL_THRESHOLD_MS } from '../../bench/run/options.ts';
import { type ServerHandle, startServer } from '../../bench/run/process/child.ts';
import type { SweepSettings, SweepTarget } from '../../bench/run/sweep.ts';
import type { SweepReport, SweepStep } from '../../bench/sweep/types.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import {
  normalizeRequest,
  type OutgoingRequest,
  scenarioRequests,
} from '../../scenarios/request.ts';
import type { RequestSpec } from '../../scenarios/types.ts';
import { describeComparison, evaluateCheck, firstOf, type Lookup, lookupIn } from './claims.ts';
import { measurementParams } from './measure.ts';
import { sweepVariants } from './measure-sweep.ts';
import { sweepLookupIn } from './sweep.ts';
import { EXERCISE_VARIANT, type Lesson } from './types.ts';
import {
  offLoopCheck,
  type RepeatAnswers,
  TIMED_ANSWERS,
  type UnseenAnswers,
  type VerifyCheck,
  type WorkInputs,
  workChecks,
} from './work.ts';

/**
 * verify's own defaults: two interleaved runs each, short enough to wait for, and stall capture
 * on, so that a handler that still blocks is told where.
 */
export const VERIFY_OPTIONS: Partial<BenchOptions> = {
  durationSec: 2,
  warmupSec: 0.5,
  runs: 2,
  stallThresholdMs: STALL_THRESHOLD_MS,
};

export interface EquivalenceResult {
  same: boolean;
  /** The request the answers below answered: the first that differed, else the first. */
  request: string;
  reference: Answer;
  exercise: Answer;
}

export interface VerifyResult {
  file: string;
  passed: boolean;
  equivalence: EquivalenceResult;
  /** Empty when the responses differed: no point loading a handler that answers wrongly. */
  criteria: VerifyCheck[];
  /**
   * When a check failed and the learner's loop stalled: the code that held it, from the stall
   * watchdog (`pbkdf2Sync, called from handle (looplab-exercises/the-threadpool.ts:21)`).
   */
  heldBy: { text: string; share: number } | null;
  report: Report | null;
  /** The open-model sweep of the learner's handlers, for a lesson whose verify has one; else null. */
  sweep: SweepReport | null;
}

/**
 * What held the exercise's loop longest, when it stalled; null when nothing was sampled, or a
 * busy machine, not the learner's code, held it most.
 */
export function exerciseHeldBy(
  report: Report,
  variant: string = EXERCISE_VARIANT,
): VerifyResult['heldBy'] {
  const h = heldBy(report.results.find((r) => r.variant === variant)?.stalls);
  return h?.by === 'code' ? { text: blockerText(h.stack.frames), share: h.stack.share } : null;
}

/** How long a server whose connection broke may take to be seen gone. */
const CRASH_WAIT_MS = 1000;
/** How long `/ping` may take to tell a handler that never settles from a loop that is held. */
const PING_WAIT_MS = 1000;

/** `http://127.0.0.1:port/` → `http://127.0.0.1:port`: requests carry their own path. */
const origin = (url: string) => url.replace(/\/$/, '');

/** @throws {LooplabError} LOOPLAB_ERR_NO_SUCH_FILE when `file` is missing or not a file. */
export async function assertExerciseFile(file: string): Promise<string> {
  const path = resolve(file);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new LooplabError(
      ERROR_CODES.NO_SUCH_FILE,
      `${file} ${info ? 'is not a file' : 'does not exist'}; create it with: looplab lesson <n> --exercise`,
    );
  }
  return path;
}

/** The fastest of `count` answers to `request`, asked one at a time, in ms. */
async function fastestAnswer(
  origin: string,
  request: OutgoingRequest,
  count: number,
  timeoutMs: number,
): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await fetchAnswer(origin, request, timeoutMs);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/** What the learner's server's failure to answer `request` means, as an error to throw. */
type ExerciseFault = (err: unknown, request: OutgoingRequest) => Promise<unknown>;

/** Sends each request to both servers in turn, timing every answer, and compares them. */
async function answerUnseen(
  requests: readonly OutgoingRequest[],
  reference: string,
  exercise: string,
  timeoutMs: number,
  fault: ExerciseFault,
): Promise<UnseenAnswers> {
  let exerciseSlowestMs = 0;
  let referenceSlowestMs = 0;
  let differs: UnseenAnswers['differs'] = null;
  const timed = async (origin: string, request: OutgoingRequest) => {
    const started = performance.now();
    const answer = await fetchAnswer(origin, request, timeoutMs);
    return { answer, ms: performance.now() - started };
  };
  for (const request of requests) {
    const ref = await timed(reference, request);
    // Once: a second answer to the same input could come from a cache the first one filled.
    const ex = await timed(exercise, request).catch(async (err: unknown) => {
      throw await fault(err, request);
    });
    referenceSlowestMs = Math.max(referenceSlowestMs, ref.ms);
    exerciseSlowestMs = Math.max(exerciseSlowestMs, ex.ms);
    if (!differs && !sameAnswer(ref.answer, ex.answer)) {
      const show = (a: Answer) => `${a.status} ${a.bodyStart}`;
      differs = {
        request: describeRequest(request),
        reference: show(ref.answer),
        exercise: show(ex.answer),
      };
    }
  }
  return { count: requests.length, differs, exerciseSlowestMs, referenceSlowestMs };
}

/** Times answers to `requests` from the learner's server and from a reference server of its own. */
async function timeUnseen(
  lesson: Lesson,
  requests: readonly RequestSpec[],
  exerciseUrl: string,
  timeoutMs: number,
  fault: ExerciseFault,
): Promise<UnseenAnswers> {
  const reference = await startServer({ ...serverBase(lesson), variant: lesson.verify.reference });
  try {
    return await answerUnseen(
      requests.map(normalizeRequest),
      origin(reference.url),
      origin(exerciseUrl),
      timeoutMs,
      fault,
    );
  } finally {
    await reference.stop();
  }
}

/**
 * Asks the learner's server and a reference server of its own for `request` again, in turn,
 * `TIMED_ANSWERS` times each, after one answer each that fills any cache: a handler that did the
 * work once and remembers it answers the repeats at once, where the work takes its time.
 */
async function timeRepeat(
  lesson: Lesson,
  request: OutgoingRequest,
  exercise: (r: OutgoingRequest) => Promise<unknown>,
  timeoutMs: number,
): Promise<RepeatAnswers> {
  const server = await startServer({ ...serverBase(lesson), variant: lesson.verify.reference });
  try {
    const reference = await openAnswerer(origin(server.url), lesson.scenario.protocol, timeoutMs);
    try {
      const timed = async (ask: (r: OutgoingRequest) => Promise<unknown>) => {
        const started = performance.now();
        await ask(request);
        return performance.now() - started;
      };
      const ref = (r: OutgoingRequest) => reference.answer(r);
      await timed(ref);
      await timed(exercise);
      let exerciseFastestMs = Number.POSITIVE_INFINITY;
      let referenceFastestMs = Number.POSITIVE_INFINITY;
      for (let i = 0; i < TIMED_ANSWERS; i++) {
        referenceFastestMs = Math.min(referenceFastestMs, await timed(ref));
        exerciseFastestMs = Math.min(exerciseFastestMs, await timed(exercise));
      }
      return { request: describeRequest(request), exerciseFastestMs, referenceFastestMs };
    } finally {
      reference.close();
    }
  } finally {
    await server.stop();
  }
}

/** The largest of `requests` by its body, the first of them on a tie: the one a repeat times. */
const largest = (requests: readonly OutgoingRequest[]): OutgoingRequest =>
  requests.reduce((a, r) => (r.body.length > a.body.length ? r : a));

/** The server config of a lesson's verify, for the learner's file or the reference. */
const serverBase = (lesson: Lesson) => ({
  scenario: lesson.scenario.id,
  params: measurementParams(lesson, lesson.verify.params),
  port: 0,
  probe: false,
  timelineIntervalMs: 100,
});

/**
 * The reference variant's answer to each request the load sends, in order, from a server of its
 * own, over the scenario's protocol (a WebSocket room's answers are its broadcasts).
 */
export async function referenceAnswers(lesson: Lesson): Promise<Answer[]> {
  const base = serverBase(lesson);
  const reference = await startServer({ ...base, variant: lesson.verify.reference });
  try {
    const asker = await openAnswerer(origin(reference.url), lesson.scenario.protocol);
    try {
      const answers: Answer[] = [];
      for (const request of scenarioRequests(lesson.scenario, base.params))
        answers.push(await asker.answer(request));
      return answers;
    } finally {
      asker.close();
    }
  } finally {
    await reference.stop();
  }
}

/**
 * Serves the learner's file and compares its answers to every request the load will send with
 * the reference's (`reference`, when several files share them). Loading the file here, before
 * any load, is what turns a broken file into exit 2. With `timeAnswers`, it then takes what the
 * lesson's work check times one answer at a time: a few answers of the learner's handler (a
 * lesson whose work waits), or both handlers' answers to requests the load never sends (an
 * `unseen` lesson, against a reference server of its own: those answers are timed).
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_EXERCISE when the file throws on import or exports no
 *   handler, or its server crashes, or does not answer a request within `timeoutMs`.
 */
export async function checkEquivalence(
  lesson: Lesson,
  path: string,
  onLoaded?: () => void,
  timeAnswers = false,
  reference: () => Promise<Answer[]> = () => referenceAnswers(lesson),
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<
  EquivalenceResult & {
    fastestAnswerMs: number | null;
    unseen: UnseenAnswers | null;
    repeat: RepeatAnswers | null;
  }
> {
  const base = serverBase(lesson);
  const exercise = await startServer({ ...base, variant: EXERCISE_VARIANT, handlerFile: path });
  onLoaded?.();
  const fault: ExerciseFault = async (err, request) =>
    (await crashed(exercise, path, describeRequest(request))) ??
    (err instanceof AnswerTimeoutError
      ? await stuck(exercise, path, describeRequest(request), err.timeoutMs)
      : err);
  try {
    const references = await reference();
    const requests = scenarioRequests(lesson.scenario, base.params);
    const asker = await openAnswerer(
      origin(exercise.url),
      lesson.scenario.protocol,
      timeoutMs,
    ).catch(async (err: unknown) => {
      throw await fault(err, requests[0] as OutgoingRequest);
    });
    try {
      // Every request the load sends, twice: a handler that is right only on its first request
      // (a cold cache) is caught. The reference is a built-in variant: its answers do not change.
      const answers: EquivalenceResult[] = [];
      for (const [i, request] of [...requests, ...requests].entries()) {
        const ref = references[i % requests.length] as Answer;
        const ex = await asker.answer(request).catch(async (err: unknown) => {
          throw await fault(err, request);
        });
        answers.push({
          same: sameAnswer(ref, ex),
          request: describeRequest(request),
          reference: ref,
          exercise: ex,
        });
      }
      const shown = answers.find((a) => !a.same) ?? (answers[0] as EquivalenceResult);
      const work = lesson.verify.work;
      const timing = shown.same && timeAnswers;
      const first = requests[0] as OutgoingRequest;
      const fastestAnswerMs =
        timing && (work.kind === 'wait' || work.kind === 'calls')
          ? await fastestAnswer(origin(exercise.url), first, TIMED_ANSWERS, timeoutMs).catch(
              async (err: unknown) => {
                throw await fault(err, first);
              },
            )
          : null;
      const unseen =
        timing && work.kind === 'unseen'
          ? await timeUnseen(
              lesson,
              work.requests(base.params, randomInt(2 ** 31)),
              exercise.url,
              timeoutMs,
              fault,
            )
          : null;
      const repeat =
        timing && work.kind === 'repeat'
          ? await timeRepeat(
              lesson,
              largest(requests),
              (r) =>
                asker.answer(r).catch(async (err: unknown) => {
                  throw await fault(err, r);
                }),
              timeoutMs,
            )
          : null;
      return { ...shown, fastestAnswerMs, unseen, repeat };
    } finally {
      asker.close();
    }
  } finally {
    await exercise.stop();
  }
}

/**
 * Why the learner's server could not answer, when it is gone: its handler crashed it (an error
 * thrown in a callback of its own, outside the request). Null while it still runs.
 */
async function crashed(
  server: ServerHandle,
  path: string,
  request: string,
): Promise<LooplabError | null> {
  const exit = await Promise.race([server.exited, sleep(CRASH_WAIT_MS, null, { ref: false })]);
  if (!exit) return null;
  const how = exit.signal ?? `exit code ${exit.code}`;
  // The server's own line on what was thrown, when it wrote one; else the end of its stderr.
  const tail = server.tail();
  const uncaught = /looplab server: (uncaught .*)$/.exec(tail)?.[1];
  return new LooplabError(
    ERROR_CODES.BAD_EXERCISE,
    `${path} crashed its server while answering ${request} (${how})${uncaught ? `: ${uncaught}` : tail}; fix it and run verify again`,
  );
}

/**
 * Why the learner's server did not answer in time, told by its `/ping`: still answered, the
 * handler never settles (a promise it never resolves); silent too, the handler holds the loop.
 */
async function stuck(
  server: ServerHandle,
  path: string,
  request: string,
  timeoutMs: number,
): Promise<LooplabError> {
  const pings = await fetchAnswer(
    origin(server.url),
    normalizeRequest({ path: '/ping' }),
    PING_WAIT_MS,
  )
    .then((a) => a.status === 200)
    .catch(() => false);
  const why = pings
    ? 'though its server still answers /ping: the handler never settles (a promise that never resolves, a callback never called)'
    : 'and its server stopped answering /ping too: the handler holds the event loop (a loop that never ends?)';
  return new LooplabError(
    ERROR_CODES.BAD_EXERCISE,
    `${path} did not answer ${request} within ${timeoutMs / 1000} s, ${why}; fix it and run verify again (--timeout sets the wait)`,
  );
}

/** `fn` on each item, one after another, settled as Promise.allSettled settles them. */
async function inTurn<T, R>(items: readonly T[], fn: (x: T) => Promise<R>) {
  const out: PromiseSettledResult<R>[] = [];
  for (const x of items) {
    out.push(
      await fn(x).then(
        (value) => ({ status: 'fulfilled' as const, value }),
        (reason: unknown) => ({ status: 'rejected' as const, reason }),
      ),
    );
  }
  return out;
}

/** The built-in variant a `cpu` work check compares with, when it is not the reference. */
function against(lesson: Lesson): string[] {
  const work = lesson.verify.work;
  return work.kind === 'cpu' && work.against && work.against !== lesson.verify.reference
    ? [work.against]
    : [];
}

/** The variant the `i`th of several learner's files runs under: `exercise`, `exercise-2`, … */
const exerciseVariant = (i: number) =>
  i === 0 ? EXERCISE_VARIANT : `${EXERCISE_VARIANT}-${i + 1}`;

/**
 * Runs the whole verification of one file.
 *
 * @throws {LooplabError} for a missing file or one that cannot be served.
 */
export async function verifyExercise(
  lesson: Lesson,
  file: string,
  options: BenchOptions,
  hooks: VerifyHooks = {},
  sweepSettings: Partial<SweepSettings> = {},
): Promise<VerifyResult> {
  const [result] = await verifyExercises(lesson, [file], options, hooks, sweepSettings);
  return result as VerifyResult;
}

export type VerifyHooks = BenchHooks & {
  onLoaded?: () => void;
  onLoad?: () => void;
  /** The open-model sweep starts (a lesson whose verify has one), and each of its steps ends. */
  onSweep?: (ratesPerSec: readonly number[]) => void;
  onSweepStep?: (variant: SweepTarget, step: SweepStep) => void;
};

/**
 * Verifies several files against one measurement of the reference, interleaved with it run by
 * run: what `verifyExercise` does for one, for the price of one reference. A lesson with a
 * verify sweep then offers each file's handler its arrival rates, one open-model step each (not
 * the reference); `sweepSettings` shortens the steps (the tests).
 *
 * @throws {LooplabError} for a missing file or one that cannot be served.
 */
export async function verifyExercises(
  lesson: Lesson,
  files: readonly string[],
  options: BenchOptions,
  hooks: VerifyHooks = {},
  sweepSettings: Partial<SweepSettings> = {},
): Promise<VerifyResult[]> {
  const paths: string[] = [];
  for (const file of files) paths.push(await assertExerciseFile(file));
  // One server of the reference answers for every file, started once the first file loaded.
  let references: Promise<Answer[]> | undefined;
  const reference = () => {
    references ??= referenceAnswers(lesson);
    return references;
  };
  // Each file's answers, all at once: answers do not depend on timing, and the fastest of a
  // waiting handler's answers is still at least its wait. Not so for answers to unseen inputs,
  // which must be fast: timed while another file's server backtracks on the same cores, they
  // would time the machine; those files go one at a time, as do repeats, whose reference's time
  // must not be another file's work. Settled, all of them, before a failure
  // is thrown: no server is left starting behind it.
  const check = (path: string) =>
    checkEquivalence(lesson, path, hooks.onLoaded, true, reference, options.timeoutSec * 1000);
  const settled =
    lesson.verify.work.kind === 'unseen' || lesson.verify.work.kind === 'repeat'
      ? await inTurn(paths, check)
      : await Promise.allSettled(paths.map(check));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const checked = settled.map(
    (s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof checkEquivalence>>>).value,
  );

  const loaded = paths.flatMap((path, i) => (checked[i]?.same ? [path] : []));
  const variantOf = new Map(loaded.map((path, i) => [path, exerciseVariant(i)]));
  let report: Report | null = null;
  if (loaded.length > 0) {
    hooks.onLoad?.();
    report = await runBench(
      [
        {
          scenario: lesson.scenario,
          variants: [lesson.verify.reference, ...against(lesson), ...variantOf.values()],
          params: measurementParams(lesson, lesson.verify.params),
          handlerFiles: Object.fromEntries([...variantOf].map(([path, v]) => [v, path])),
        },
      ],
      options,
      hooks,
    );
  }
  const rates = lesson.verify.sweep?.ratesPerSec;
  let sweep: SweepReport | null = null;
  if (report && rates) {
    hooks.onSweep?.(rates);
    const { onSweepStep, signal } = hooks;
    sweep = await sweepVariants(
      lesson,
      {
        params: lesson.verify.params,
        // The learner's handlers alone: a blocking reference past its ceiling would drain its
        // backlog for tens of seconds a step, and its capacity (1000 / ms) is known without it.
        variants: [...variantOf.values()],
        ratesPerSec: rates,
        handlerFiles: Object.fromEntries([...variantOf].map(([path, v]) => [v, path])),
      },
      {
        ...(signal && { signal }),
        ...(onSweepStep && { onStep: (v, _run, step) => onSweepStep(v, step) }),
      },
      sweepSettings,
    );
  }

  return files.map((file, i) => {
    const { fastestAnswerMs, unseen, repeat, ...equivalence } = checked[i] as Awaited<
      ReturnType<typeof checkEquivalence>
    >;
    const variant = variantOf.get(paths[i] as string);
    if (!report || !variant)
      return {
        file,
        passed: false,
        equivalence,
        criteria: [],
        heldBy: null,
        report: null,
        sweep: null,
      };
    const criteria = judge(lesson, report, sweep, variant, { fastestAnswerMs, unseen, repeat });
    const passed = criteria.every((c) => c.holds === true);
    return {
      file,
      passed,
      equivalence,
      criteria,
      heldBy: passed ? null : exerciseHeldBy(report, variant),
      report,
      sweep,
    };
  });
}

/** Every check of one learner's handler, measured as `variant` in the report. */
function judge(
  lesson: Lesson,
  report: Report,
  sweep: SweepReport | null,
  variant: string,
  timed: Pick<WorkInputs, 'fastestAnswerMs' | 'unseen' | 'repeat'>,
): VerifyCheck[] {
  // The criteria name the learner's handler `exercise`; here it ran as `variant`. A sweep's
  // figure is read from the sweep, a bench metric from the closed loop's report. Every step
  // counts: a step the generator sent late (a busy machine, send lag p99 over two intervals)
  // still offered the handler what arrived, and the criteria read what arrived, not the rate.
  const base = firstOf(
    lookupIn({ verify: report }),
    sweepLookupIn(sweep ? { verify: sweep } : {}, true),
  );
  const lookup: Lookup = (o) => base(o.variant === EXERCISE_VARIANT ? { ...o, variant } : o);
  const load = lesson.verify.criteria.map((c): VerifyCheck => {
    const r = evaluateCheck(c, lookup);
    const { check: _, ...rest } = r;
    return { ...rest, comparison: describeComparison(r), hint: c.hint };
  });
  const offLoop = offLoopCheck(lesson, report, variant);
  const params = measurementParams(lesson, lesson.verify.params);
  return [
    ...(offLoop ? [offLoop] : []),
    ...load,
    ...workChecks({ lesson, params, report, exercise: variant, ...timed }),
  ];
}
