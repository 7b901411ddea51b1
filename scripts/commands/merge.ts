import type { Argv, CommandModule } from 'yargs';
import type { Args } from '../handlers/merge.ts';
import type { GlobalArgs } from '../shared/context.ts';

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
  handler: async (argv) => (await import('../handlers/merge.ts')).handle(argv),
};
