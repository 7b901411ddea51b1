/**
 * What `looplab lesson` does: the lesson's text, the learner's prediction, the measurement on
 * this machine and the explanation with its numbers; or, with --exercise, the starter file.
 */
import { access } from 'node:fs/promises';
import type { ArgumentsCamelCase } from 'yargs';
import { formatTable } from '../../bench/render/table.ts';
import { terminalStyle } from '../../bench/render/terminal-style.ts';
import type { BenchOptions, Report } from '../../bench/report/types.ts';
import type { SweepReport } from '../../bench/sweep/types.ts';
import { ERROR_CODES, EXIT, Interrupted, LooplabError } from '../../core/errors.ts';
import { jsonText } from '../../core/json.ts';
import { writeFileAtomic } from '../../core/write-atomic.ts';
import { isAppLesson } from '../../lessons/engine/app-lesson.ts';
import {
  formatLessonList,
  formatOutcome,
  formatPrediction,
  wrapText,
} from '../../lessons/engine/format.ts';
import { renderMarkdown } from '../../lessons/engine/markdown.ts';
import type { LessonOutcome } from '../../lessons/engine/measure.ts';
import type { Progress } from '../../lessons/engine/progress.ts';
import { SWEEP_METRIC_NAMES } from '../../lessons/engine/sweep-metrics.ts';
import type { Lesson } from '../../lessons/engine/types.ts';
import { course, findAnyLesson, lessonNumber, readLessonFile } from '../../lessons/registry.ts';
import { type BenchFlags, optionsFromFlags } from '../options/bench.ts';
import { checkLiveFlags } from '../options/lesson-live.ts';
import {
  err,
  type GlobalArgs,
  interruptSignal,
  out,
  setOutcome,
  stderrProgress,
  useColor,
} from '../shared/context.ts';
import type { LessonLive } from '../shared/lesson-live.ts';
import {
  exercisePath,
  lessonStyle,
  markdownStyle,
  openProgress,
  textWidth,
} from '../shared/lessons.ts';
import { askPrediction } from '../shared/prediction-prompt.ts';

export interface Args extends GlobalArgs, BenchFlags {
  lesson?: string;
  exercise: boolean;
  force: boolean;
  input: boolean;
  json: boolean;
  /** `--live`: the runs on `looplab live`'s page, as they measure. */
  live: boolean;
  open: boolean;
  port?: number;
}

const firstUnfinished = (progress: Progress) => course.find((l) => !progress.passed[l.id]);

/** Copies the starter; never over a learner's file unless --force. */
async function writeExercise(lesson: Lesson, force: boolean): Promise<void> {
  const path = exercisePath(lesson);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists && !force) {
    throw new LooplabError(
      ERROR_CODES.EXERCISE_EXISTS,
      `${path} already exists and may hold your work; verify it with \`looplab verify ${lessonNumber(lesson)}\`, or add --force to start over`,
    );
  }
  await writeFileAtomic(path, readLessonFile(lesson, 'exercise.ts'));
  const n = lessonNumber(lesson);
  out(
    `wrote ${path}\n\n${wrapText(lesson.exercise.task, textWidth())}\n\n` +
      `Check it under load:  npx looplab verify ${n}\nStuck?               npx looplab hint ${n}\n`,
  );
}

