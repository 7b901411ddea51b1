/** What `looplab merge` does: read the reports, merge their runs, write one report. */
import type { ArgumentsCamelCase } from 'yargs';
import { mergeRuns } from '../../bench/report/merge.ts';
import { readReport } from '../../bench/report/read.ts';
import { jsonText } from '../../core/json.ts';
import { plural } from '../../core/numbers.ts';
import { assertDistinctOutputs } from '../../core/output-paths.ts';
import { assertWritable, writeFileAtomic } from '../../core/write-atomic.ts';
import { err, type GlobalArgs } from '../shared/context.ts';

export interface Args extends GlobalArgs {
  out: string;
  reports: string[];
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  await assertDistinctOutputs(
    argv.reports.map((path) => ({ name: 'input', path })),
    [{ name: 'output', path: argv.out }],
  );
  await assertWritable(argv.out);
  const reports = await Promise.all(argv.reports.map(readReport));
  const { report: merged, skipped } = mergeRuns(reports, argv.reports);
  // Said even with --quiet: the merged report holds fewer runs than the inputs seemed to give.
  for (const s of skipped) {
    err(
      `looplab: skipped ${plural(s.count, 'run')} of ${s.name}: ${s.name === s.firstIn ? 'it was given twice' : `already in ${s.firstIn}`} (same start time and server pid)\n`,
    );
  }
  await writeFileAtomic(argv.out, jsonText(merged));
  if (!argv.quiet) {
    err(
      `wrote ${argv.out}: ${plural(argv.reports.length, 'report')}, up to ${plural(merged.options.runs, 'run')} a variant\n`,
    );
  }
}
