/**
 * What bench does for a user's own server beyond what it does for scenarios: the checks before
 * it starts, its plan, and the paired comparison of `--cmd` with `--vs-cmd` at the end.
 */
import { compareReports } from '../../bench/compare/compare.ts';
import { compareOptionsFromFlags } from '../../bench/compare/options.ts';
import { splitPairs } from '../../bench/report/pairs.ts';
import type { BenchOptions, Report } from '../../bench/report/types.ts';
import { type AppBenchSpec, planAppJobs } from '../../bench/run/app-bench.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { plural } from '../../core/numbers.ts';
import { type AppFlags, checkReachable } from '../options/app.ts';
import type { CompareFlags } from '../options/compare.ts';
import { reportComparison } from './comparison.ts';

const badOption = (message: string) => new LooplabError(ERROR_CODES.BAD_OPTION, message);

/** @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION when a scenario-only flag comes with --cmd or --url. */
export function checkScenarioFlagsUnused(flags: {
  variant: string[];
  param: string[];
  cpuProf?: string;
}): void {
  const used = [
    flags.variant.length > 0 && '--variant',
    flags.param.length > 0 && '--param',
    flags.cpuProf !== undefined && '--cpu-prof',
  ].filter(Boolean);
  if (used.length > 0) {
    throw badOption(
      `${used.join(' and ')} apply to scenarios, not to --cmd or --url; leave it out`,
    );
  }
}

/** @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION when a flag for your own server comes without --cmd or --url. */
export function checkAppFlagsUnused(flags: AppFlags): void {
  const used = [
    flags.path.length > 0 && '--path',
    flags.ping !== undefined && '--ping',
    flags.port !== undefined && '--port',
    flags.header.length > 0 && '--header',
    flags.body !== undefined && '--body',
    flags.method.toUpperCase() !== 'GET' && '--method',
  ].filter(Boolean);
  if (used.length > 0) {
    throw badOption(`${used.join(' and ')} go with --cmd or --url; scenarios answer GET / only`);
  }
}

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