/** The lesson's measured claims as JSON: numbers, not prose. */
function lessonJson(
  lesson: Lesson,
  options: BenchOptions,
  reports: Record<string, Report>,
  o: LessonOutcome,
  sweeps: Record<string, SweepReport>,
  sweepFigure: (
    v: SweepReport['variants'][number],
    metric: (typeof SWEEP_METRIC_NAMES)[number],
  ) => number | null,
) {
  return {
    lesson: {
      number: lessonNumber(lesson),
      id: lesson.id,
      title: lesson.title,
      scenario: lesson.scenario.id,
    },
    options: { durationSec: options.durationSec, warmupSec: options.warmupSec, runs: options.runs },
    measurements: lesson.measurements.map((m) => ({
      key: m.key,
      label: m.label,
      params: reports[m.key]?.options.params[lesson.scenario.id] ?? m.params,
      uvThreadpoolSize: reports[m.key]?.environment.uvThreadpoolSize ?? null,
      variants: Object.fromEntries([
        ...(reports[m.key]?.results ?? []).map((r) => [
          r.variant,
          Object.fromEntries(Object.entries(r.summary).map(([k, s]) => [k, s.mean])),
        ]),
        // A sweep measurement's figures, by the names its claims use.
        ...(sweeps[m.key]?.variants ?? []).map((v) => [
          v.variant,
          Object.fromEntries(SWEEP_METRIC_NAMES.map((k) => [k, sweepFigure(v, k)])),
        ]),
      ]),
      ...(m.sweep && { ratesPerSec: sweeps[m.key]?.options.stepsPerSec ?? [] }),
    })),
    ceilings: o.ceilings,
    heldBy: o.heldBy,
    prediction: o.prediction,
    claims: o.claims.map((c) => ({
      text: c.text,
      holds: c.holds,
      left: c.left,
      right: c.right,
      limit: c.limit,
      ...(c.holds === false && { whenItFails: c.whenItFails }),
    })),
    warnings: o.warnings,
  };
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const { progress } = await openProgress();
  const lesson = argv.lesson === undefined ? firstUnfinished(progress) : findAnyLesson(argv.lesson);
  const style = lessonStyle(useColor(process.stdout));
  if (!lesson) {
    out(`Every lesson is passed. Well done.\n\n${formatLessonList(course, progress, style)}`);
    return;
  }
  if (isAppLesson(lesson)) {
    const app = await import('./app-lesson.ts');
    if (argv.port !== undefined) checkLiveFlags(null, argv);
    if (argv.exercise) return app.writeAppExercise(lesson, argv.force);
    return app.takeAppLesson(argv, lesson);
  }
  checkLiveFlags(lesson, argv);
  if (argv.exercise) return writeExercise(lesson, argv.force);
  // Only now the harness: the list, --exercise and a lesson that does not exist need none of it.
  const { LESSON_OPTIONS } = await import('../../lessons/engine/measure.ts');

  const options = optionsFromFlags(argv, { ...LESSON_OPTIONS, ...lesson.bench });
  // Before the lesson's text: a port that is taken says so before anything is asked.
  const live = argv.live
    ? await (await import('../shared/lesson-live.ts')).startLessonLive(lesson, options, argv)
    : null;
  try {
    await takeLesson(argv, lesson, options, live);
  } finally {
    await live?.end(endReason());
  }
}

/** What the live page says as the lesson's runs end. */
const endReason = () =>
  interruptSignal.aborted ? 'the lesson was stopped (Ctrl-C)' : 'the lesson ended';

