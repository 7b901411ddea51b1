/**
 * What `looplab verify` does: load the learner's handler, compare its answers with the
 * reference's, measure both under load, and record a pass.
 */
import { realpathSync } from 'node:fs';
import type { ArgumentsCamelCase } from 'yargs';
import { EXIT, isLooplabError } from '../../core/errors.ts';
import { isAppLesson } from '../../lessons/engine/app-lesson.ts';
import { formatVerify } from '../../lessons/engine/format.ts';
import { markPassed, updateProgress } from '../../lessons/engine/progress.ts';
import { findAnyLesson, lessonFile, lessonNumber } from '../../lessons/registry.ts';
import { type BenchFlags, optionsFromFlags } from '../options/bench.ts';
import {
  err,
  type GlobalArgs,
  interruptSignal,
  out,
  setOutcome,
  stderrProgress,
  useColor,
} from '../shared/context.ts';
import { exercisePath, lessonStyle, openProgress, textWidth } from '../shared/lessons.ts';

/** Whether `file` is looplab's own reference solution: verifying it proves nothing about the learner. */
function isReferenceSolution(file: string, reference: string): boolean {
  try {
    return realpathSync(file) === realpathSync(reference);
  } catch {
    return false;
  }
}

export interface Args extends GlobalArgs, BenchFlags {
  lesson: string;
  file?: string;
  json: boolean;
}

/**
 * Records a pass in the progress file as it is now; a file that cannot be written is a warning:
 * the verdict stands.
 */
async function recordPass(path: string, id: string): Promise<boolean> {
  try {
    const { saved, warning } = await updateProgress(path, (p) => markPassed(p, id, new Date()));
    if (!saved) err(`looplab: warning: your pass is not recorded: ${warning}\n`);
    return saved;
  } catch (error) {
    if (!isLooplabError(error)) throw error;
    err(`looplab: warning: your pass is not recorded: ${error.message}\n`);
    return false;
  }
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const found = findAnyLesson(argv.lesson);
  if (isAppLesson(found))
    return (await import('./app-lesson.ts')).verifyAppLesson(argv, found, recordPass);
  const lesson = found;
  // Only now the harness: a lesson that does not exist is refused without it.
  const { VERIFY_OPTIONS, verifyExercise } = await import('../../lessons/engine/verify.ts');
  const { stepLine } = await import('./sweep-run.ts');
  const options = optionsFromFlags(argv, { ...VERIFY_OPTIONS, ...lesson.verify.bench });
  const file = argv.file ?? exercisePath(lesson);
  // Read now for its warnings alone: a pass is recorded into the file as it is at the end.
  const { path } = await openProgress();
  const result = await verifyExercise(lesson, file, options, {
    signal: interruptSignal,
    // Only once the file has loaded: a broken file gets exactly one line, the error.
    onLoaded: () => {
      if (!argv.quiet)
        err(
          `looplab: ${file} loaded; comparing its responses with ${lesson.scenario.id} ${lesson.verify.reference}…\n`,
        );
    },
    onLoad: () => {
      if (!argv.quiet)
        err(
          `same responses; now under load (${options.runs} × ${options.durationSec} s per handler)…\n`,
        );
    },
    onSweep: (rates) => {
      if (!argv.quiet)
        err(
          `now at rush hour: requests arriving at ${rates.join(', ')} req/s, one open-model step each per handler…\n`,
        );
    },
    onSweepStep: (v, step) => {
      if (!argv.quiet) err(`${stepLine(v.label, step)}\n`);
    },
    ...stderrProgress(argv, options.durationSec),
  });
  const reference = isReferenceSolution(file, lessonFile(lesson, 'solution.ts'));
  const record = result.passed && !reference && (await recordPass(path, lesson.id));

  if (argv.json) {
    out(
      `${JSON.stringify(
        {
          lesson: { number: lessonNumber(lesson), id: lesson.id },
          file,
          passed: result.passed,
          recorded: record,
          equivalence: result.equivalence,
          criteria: result.criteria,
          heldBy: result.heldBy,
          warnings: [...(result.report?.warnings ?? []), ...(result.sweep?.warnings ?? [])],
        },
        null,
        2,
      )}\n`,
    );
  } else {
    out(formatVerify(result, lessonStyle(useColor(process.stdout)), textWidth()));
    if (record) out(`Lesson ${lessonNumber(lesson)} passed; see \`looplab lessons\`.\n`);
    else if (result.passed)
      out("That is looplab's reference solution: it passes, but it is not recorded as yours.\n");
  }
  setOutcome(result.passed ? EXIT.OK : EXIT.CHECK_FAILED);
}
