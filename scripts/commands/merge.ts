import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { mergeReports } from '../../bench/report/merge.ts';
import { readReport } from '../../bench/report/read.ts';
import { jsonText } from '../../core/json.ts';
import { plural } from '../../core/numbers.ts';
import { assertWritable, writeFileAtomic } from '../../core/write-atomic.ts';
import { err, type GlobalArgs } from '../shared/context.ts';

interface Args extends GlobalArgs {
  out: string;
  reports: string[];
}

export const mergeCommand: CommandModule<GlobalArgs, Args> = {
  command: 'merge <out> <reports..>',
  describe: 'Merge reports of one benchmark, run at different times, into one',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('out', { type: 'string', describe: 'The merged report to write' })
      .positional('reports', {
        type: 'string',
        array: true,
        describe: 'Reports of the same scenarios and parameters, on the same machine',
      })
      .epilogue(
        'Every run of every input is kept, in input order; summaries, verdicts and warnings are ' +
          'recomputed. For CI: alternate base and head rounds, merge each side, then compare.',
      )
      .example(
        '$0 merge base.json base-1.json base-2.json',
        'Two rounds of the base branch, as one report',
      ) as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    await assertWritable(argv.out);
    const reports = await Promise.all(argv.reports.map(readReport));
    const merged = mergeReports(reports, argv.reports);
    await writeFileAtomic(argv.out, jsonText(merged));
    if (!argv.quiet) {
      err(
        `wrote ${argv.out}: ${plural(argv.reports.length, 'report')}, up to ${plural(merged.options.runs, 'run')} a variant\n`,
      );
    }
  },
};
