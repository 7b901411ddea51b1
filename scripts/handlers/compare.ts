/** What `looplab compare` does: read both reports (or both sweeps), compare them, print the verdicts. */

import { join } from 'node:path';
import type { ArgumentsCamelCase } from 'yargs';
import { compareReports } from '../../bench/compare/compare.ts';
import { compareFlagsByKind } from '../../bench/compare/options.ts';
import { compareSweeps } from '../../bench/compare/sweeps.ts';
import type { CompareFormatName } from '../../bench/render/compare.ts';
import { GAB_FILES } from '../../bench/render/gab-files.ts';
import { readReport } from '../../bench/report/read.ts';
import { readIfSweep } from '../../bench/sweep/read.ts';
import type { SweepReport } from '../../bench/sweep/types.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { assertDistinctOutputs } from '../../core/output-paths.ts';
import type { CompareFlags } from '../options/compare.ts';
import { stepSummaryOutput } from '../options/outputs.ts';
import { reportComparison, reportSweepComparison } from '../shared/comparison.ts';
import type { GlobalArgs } from '../shared/context.ts';

export interface Args extends GlobalArgs, CompareFlags {
  base: string;
  head: string;
  format: CompareFormatName;
  gabDir: string;
}

const badOption = (message: string) => new LooplabError(ERROR_CODES.BAD_OPTION, message);

/** Two sweeps: their knees and SLO rates, judged as compare judges a bench metric. */
async function compareTwoSweeps(
  argv: ArgumentsCamelCase<Args>,
  [base, head]: [SweepReport, SweepReport],
  flags: ReturnType<typeof compareFlagsByKind>,
): Promise<void> {
  if (argv.format === 'gab') {
    throw badOption(
      '--format gab writes bench metrics for github-action-benchmark; compare two sweeps as table, markdown or json',
    );
  }
  if (flags.benchOnly.length > 0) {
    throw badOption(
      `${flags.benchOnly.join(', ')} choose bench metrics; two sweeps are compared on kneePerSec and sloPerSec (--threshold kneePerSec=5%)`,
    );
  }
  await reportSweepComparison(
    compareSweeps(base, head, flags.sweep),
    { base: argv.base, head: argv.head },
    { format: argv.format, quiet: argv.quiet },
  );
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  // Flags first: a typo in a threshold is reported before any file is read.
  const flags = compareFlagsByKind(argv);
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
  const [baseSweep, headSweep] = await Promise.all([
    readIfSweep(argv.base),
    readIfSweep(argv.head),
  ]);
  if (baseSweep && headSweep) return compareTwoSweeps(argv, [baseSweep, headSweep], flags);
  if (baseSweep || headSweep) {
    const [sweep, other] = baseSweep ? [argv.base, argv.head] : [argv.head, argv.base];
    throw new LooplabError(
      ERROR_CODES.USAGE,
      `compare takes two bench reports or two sweeps: ${sweep} is a sweep and ${other} is not; compare it with another looplab sweep --json`,
    );
  }
  if (flags.sweepOnly.length > 0) {
    throw badOption(`${flags.sweepOnly.join(', ')} applies to sweeps; these are bench reports`);
  }
  const [base, head] = await Promise.all([readReport(argv.base), readReport(argv.head)]);
  await reportComparison(
    compareReports(base, head, flags.bench),
    { base: argv.base, head: argv.head },
    { format: argv.format, gabDir: argv.gabDir, quiet: argv.quiet, stream: process.stdout },
  );
}
