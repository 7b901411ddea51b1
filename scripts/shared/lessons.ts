/**
 * What the lesson commands share: styles, the bench flags they take, the learner's progress
 * and where exercises go.
 */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { ansi, terminalStyle } from '../../bench/render/table.ts';
import { type BenchOptions, DEFAULT_OPTIONS, validateOptions } from '../../bench/run/options.ts';
import type { LessonStyle } from '../../lessons/engine/format.ts';
import type { MarkdownStyle } from '../../lessons/engine/markdown.ts';
import { loadProgress, type Progress, progressPath } from '../../lessons/engine/progress.ts';
import type { Lesson } from '../../lessons/engine/types.ts';
import { err } from './context.ts';

export function lessonStyle(color: boolean): LessonStyle {
  const paint = ansi(color);
  return { ...terminalStyle(color), good: (s) => paint('32', s), bad: (s) => paint('31', s) };
}

export function markdownStyle(color: boolean): MarkdownStyle {
  const paint = ansi(color);
  return {
    bold: (s) => paint('1', s),
    italic: (s) => paint('3', s),
    code: (s) => paint('36', s),
    dim: (s) => paint('2', s),
  };
}

export interface BenchFlags {
  duration?: number;
  warmup?: number;
  runs?: number;
}

/** --duration, --warmup and --runs, whose defaults are the lesson's or verify's own. */
export function withBenchFlags<T>(y: Argv<T>): Argv<T & BenchFlags> {
  return y
    .option('duration', { type: 'number', describe: 'Seconds of measured load per run' })
    .option('warmup', { type: 'number', describe: 'Seconds of unmeasured load before each run' })
    .option('runs', { type: 'number', describe: 'Runs per variant, interleaved' }) as Argv<
    T & BenchFlags
  >;
}

/** @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a flag out of range. */
export function flagOptions(argv: BenchFlags, defaults: Partial<BenchOptions>): BenchOptions {
  return validateOptions({
    ...DEFAULT_OPTIONS,
    ...defaults,
    ...(argv.duration !== undefined && { durationSec: argv.duration }),
    ...(argv.warmup !== undefined && { warmupSec: argv.warmup }),
    ...(argv.runs !== undefined && { runs: argv.runs }),
  });
}

/** Reads the learner's progress; a corrupt file was backed up, and the learner is told where. */
export async function openProgress(): Promise<{ path: string; progress: Progress }> {
  const path = progressPath();
  const { progress, warning } = await loadProgress(path);
  if (warning) err(`looplab: warning: ${warning}\n`);
  return { path, progress };
}

/** Where `lesson --exercise` puts a lesson's starter, and where `verify` looks by default. */
export const exercisePath = (lesson: Lesson): string =>
  join('looplab-exercises', `${lesson.id}.ts`);
