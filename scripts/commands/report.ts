import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { compareReports } from '../../bench/compare/compare.ts';
import { compareOptionsFromFlags } from '../../bench/compare/options.ts';
import { renderDiffHtml, renderReportHtml } from '../../bench/render/html/render.ts';
import { formatTable } from '../../bench/render/table.ts';
import { terminalStyle } from '../../bench/render/terminal-style.ts';
import { readReport } from '../../bench/report/read.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/write-atomic.ts';
import { type CompareFlags, compareFlags } from '../options/compare.ts';
import { checkHtmlPath } from '../options/html.ts';
import { err, type GlobalArgs, out, useColor } from '../shared/context.ts';

interface Args extends GlobalArgs, CompareFlags {
  reports: string[];
  html?: string;
}

export const reportCommand: CommandModule<GlobalArgs, Args> = {
  command: 'report <reports..>',
  describe:
    'Show a JSON report again: as the terminal table, or as one offline HTML page (two reports: side by side)',
  builder: (y: Argv<GlobalArgs>) =>
    compareFlags(y)
      .positional('reports', {
        type: 'string',
        array: true,
        describe: 'A report written by bench --json; or two, base then head',
      })
      .option('html', {
        type: 'string',
        describe: 'Write a self-contained HTML page here (charts, tables, no network)',
      })
      .group(['alpha', 'threshold', 'metrics'], "Two reports: compare's verdicts on the page")
      .example('$0 report out.json', 'The terminal table of a saved report')
      .example('$0 report out.json --html out.html', 'Charts: throughput, latency, lag timeline')
      .example(
        '$0 report base.json head.json --html diff.html',
        'Base and head side by side',
      ) as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
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
    const reports = await Promise.all(paths.map((p) => readReport(p)));
    const [base, head] = reports as [(typeof reports)[0], (typeof reports)[0] | undefined];
    if (argv.html === undefined) {
      if (head) {
        throw new LooplabError(
          ERROR_CODES.USAGE,
          'two reports are shown side by side only as HTML: add --html FILE (or use looplab compare)',
        );
      }
      out(formatTable(base, terminalStyle(useColor(process.stdout))));
      out('\n');
      return;
    }
    const html = head
      ? renderDiffHtml(base, head, compareReports(base, head, compareOptions))
      : renderReportHtml(base);
    await writeFileAtomic(argv.html, html);
    if (!argv.quiet) err(`wrote ${argv.html} (${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)\n`);
  },
};
