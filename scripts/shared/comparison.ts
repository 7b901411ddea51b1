/**
 * Printing a comparison as compare and `bench --baseline` both do: in the chosen format, appended
 * to the GitHub step summary when there is one, and exit 1 on a regression.
 */
import { join } from 'node:path';
import { type Comparison, compareReports } from '../../bench/compare/compare.ts';
import { compareOptionsFromFlags } from '../../bench/compare/options.ts';
import type { SweepComparison } from '../../bench/compare/sweeps.ts';
import {
  type CompareFormatName,
  type CompareLabels,
  compareFormats,
  formatCompareMarkdown,
  formatCompareTable,
  gabEntries,
} from '../../bench/render/compare.ts';
import { GAB_FILES } from '../../bench/render/gab-files.ts';
import {
  formatSweepCompareMarkdown,
  formatSweepCompareTable,
  sweepCompareFormats,
} from '../../bench/render/sweep-compare.ts';
import { terminalStyle } from '../../bench/render/terminal-style.ts';
import { readReport } from '../../bench/report/read.ts';
import type { Report } from '../../bench/report/types.ts';
import { ERROR_CODES, EXIT, LooplabError } from '../../core/errors.ts';
import { jsonText } from '../../core/json.ts';
import { plainStrings } from '../../core/plain-text.ts';
import { appendFileSafely } from '../../core/write-atomic.ts';
import type { CompareFlags } from '../options/compare.ts';
import { err, out, setOutcome, useColor } from './context.ts';
import { writeEach } from './write-outputs.ts';

/**
 * Appends the Markdown to the file GitHub Actions names in GITHUB_STEP_SUMMARY, when it is set:
 * appended, since earlier steps may have written there.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED when it cannot be written.
 */
export async function appendStepSummary(markdown: string): Promise<string | undefined> {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) return undefined;
  try {
    await appendFileSafely(path, `${markdown}\n`);
  } catch (cause) {
    const why = (cause as Error).message.replace(/^cannot write .*? \((.*)\); [^;]*$/, '$1');
    throw new LooplabError(
      ERROR_CODES.WRITE_FAILED,
      `cannot append to GITHUB_STEP_SUMMARY ${path} (${why}); check the path`,
      { cause },
    );
  }
  return path;
}

/**
 * Prints a comparison in `format` on `stream`, appends its Markdown to the step summary, and
 * asks for exit 1 when it found a regression. `gab` writes its two files and prints the table.
 */
export async function reportComparison(
  comparison: Comparison,
  labels: CompareLabels,
  how: { format: CompareFormatName; gabDir?: string; quiet: boolean; stream: NodeJS.WriteStream },
): Promise<void> {
  const write = (text: string) => (how.stream === process.stdout ? out(text) : err(text));
  if (how.format === 'gab') {
    const entries = gabEntries(comparison);
    await writeEach(
      (['biggerIsBetter', 'smallerIsBetter'] as const).map((key) => ({
        path: join(how.gabDir ?? '.', GAB_FILES[key]),
        text: () => jsonText(entries[key]),
      })),
      how.quiet,
    );
  }
  write(
    how.format === 'gab' || how.format === 'table'
      ? // Names from the reports and paths from the command line, without control codes.
        formatCompareTable(
          plainStrings(comparison),
          plainStrings(labels),
          terminalStyle(useColor(how.stream)),
        )
      : compareFormats[how.format](comparison, labels),
  );
  const summary = await appendStepSummary(formatCompareMarkdown(comparison, labels));
  if (summary && !how.quiet) err(`appended the Markdown to ${summary}\n`);
  if (comparison.regressions.length > 0) setOutcome(EXIT.CHECK_FAILED);
}

/**
 * Prints a sweep comparison as reportComparison prints a bench one: in `format` on stdout, its
 * Markdown appended to the step summary, and exit 1 on a capacity regression.
 */
export async function reportSweepComparison(
  comparison: SweepComparison,
  labels: CompareLabels,
  how: { format: 'table' | 'markdown' | 'json'; quiet: boolean },
): Promise<void> {
  out(
    how.format === 'table'
      ? formatSweepCompareTable(
          plainStrings(comparison),
          plainStrings(labels),
          terminalStyle(useColor(process.stdout)),
        )
      : sweepCompareFormats[how.format](comparison, labels),
  );
  const summary = await appendStepSummary(formatSweepCompareMarkdown(comparison, labels));
  if (summary && !how.quiet) err(`appended the Markdown to ${summary}\n`);
  if (comparison.regressions.length > 0) setOutcome(EXIT.CHECK_FAILED);
}

/**
 * Reads and checks a baseline before a benchmark, so that a bad file fails in a second, not
 * after minutes of measurement.
 *
 * @throws {LooplabError} as readReport, and LOOPLAB_ERR_BAD_OPTION for bad compare flags.
 */
export async function prepareBaseline(
  path: string | undefined,
  flags: CompareFlags,
): Promise<
  ((head: Report, stream: NodeJS.WriteStream, quiet: boolean) => Promise<void>) | undefined
> {
  if (path === undefined) return undefined;
  const options = compareOptionsFromFlags(flags);
  const base = await readReport(path);
  return (head, stream, quiet) =>
    reportComparison(
      compareReports(base, head, options),
      { base: path, head: 'this run' },
      {
        format: 'table',
        quiet,
        stream,
      },
    );
}