async function takeLesson(
  argv: ArgumentsCamelCase<Args>,
  lesson: Lesson,
  options: BenchOptions,
  live: LessonLive | null,
): Promise<void> {
  const { lessonOutcome, measureLesson } = await import('../../lessons/engine/measure.ts');
  const { LESSON_SWEEP, measureSweeps, sweepMeasurements } = await import(
    '../../lessons/engine/measure-sweep.ts'
  );
  const { sweepFigure } = await import('../../lessons/engine/sweep.ts');
  const { stepLine } = await import('./sweep-run.ts');
  const style = lessonStyle(useColor(process.stdout));
  const md = markdownStyle(useColor(process.stdout));
  const width = textWidth();
  const interactive = argv.input && !argv.json && Boolean(process.stdin.isTTY);
  if (!argv.json) {
    out(`${renderMarkdown(readLessonFile(lesson, 'lesson.md'), md, width)}\n`);
    out(formatPrediction(lesson.prediction, style, width));
    if (!interactive)
      out(style.dim('(not asking: no terminal or --no-input; the measurement will answer it)\n'));
  }
  const answer = interactive ? await askPrediction(lesson.prediction) : null;
  // Ctrl-C at the question: nothing is measured.
  interruptSignal.throwIfAborted();

  if (!argv.quiet)
    err(
      lesson.measurements.every((m) => m.sweep)
        ? `\nSweeping on this machine (${lesson.scenario.id}, one open-model step per rate per variant, ${LESSON_SWEEP.warmupSec + LESSON_SWEEP.settleSec + LESSON_SWEEP.holdSec} s a step)…\n`
        : `\nMeasuring on this machine (${lesson.scenario.id}, ${options.runs} × ${options.durationSec} s per variant)…\n`,
    );
  // Printed even with --quiet: the page's address is what --live was asked for.
  if (live) {
    err(`looplab lesson: watch it live at ${live.url}\n`);
    live.open();
  }
  const reports = await measureLesson(lesson, options, {
    signal: interruptSignal,
    keepPartial: true,
    onMeasurement: (m) => {
      if (!argv.quiet) err(`${m.label}\n`);
    },
    ...stderrProgress(argv, options.durationSec),
    ...(live && { watch: (m) => live.hooks(m) }),
  });
  // The runs are over: the page says so and closes, before the explanation is read.
  await live?.end(endReason());
  const benchMeasurements = lesson.measurements.filter((m) => m.sweep === undefined);
  const missing = benchMeasurements.filter((m) => reports[m.key] === undefined);
  if (
    interruptSignal.aborted ||
    missing.length > 0 ||
    Object.values(reports).some((r) => r.complete === false)
  ) {
    // The explanation and the claims need every run: show what was measured, and stop. With
    // --json, stdout is kept for the lesson's JSON, which a stopped lesson does not have. A stop
    // after the last run, too: Ctrl-C means stop, not the explanation.
    const say = argv.json ? err : out;
    const table = terminalStyle(useColor(argv.json ? process.stderr : process.stdout));
    const by = interruptSignal.reason instanceof Interrupted ? interruptSignal.reason.signal : null;
    for (const m of benchMeasurements) {
      const report = reports[m.key];
      const named = benchMeasurements.length > 1 ? `${m.label}\n` : '';
      if (!report) {
        say(`\n${named}partial: ${by ? `stopped by ${by} ` : ''}before its first run completed\n`);
        continue;
      }
      const partial = report.complete === false ? `${report.warnings[0]}\n\n` : '';
      say(`\n${named}${partial}${formatTable(report, table, false).trimEnd()}\n`);
    }
    say(
      `\nThe lesson's explanation and claims need every run: run \`npx looplab lesson ${lessonNumber(lesson)}\` again.\n`,
    );
    interruptSignal.throwIfAborted();
  }
  // A sweep measurement: each variant at each rate in turn, a line per step as it ends.
  const sweeps =
    sweepMeasurements(lesson).length === 0
      ? {}
      : await measureSweeps(lesson, {
          signal: interruptSignal,
          onMeasurement: (m) => {
            if (!argv.quiet)
              err(
                `${m.label}: ${m.variants.join(' and ')} at ${m.sweep?.ratesPerSec.join(', ')} req/s\n`,
              );
          },
          onCeilingStart: () => {
            if (!argv.quiet) err('timing one sync operation alone for the ceiling…\n');
          },
          onStep: (v, _run, step) => {
            if (!argv.quiet) err(`${stepLine(v.label, step)}\n`);
          },
        });
  // Stopped after the last step or run: no explanation, exit 130 or 143 now.
  interruptSignal.throwIfAborted();
  const outcome = lessonOutcome(
    lesson,
    reports,
    readLessonFile(lesson, 'explain.md'),
    answer,
    sweeps,
  );

  if (argv.json) out(jsonText(lessonJson(lesson, options, reports, outcome, sweeps, sweepFigure)));
  else {
    const n = lessonNumber(lesson);
    out(
      `\n${renderMarkdown(outcome.explanation, md, width)}\n${formatOutcome(lesson, outcome, style, width)}\n`,
    );
    out(
      `${wrapText(`${style.bold(`Exercise ${n}`)}: ${lesson.exercise.task}`, width)}\n` +
        `Start it:  npx looplab lesson ${n} --exercise\nCheck it:  npx looplab verify ${n}\n`,
    );
  }
  const failed =
    Object.values(reports).some((r) =>
      r.results.some((e) => e.runs.some((run) => run.state === 'failed')),
    ) ||
    Object.values(sweeps).some((s) =>
      s.variants.some((v) => v.runs.some((run) => run.state === 'failed')),
    );
  if (failed) setOutcome(EXIT.CHECK_FAILED);
}
