/** What `looplab report` does: a saved report as the terminal table, or one or two as HTML. */
import type { ArgumentsCamelCase } from 'yargs';
import { compareReports } from '../../bench/compare/compare.ts';
import { compareOptionsFromFlags } from '../../bench/compare/options.ts';
import { renderDiffHtml, renderReportHtml } from '../../bench/render/html/render.ts';
import { renderSweepHtml } from '../../bench/render/html/sweep.ts';
import { formatSweepTable } from '../../bench/render/sweep-table.ts';
import { formatTable } from '../../bench/render/table.ts';
import { terminalStyle } from '../../bench/render/terminal-style.ts';
import { readIfSweep } from '../../bench/sweep/read.ts';
import type { SweepReport } from '../../bench/sweep/types.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { assertDistinctOutputs } from '../../core/output-paths.ts';
import { plainStrings } from '../../core/plain-text.ts';
import { writeFileAtomic } from '../../core/write-atomic.ts';
import type { CompareFlags } from '../options/compare.ts';
import { checkHtmlPath } from '../options/html.ts';
import { err, type GlobalArgs, out, useColor } from '../shared/context.ts';
import { readReportOrJournal } from '../shared/journal.ts';

export interface Args extends GlobalArgs, CompareFlags {
  reports: string[];
  html?: string;
}

/** A saved sweep as its terminal table, or as its HTML page with the curve. */
async function showSweep(sweep: SweepReport, argv: ArgumentsCamelCase<Args>): Promise<void> {
  if (argv.html === undefined) {
    // A sweep is anyone's file: its names and texts reach the terminal without control codes.
    out(formatSweepTable(plainStrings(sweep), terminalStyle(useColor(process.stdout))));
    return;
  }
  const html = renderSweepHtml(sweep);
  await writeFileAtomic(argv.html, html);
  if (!argv.quiet) err(`wrote ${argv.html} (${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)\n`);
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const paths = argv.reports;
  if (paths.length > 2) {
    throw new LooplabError(
      ERROR_CODES.USAGE,
      `report takes one report, or two (base and head); got ${paths.length}`,
    );
  }
  // Checked before the reports are read: a bad flag fails at once.
  const compareOptions = compareOptionsFromFlags(argv);
  await checkHtmlPath(argv.html);
  if (argv.html !== undefined) {
    await assertDistinctOutputs(
      paths.map((path) => ({ name: 'input', path })),
      [{ name: '--html', path: argv.html }],
    );
  }
  const sweeps = await Promise.all(paths.map(readIfSweep));
  if (sweeps[0] && paths.length === 1) return showSweep(sweeps[0], argv);
  if (sweeps.some((x) => x !== null)) {
    throw new LooplabError(
      ERROR_CODES.USAGE,
      'report shows one sweep at a time, and a sweep beside nothing else; give it alone',
    );
  }
  const reports = await Promise.all(paths.map((p) => readReportOrJournal(p)));
  const [base, head] = reports as [(typeof reports)[0], (typeof reports)[0] | undefined];
  if (argv.html === undefined) {
    if (head) {
      throw new LooplabError(
        ERROR_CODES.USAGE,
        'two reports are shown side by side only as HTML: add --html FILE (or use looplab compare)',
      );
    }
    // A report is anyone's file: its names and texts reach the terminal without control codes.
    out(formatTable(plainStrings(base), terminalStyle(useColor(process.stdout))));
    out('\n');
    return;
  }
  const html = head
    ? renderDiffHtml(base, head, compareReports(base, head, compareOptions))
    : renderReportHtml(base);
  await writeFileAtomic(argv.html, html);
  if (!argv.quiet) err(`wrote ${argv.html} (${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)\n`);
}
