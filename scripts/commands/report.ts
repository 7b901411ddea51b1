import type { Argv, CommandModule } from 'yargs';
import type { Args } from '../handlers/report.ts';
import { compareFlags } from '../options/compare.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const reportCommand: CommandModule<GlobalArgs, Args> = {
  command: 'report <reports..>',
  describe:
    'Show a JSON report or sweep again: as the terminal table, or as one offline HTML page (two reports: side by side)',
  builder: (y: Argv<GlobalArgs>) =>
    compareFlags(y)
      .positional('reports', {
        type: 'string',
        array: true,
        describe: 'A report written by bench --json, or two (base then head); or a sweep --json',
      })
      .option('html', {
        type: 'string',
        describe: 'Write a self-contained HTML page here (charts, tables, no network)',
      })
      .group(['alpha', 'threshold', 'metrics'], "Two reports: compare's verdicts on the page")
      .example('$0 report out.json', 'The terminal table of a saved report')
      .example('$0 report out.json --html out.html', 'Charts: throughput, latency, lag timeline')
      .example('$0 report sweep.json --html sweep.html', 'A saved sweep: the curve')
      .example(
        '$0 report base.json head.json --html diff.html',
        'Base and head side by side',
      ) as unknown as Argv<Args>,
  handler: async (argv) => (await import('../handlers/report.ts')).handle(argv),
};
