/** What `looplab compare` does: read both reports, compare them, print the verdicts. */

import { join } from 'node:path';
import type { ArgumentsCamelCase } from 'yargs';
import { compareReports } from '../../bench/compare/compare.ts';
import { compareOptionsFromFlags } from '../../bench/compare/options.ts';
import type { CompareFormatName } from '../../bench/render/compare.ts';
import { GAB_FILES } from '../../bench/render/gab-files.ts';
import { readReport } from '../../bench/report/read.ts';
import { assertDistinctOutputs } from '../../core/output-paths.ts';
import type { CompareFlags } from '../options/compare.ts';
import { stepSummaryOutput } from '../options/outputs.ts';
import { reportComparison } from '../shared/comparison.ts';
import type { GlobalArgs } from '../shared/context.ts';

export interface Args extends GlobalArgs, CompareFlags {
  base: string;
  head: string;
  format: CompareFormatName;
  gabDir: string;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  // Flags first: a typo in a threshold is reported before any file is read.
  const options = compareOptionsFromFlags(argv);
  await assertDistinctOutputs(
    [
      { name: 'base', path: argv.base },
      { name: 'head', path: argv.head },
    ],
    [
      ...(argv.format === 'gab'
        ? Object.values(GAB_FILES).map((f) => ({
            name: '--gab-dir',
            path: join(argv.gabDir ?? '.', f),
          }))
        : []),
      ...stepSummaryOutput(true),
    ],
  );
  const [base, head] = await Promise.all([readReport(argv.base), readReport(argv.head)]);
  await reportComparison(
    compareReports(base, head, options),
    { base: argv.base, head: argv.head },
    { format: argv.format, gabDir: argv.gabDir, quiet: argv.quiet, stream: process.stdout },
  );
}
