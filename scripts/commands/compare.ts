import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import {
  type Comparison,
  compareReports,
  DEFAULT_ALPHA,
  DEFAULT_COMPARE_METRICS,
  DEFAULT_THRESHOLD,
} from '../../bench/compare/compare.ts';
import { compareOptionsFromFlags } from '../../bench/compare/options.ts';
import {
  type CompareFormatName,
  type CompareLabels,
  compareFormats,
  formatCompareMarkdown,
  formatCompareTable,
  GAB_FILES,
  gabEntries,
} from '../../bench/render/compare.ts';
import { jsonText, terminalStyle } from '../../bench/render/table.ts';
import type { Report } from '../../bench/report/build.ts';
import { readReport } from '../../bench/report/read.ts';
import { ERROR_CODES, EXIT, LooplabError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/write-atomic.ts';
import { err, type GlobalArgs, out, setOutcome, useColor } from '../shared/context.ts';

/** The flags compare shares with `bench --baseline`. */
export interface CompareFlags {
  alpha?: number;
  threshold?: string[];
  metrics?: string[];
}

interface Args extends GlobalArgs, CompareFlags {
  base: string;
  head: string;
  format: CompareFormatName;
  gabDir: string;
}

/** Adds --alpha, --threshold and --metrics to a command. */
export function compareFlags<T>(y: Argv<T>): Argv<T & CompareFlags> {
  return y
    .option('alpha', {
      type: 'number',
      describe: `Significance level, after Holm's correction [default: ${DEFAULT_ALPHA}]`,
    })
    .option('threshold', {
      type: 'string',
      array: true,
      nargs: 1,
      describe: `Smallest change that counts, e.g. 5%; per metric: lagP99Ms=25% (repeatable) [default: ${DEFAULT_THRESHOLD * 100}%]`,
    })
    .option('metrics', {
      type: 'string',
      array: true,
      nargs: 1,
      describe: `Metrics to compare, comma-separated, or all [default: ${DEFAULT_COMPARE_METRICS.join(',')}]`,
    }) as unknown as Argv<T & CompareFlags>;
}

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
    await appendFile(path, `${markdown}\n`);
  } catch (cause) {
    throw new LooplabError(
      ERROR_CODES.WRITE_FAILED,
      `cannot append to GITHUB_STEP_SUMMARY ${path} (${(cause as NodeJS.ErrnoException).code ?? cause}); check the path`,
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
    for (const key of ['biggerIsBetter', 'smallerIsBetter'] as const) {
      const path = join(how.gabDir ?? '.', GAB_FILES[key]);
      await writeFileAtomic(path, jsonText(entries[key]));
      if (!how.quiet) err(`wrote ${path}\n`);
    }
  }
  write(
    how.format === 'gab' || how.format === 'table'
      ? formatCompareTable(comparison, labels, terminalStyle(useColor(how.stream)))
      : compareFormats[how.format](comparison, labels),
  );
  const summary = await appendStepSummary(formatCompareMarkdown(comparison, labels));
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

export const compareCommand: CommandModule<GlobalArgs, Args> = {
  command: 'compare <base> <head>',
  describe: 'Compare two reports metric by metric; exit 1 on a regression',
  builder: (y: Argv<GlobalArgs>) =>
    compareFlags(y)
      .positional('base', { type: 'string', describe: 'The report to compare against' })
      .positional('head', { type: 'string', describe: 'The report of the change' })
      .option('format', {
        choices: ['table', 'markdown', 'json', 'gab'] as const,
        default: 'table' as const,
        describe:
          "Output on stdout; gab also writes github-action-benchmark's custom JSON (see --gab-dir)",
      })
      .option('gab-dir', {
        type: 'string',
        default: '.',
        describe: `Where --format gab writes ${GAB_FILES.biggerIsBetter} and ${GAB_FILES.smallerIsBetter}`,
      })
      .epilogue(
        'A regression is a change in the bad direction that is significant (Welch’s t-test, ' +
          'Holm-corrected) and beyond its threshold. Fewer than 3 runs a side gives a warning, ' +
          'never a verdict. With GITHUB_STEP_SUMMARY set, the Markdown is appended there too. ' +
          'Exit: 0 no regression, 1 a regression, 2 bad input.',
      )
      .example(
        '$0 compare base.json head.json',
        'The default metrics as a table; exit 1 on a regression',
      )
      .example(
        '$0 compare base.json head.json --threshold 5% --threshold lagP99Ms=25%',
        'A stricter default threshold, a looser one for loop lag',
      )
      .example(
        '$0 compare base.json head.json --metrics all --format markdown > summary.md',
        'Every metric, as Markdown for a pull request',
      )
      .example(
        '$0 compare base.json head.json --format gab --gab-dir gab/',
        'Files for github-action-benchmark, plus the table',
      ) as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    // Flags first: a typo in a threshold is reported before any file is read.
    const options = compareOptionsFromFlags(argv);
    const [base, head] = await Promise.all([readReport(argv.base), readReport(argv.head)]);
    await reportComparison(
      compareReports(base, head, options),
      { base: argv.base, head: argv.head },
      { format: argv.format, gabDir: argv.gabDir, quiet: argv.quiet, stream: process.stdout },
    );
  },
};
