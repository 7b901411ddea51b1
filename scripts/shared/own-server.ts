/**
 * What bench does for a user's own server beyond what it does for scenarios: the check that a
 * --url answers, its plan, and the paired comparison of `--cmd` with `--vs-cmd` at the end. (Its
 * flags are checked in options/app.ts.)
 */
import { compareReports } from '../../bench/compare/compare.ts';
import { compareOptionsFromFlags } from '../../bench/compare/options.ts';
import { splitPairs } from '../../bench/report/pairs.ts';
import type { BenchOptions, Report } from '../../bench/report/types.ts';
import { type AppBenchSpec, planAppJobs } from '../../bench/run/app-bench.ts';
import { plural } from '../../core/numbers.ts';
import { checkReachable } from '../options/app.ts';
import type { CompareFlags } from '../options/compare.ts';
import { reportComparison } from './comparison.ts';

/** For --url: something must answer there before minutes of load are aimed at it. */
export async function checkAppReachable(spec: AppBenchSpec): Promise<void> {
  for (const side of spec.sides) {
    if (side.url !== null) await checkReachable(side.url, spec.paths[0]?.request.path ?? '/');
  }
}

/** `1 command, 2 paths × 3 runs = 6 runs, about 30 s`. */
export function describeAppPlan(spec: AppBenchSpec, o: BenchOptions): string {
  const runs = planAppJobs(spec, o.runs).length;
  // An app's start-up and reaping cost about a second a run; its own start may cost more.
  const seconds = Math.ceil(runs * (o.warmupSec + o.durationSec + 1));
  const what = spec.sides[0]?.url !== null ? 'URL' : 'command';
  return (
    `${plural(spec.sides.length, what)}, ${plural(spec.paths.length, 'path')} × ${plural(o.runs, 'run')}` +
    ` = ${plural(runs, 'run')}, about ${seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`}`
  );
}

/**
 * The comparison of --vs-cmd against --cmd: a paired test, since the runs of each pair ran side
 * by side. Printed like compare's, appended to the step summary, exit 1 on a regression.
 */
export async function comparePairs(
  report: Report,
  spec: AppBenchSpec,
  flags: CompareFlags & { quiet: boolean },
  stream: NodeJS.WriteStream,
): Promise<void> {
  const sides = splitPairs(report);
  const [base, head] = spec.sides;
  if (!sides || !base || !head) return;
  const comparison = compareReports(sides.base, sides.head, {
    ...compareOptionsFromFlags(flags),
    paired: true,
  });
  stream.write('\n');
  await reportComparison(
    comparison,
    { base: base.label, head: head.label },
    { format: 'table', quiet: flags.quiet, stream },
  );
}
