/**
 * Verifying a learner's handler: it must answer exactly like the lesson's reference variant,
 * and, under the same load, keep the event loop and the bystander `/ping` as fast as the
 * lesson's criteria demand, relative to the blocking reference measured in the same session,
 * so that the bar moves with the machine's speed.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { blockerText, heldBy } from '../../bench/report/stalls.ts';
import type { BenchOptions, Report } from '../../bench/report/types.ts';
import { type BenchHooks, runBench } from '../../bench/run/benchmark.ts';
import { startServer } from '../../bench/run/child.ts';
import { STALL_THRESHOLD_MS } from '../../bench/run/options.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { type CheckResult, evaluateCheck, lookupIn } from './claims.ts';
import { measurementParams } from './measure.ts';
import { EXERCISE_VARIANT, type Lesson } from './types.ts';

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

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

export interface EquivalenceResult {
  same: boolean;
  reference: Answer;
  exercise: Answer;
}

export interface VerifyResult {
  file: string;
  passed: boolean;
  equivalence: EquivalenceResult;
  /** Empty when the responses differed: no point loading a handler that answers wrongly. */
  criteria: (CheckResult & { hint: string })[];
  /**
   * When a check failed and the learner's loop stalled: the code that held it, from the stall
   * watchdog (`pbkdf2Sync, called from handle (looplab-exercises/the-threadpool.ts:21)`).
   */
  heldBy: { text: string; share: number } | null;
  report: Report | null;
}

/**
 * What held the exercise's loop longest, when it stalled; null when nothing was sampled, or a
 * busy machine, not the learner's code, held it most.
 */
export function exerciseHeldBy(report: Report): VerifyResult['heldBy'] {
  const h = heldBy(report.results.find((r) => r.variant === EXERCISE_VARIANT)?.stalls);
  return h?.by === 'code' ? { text: blockerText(h.stack.frames), share: h.stack.share } : null;
}

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

async function fetchAnswer(url: string): Promise<Answer> {
  // Loaded on first use, not at every start of the CLI.
  const { request } = await import('undici');
  const res = await request(url);
  return {
    status: res.statusCode,
    contentType: String(res.headers['content-type'] ?? ''),
    body: await res.body.text(),
  };
}

const sameAnswer = (a: Answer, b: Answer) =>
  a.status === b.status && a.contentType === b.contentType && a.body === b.body;

/**
 * Serves the learner's file and the reference, one request apart, and compares the answers.
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
      // Twice each: a handler that is right only on its first request (a cold cache) is caught.
      const answers = [];
      for (let i = 0; i < 2; i++)
        answers.push([await fetchAnswer(reference.url), await fetchAnswer(exercise.url)] as const);
      const bad = answers.find(([r, e]) => !sameAnswer(r, e)) ?? answers[0];
      const [ref, ex] = bad as readonly [Answer, Answer];
      return { same: answers.every(([r, e]) => sameAnswer(r, e)), reference: ref, exercise: ex };
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
  if (!equivalence.same)
    return { file, passed: false, equivalence, criteria: [], heldBy: null, report: null };

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
  const passed = criteria.every((c) => c.holds === true);
  return {
    file,
    passed,
    equivalence,
    criteria,
    heldBy: passed ? null : exerciseHeldBy(report),
    report,
  };
}
