import type { Argv, CommandModule } from 'yargs';
import { GAB_FILES } from '../../bench/render/gab-files.ts';
import type { Args } from '../handlers/compare.ts';
import { compareFlags } from '../options/compare.ts';
import type { GlobalArgs } from '../shared/context.ts';

export const compareCommand: CommandModule<GlobalArgs, Args> = {
  command: 'compare <base> <head>',
  describe:
    'Compare two reports metric by metric, or two sweeps knee by knee; exit 1 on a regression',
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
          'never a verdict. Two sweeps (sweep --json) are compared on each variant’s knee and SLO rate ' +
          '(kneePerSec, sloPerSec); a lower knee is a capacity regression. ' +
          'With GITHUB_STEP_SUMMARY set, the Markdown is appended there too. ' +
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
        '$0 compare base-sweep.json head-sweep.json',
        'Two sweeps: each variant’s knee and SLO rate; exit 1 on a capacity regression',
      )
      .example(
        '$0 compare base.json head.json --format gab --gab-dir gab/',
        'Files for github-action-benchmark, plus the table',
      ) as unknown as Argv<Args>,
  handler: async (argv) => (await import('../handlers/compare.ts')).handle(argv),
};
