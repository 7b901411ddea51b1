/**
 * Verifying a learner's handler: it must answer exactly like the lesson's reference variant,
 * and, under the same load, keep the event loop and the bystander `/ping` as fast as the
 * lesson's criteria demand, relative to the blocking reference measured in the same session,
 * so that the bar moves with the machine's speed.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BenchOptions, Report } from '../../bench/report/types.ts';
import { type Answer, describeRequest, fetchAnswer, sameAnswer } from '../../bench/run/answer.ts';
import { type BenchHooks, runBench } from '../../bench/run/benchmark.ts';
import { startServer } from '../../bench/run/child.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { scenarioRequests } from '../../scenarios/request.ts';
import { type CheckResult, evaluateCheck, lookupIn } from './claims.ts';
import { measurementParams } from './measure.ts';
import { EXERCISE_VARIANT, type Lesson } from './types.ts';

/** verify's own defaults: two interleaved runs each, short enough to wait for. */
export const VERIFY_OPTIONS: Partial<BenchOptions> = { durationSec: 2, warmupSec: 0.5, runs: 2 };

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
  criteria: (CheckResult & { hint: string })[];
  report: Report | null;
}

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

/**
 * Serves the learner's file and the reference, and compares their answers to every request the
 * load will send.
 * Loading the file here, before any load, is what turns a broken file into exit 2.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_EXERCISE when the file throws on import or exports no
 *   handler.
 */
export async function checkEquivalence(
  lesson: Lesson,
  path: string,
  onLoaded?: () => void,
): Promise<EquivalenceResult> {
  const base = {
    scenario: lesson.scenario.id,
    params: measurementParams(lesson, lesson.verify.params),
    port: 0,
    probe: false,
    timelineIntervalMs: 100,
  };
  const exercise = await startServer({ ...base, variant: EXERCISE_VARIANT, handlerFile: path });
  onLoaded?.();
  try {
    const reference = await startServer({ ...base, variant: lesson.verify.reference });
    try {
      // Every request the load sends, twice: a handler that is right only on its first request
      // (a cold cache) is caught.
      const requests = scenarioRequests(lesson.scenario, base.params);
      const answers: EquivalenceResult[] = [];
      for (const request of [...requests, ...requests]) {
        const ref = await fetchAnswer(origin(reference.url), request);
        const ex = await fetchAnswer(origin(exercise.url), request);
        answers.push({
          same: sameAnswer(ref, ex),
          request: describeRequest(request),
          reference: ref,
          exercise: ex,
        });
      }
      return answers.find((a) => !a.same) ?? (answers[0] as EquivalenceResult);
    } finally {
      await reference.stop();
    }
  } finally {
    await exercise.stop();
  }
}

/**
 * Runs the whole verification.
 *
 * @throws {LooplabError} for a missing file or one that cannot be served.
 */
export async function verifyExercise(
  lesson: Lesson,
  file: string,
  options: BenchOptions,
  hooks: BenchHooks & { onLoaded?: () => void; onLoad?: () => void } = {},
): Promise<VerifyResult> {
  const path = await assertExerciseFile(file);
  const equivalence = await checkEquivalence(lesson, path, hooks.onLoaded);
  if (!equivalence.same) return { file, passed: false, equivalence, criteria: [], report: null };

  hooks.onLoad?.();
  const report = await runBench(
    [
      {
        scenario: lesson.scenario,
        variants: [lesson.verify.reference, EXERCISE_VARIANT],
        params: measurementParams(lesson, lesson.verify.params),
        handlerFiles: { [EXERCISE_VARIANT]: path },
      },
    ],
    options,
    hooks,
  );
  const lookup = lookupIn({ verify: report });
  const criteria = lesson.verify.criteria.map((c) => ({
    ...evaluateCheck(c, lookup),
    hint: c.hint,
  }));
  return {
    file,
    passed: criteria.every((c) => c.holds === true),
    equivalence,
    criteria,
    report,
  };
}
