/**
 * `looplab lesson`, `verify`, `hint` and `solution` for a lesson whose exercise is an app (the
 * capstone): the untouched app measured route by route as `bench --cmd --stalls` measures any
 * server, the learner's folder verified beside it, and the commands to do it themselves.
 */
import { cp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ArgumentsCamelCase } from 'yargs';
import { formatTable } from '../../bench/render/table.ts';
import { terminalStyle } from '../../bench/render/terminal-style.ts';
import { ERROR_CODES, EXIT, LooplabError } from '../../core/errors.ts';
import { jsonText } from '../../core/json.ts';
import { formatAppOutcome, formatAppVerify } from '../../lessons/engine/app-format.ts';
import type { AppLesson } from '../../lessons/engine/app-lesson.ts';
import { wrapText } from '../../lessons/engine/format.ts';
import { renderMarkdown } from '../../lessons/engine/markdown.ts';
import { lessonFile, lessonNumber, readLessonFile } from '../../lessons/registry.ts';
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
import { lessonStyle, markdownStyle, openProgress, textWidth } from '../shared/lessons.ts';
import { askPrediction } from '../shared/prediction-prompt.ts';

/** Where `lesson --exercise` copies the app, and where `verify` looks by default. */
export const appExercisePath = (lesson: AppLesson): string => join('looplab-exercises', lesson.id);

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Copies the untouched app into ./looplab-exercises/<id>/; never over the learner's unless --force. */
export async function writeAppExercise(lesson: AppLesson, force: boolean): Promise<void> {
  const path = appExercisePath(lesson);
  const n = lessonNumber(lesson);
  if ((await exists(path)) && !force) {
    throw new LooplabError(
      ERROR_CODES.EXERCISE_EXISTS,
      `${path} already exists and may hold your work; verify it with \`looplab verify ${n}\`, or add --force to start over`,
    );
  }
  const { lessonAppFolder } = await import('../../lessons/engine/app-measure.ts');
  // Starting over is the untouched app, not the app with files of the last attempt left in it.
  await rm(path, { recursive: true, force: true });
  await cp(lessonAppFolder(lesson, 'starter'), path, { recursive: true });
  const main = join(path, lesson.main);
  // A body file is named from the app's folder, here: the command runs from where the learner is.
  const paths = lesson.paths
    .map((p) => `--path "${p.replace(/ @(?!\/)/, ` @${path}/`)}"`)
    .join(' ');
  out(
    `wrote ${path}/ (the shop: start it with \`node ${main}\`)\n\n${wrapText(lesson.exercise.task, textWidth())}\n\n` +
      `Find:   npx looplab bench --cmd "node ${main}" ${paths} --stalls\n` +
      `Prove:  npx looplab bench --cmd "node ${lessonFile(lesson, lesson.starter)}/${lesson.main}" --vs-cmd "node ${main}" ${paths} --runs 5\n` +
      `Check:  npx looplab verify ${n}\nStuck?  npx looplab hint ${n}\n`,
  );
}

export interface LessonArgs extends GlobalArgs, BenchFlags {
  input: boolean;
  json: boolean;
  live: boolean;
}

/** Takes the capstone: its text, the prediction, the app measured route by route, the explanation. */
export async function takeAppLesson(
  argv: ArgumentsCamelCase<LessonArgs>,
  lesson: AppLesson,
): Promise<void> {
  if (argv.live)
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `lesson ${lessonNumber(lesson)} (${lesson.id}) measures an app, which the live page cannot show yet; run it without --live (or: looplab live --cmd "node ${appExercisePath(lesson)}/${lesson.main}")`,
    );
  const { APP_LESSON_OPTIONS, appLessonOutcome, measureAppLesson } = await import(
    '../../lessons/engine/app-measure.ts'
  );
  const { randomInt } = await import('node:crypto');
  const options = optionsFromFlags(argv, APP_LESSON_OPTIONS);
  const style = lessonStyle(useColor(process.stdout));
  const md = markdownStyle(useColor(process.stdout));
  const width = textWidth();
  const interactive = argv.input && !argv.json && Boolean(process.stdin.isTTY);
  const choices = lesson.routes.map((r) => ({ text: r.label }));
  if (!argv.json) {
    out(`${renderMarkdown(readLessonFile(lesson, 'lesson.md'), md, width)}\n`);
    out(
      `${wrapText(`${style.bold('Predict:')} ${lesson.prediction.question}`, width)}\n` +
        `${choices.map((c, i) => `  ${i + 1}) ${c.text}`).join('\n')}\n`,
    );
    if (!interactive)
      out(style.dim('(not asking: no terminal or --no-input; the measurement will answer it)\n'));
  }
  const picked = interactive ? await askPrediction({ choices }) : null;
  interruptSignal.throwIfAborted();
  if (!argv.quiet)
    err(
      `\nMeasuring the shop on this machine: each route in a fresh app, ${options.runs} × ${options.durationSec} s, stalls caught…\n`,
    );
  const report = await measureAppLesson(lesson, options, randomInt(2 ** 31), {
    signal: interruptSignal,
    keepPartial: true,
    ...stderrProgress(argv, options.durationSec),
  });
  const table = terminalStyle(useColor(argv.json ? process.stderr : process.stdout));
  if (interruptSignal.aborted || report.complete === false) {
    const say = argv.json ? err : out;
    say(`\n${report.warnings[0] ?? ''}\n\n${formatTable(report, table, false).trimEnd()}\n`);
    say(
      `\nThe lesson's explanation needs every route: run \`npx looplab lesson ${lessonNumber(lesson)}\` again.\n`,
    );
    interruptSignal.throwIfAborted();
  }
  const answer = picked === null ? null : (lesson.routes[picked]?.key ?? null);
  const outcome = appLessonOutcome(lesson, report, readLessonFile(lesson, 'explain.md'), answer);
  if (argv.json) {
    out(
      jsonText({
        lesson: { number: lessonNumber(lesson), id: lesson.id, title: lesson.title },
        options: {
          durationSec: options.durationSec,
          warmupSec: options.warmupSec,
          runs: options.runs,
        },
        routes: report.results.map((r) => ({
          route: r.variant,
          summary: Object.fromEntries(Object.entries(r.summary).map(([k, s]) => [k, s.mean])),
          heldBy: r.stalls?.stacks[0] ?? null,
        })),
        prediction: outcome.prediction,
        claims: outcome.claims.map(({ check: _, ...c }) => c),
        warnings: outcome.warnings,
      }),
    );
  } else {
    const n = lessonNumber(lesson);
    out(`\n${formatTable(report, table, false).trimEnd()}\n`);
    out(
      `\n${renderMarkdown(outcome.explanation, md, width)}\n${formatAppOutcome(lesson, outcome, style, width)}\n`,
    );
    out(
      `${wrapText(`${style.bold(`Exercise ${n}`)}: ${lesson.exercise.task}`, width)}\n` +
        `Start it:  npx looplab lesson ${n} --exercise\nCheck it:  npx looplab verify ${n}\n`,
    );
  }
  if (report.results.some((e) => e.runs.some((run) => run.state === 'failed')))
    setOutcome(EXIT.CHECK_FAILED);
}

export interface VerifyArgs extends GlobalArgs, BenchFlags {
  file?: string;
  json: boolean;
}

/** Verifies the learner's app folder against the untouched app, and records a pass. */
export async function verifyAppLesson(
  argv: ArgumentsCamelCase<VerifyArgs>,
  lesson: AppLesson,
  recordPass: (path: string, id: string) => Promise<boolean>,
): Promise<void> {
  const { APP_VERIFY_OPTIONS, verifyApps } = await import('../../lessons/engine/app-verify.ts');
  const { lessonAppFolder } = await import('../../lessons/engine/app-measure.ts');
  const options = optionsFromFlags(argv, APP_VERIFY_OPTIONS);
  const folder = argv.file ?? appExercisePath(lesson);
  const { path } = await openProgress();
  const say = (s: string) => {
    if (!argv.quiet) err(s);
  };
  const [result] = await verifyApps(lesson, [folder], options, {
    number: lessonNumber(lesson),
    signal: interruptSignal,
    onAnswers: () =>
      say(`looplab: ${folder} started; its answers compared with the untouched shop's\n`),
    onCatalogue: () =>
      say(
        'reading the catalogue while nothing changes, then while stock changes, in both shops…\n',
      ),
    onCatalogueAgain: () =>
      say(
        'reading yours again, in a fresh app: its reads were just over the bar, as a machine busy with other work can leave them; the better reading is judged…\n',
      ),
    onLoad: () =>
      say(
        `now under load: every route of both shops, ${options.runs} × ${options.durationSec} s each, stalls caught…\n`,
      ),
    ...stderrProgress(argv, options.durationSec),
  });
  if (!result) return;
  const same = await samePath(folder, lessonAppFolder(lesson, 'solution'));
  const record = result.passed && !same && (await recordPass(path, lesson.id));
  if (argv.json) {
    out(
      jsonText({
        lesson: { number: lessonNumber(lesson), id: lesson.id },
        folder,
        passed: result.passed,
        recorded: record,
        equivalence: result.equivalence,
        blockers: result.blockers,
        catalogue: result.catalogue,
        warnings: result.report?.warnings ?? [],
      }),
    );
  } else {
    out(formatAppVerify(result, lessonStyle(useColor(process.stdout)), textWidth()));
    if (record) out(`Lesson ${lessonNumber(lesson)} passed; see \`looplab lessons\`.\n`);
    else if (result.passed)
      out("That is looplab's reference solution: it passes, but it is not recorded as yours.\n");
  }
  setOutcome(result.passed ? EXIT.OK : EXIT.CHECK_FAILED);
}

async function samePath(a: string, b: string): Promise<boolean> {
  const { realpath } = await import('node:fs/promises');
  const [x, y] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)]);
  return x === y;
}

/** `looplab hint`: the task, then one nudge per blocker, in the order the lesson finds them. */
export function appHint(lesson: AppLesson): string {
  const width = textWidth();
  const nudges = lesson.blockers.map((b, i) =>
    wrapText(b.hint, width, `${i + 1}. ${b.module}: `, '   '),
  );
  return `${wrapText(`Exercise ${lessonNumber(lesson)} (${lesson.id}): ${lesson.exercise.task}`, width)}\n\n${nudges.join('\n\n')}\n`;
}

/** `looplab solution`: every file of the fixed app that differs from the starter, on stdout. */
export async function appSolution(lesson: AppLesson): Promise<string> {
  const { lessonAppFolder } = await import('../../lessons/engine/app-measure.ts');
  const solution = lessonAppFolder(lesson, 'solution');
  const starter = lessonAppFolder(lesson, 'starter');
  const files = (await readdir(solution, { recursive: true, withFileTypes: true }))
    .filter((f) => f.isFile() && f.name.endsWith('.js'))
    .map((f) => relative(solution, join(f.parentPath ?? f.path, f.name)))
    .sort();
  const parts: string[] = [];
  for (const file of files) {
    const text = await readFile(join(solution, file), 'utf8');
    const before = await readFile(join(starter, file), 'utf8').catch(() => null);
    if (text === before) continue;
    parts.push(`// ===== ${file}${before === null ? ' (new)' : ''} =====\n${text.trimEnd()}\n`);
  }
  return `// The fixed shop: the files that differ from the starter. The whole folder: ${solution}\n\n${parts.join('\n')}`;
}
