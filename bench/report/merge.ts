/**
 * Merging reports of the same benchmark run at different times into one, so that CI can
 * alternate base and head (base, head, base, head) and still compare one report per side:
 * drift in the runner's speed then hits both sides alike.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { buildResultEntry, summarizeSentinel } from './build.ts';
import { environmentDifferences, optionDifferences } from './comparable.ts';
import type { Report, ResultEntry, RunRecord } from './types.ts';
import { scenarioVerdicts } from './verdict.ts';
import { reportWarnings } from './warnings.ts';

/** Runs of an input that an earlier input already had: `merge out a.json a.json`. */
export interface SkippedRuns {
  /** The input they were in, and the earlier one that had them first. */
  name: string;
  firstIn: string;
  count: number;
}

/**
 * A run is one server's window: the same start and the same server pid is the same run, read
 * twice, and counting it twice would inflate the sample `compare` tests.
 */
const runIdentity = (run: RunRecord) =>
  `${run.startedAt}\u0000${run.state === 'completed' ? run.serverPid : 'failed'}`;

/**
 * One report holding every run of every input once, in input order and renumbered; the
 * environment and options of the first, with `runs` the most runs any variant now has.
 *
 * @throws {LooplabError} LOOPLAB_ERR_REPORTS_DIFFER when the inputs come from different machines,
 *   or ran with different options or parameters: their runs are not samples of one thing.
 */
export function mergeReports(reports: readonly Report[], names: readonly string[]): Report {
  return mergeRuns(reports, names).report;
}

const runsIn = (r: Report) => r.results.reduce((n, e) => n + e.runs.length, 0);

/** `stopped by SIGINT`; for a report made from an unfinished journal, `unfinished`. */
export const stopText = (r: Pick<Report, 'stoppedBy'>) =>
  r.stoppedBy ? `stopped by ${r.stoppedBy}` : 'unfinished (made from its journal)';

/**
 * Partial when any input is (Ctrl-C stopped it): stopped by the first partial input's signal, and
 * planned as many runs as the inputs planned together; complete when none is.
 */
function mergedCompleteness(reports: readonly Report[]) {
  const stopped = reports.find((r) => r.complete === false);
  if (!stopped) return { complete: true as const };
  return {
    complete: false as const,
    ...(stopped.stoppedBy && { stoppedBy: stopped.stoppedBy }),
    plannedRuns: reports.reduce((n, r) => n + (r.plannedRuns ?? runsIn(r)), 0),
  };
}

/** One warning for each partial input, naming it, so that the merged report says where the gap is. */
function partialInputs(reports: readonly Report[], names: readonly string[]): string[] {
  return reports.flatMap((r, i) =>
    r.complete === false
      ? [
          `partial: ${names[i]} was ${stopText(r)} after ${runsIn(r)} of ${r.plannedRuns} planned runs`,
        ]
      : [],
  );
}

/** mergeReports, saying which runs it skipped because an earlier input had them. */
export function mergeRuns(
  reports: readonly Report[],
  names: readonly string[],
): { report: Report; skipped: SkippedRuns[] } {
  const first = reports[0];
  if (!first) throw new RangeError('mergeReports: no reports');
  reports.forEach((r, i) => {
    const env = environmentDifferences(first.environment, r.environment);
    const opts = optionDifferences(first.options, r.options);
    if (env.length > 0 || opts.length > 0) {
      throw new LooplabError(
        ERROR_CODES.REPORTS_DIFFER,
        `${names[i]} differs from ${names[0]} (${[...env, ...opts].join('; ')}); merge only reports of one benchmark on one machine`,
      );
    }
  });

  const merged = new Map<string, { entry: ResultEntry; runs: RunRecord[] }>();
  const seenIn = new Map<string, number>();
  const skipped = new Map<string, SkippedRuns>();
  reports.forEach((report, i) => {
    for (const entry of report.results) {
      const key = `${entry.scenario}\u0000${entry.variant}`;
      const seen = merged.get(key);
      if (seen && JSON.stringify(seen.entry.params) !== JSON.stringify(entry.params)) {
        throw new LooplabError(
          ERROR_CODES.REPORTS_DIFFER,
          `${names[i]} runs ${entry.scenario} with other parameters (${JSON.stringify(entry.params)} vs ${JSON.stringify(seen.entry.params)}); merge only reports of one benchmark`,
        );
      }
      const fresh = entry.runs.filter((run) => {
        const id = `${key}\u0000${runIdentity(run)}`;
        const first = seenIn.get(id);
        if (first === undefined) {
          seenIn.set(id, i);
          return true;
        }
        const pair = `${i}\u0000${first}`;
        const s = skipped.get(pair) ?? {
          name: names[i] ?? '',
          firstIn: names[first] ?? '',
          count: 0,
        };
        s.count += 1;
        skipped.set(pair, s);
        return false;
      });
      merged.set(key, {
        entry: seen?.entry ?? entry,
        runs: [...(seen?.runs ?? []), ...fresh],
      });
    }
  });

  const results = [...merged.values()].map(({ entry, runs }) => ({
    ...buildResultEntry(
      entry.scenario,
      entry.variant,
      entry.params,
      runs.map((run, i) => ({ ...run, run: i + 1 })),
    ),
    ...(entry.target && { target: entry.target }),
  }));
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const sentinel = first.sentinel && summarizeSentinel(results, first.sentinel.workload);
  const { complete: _c, stoppedBy: _s, plannedRuns: _p, ...rest } = first;
  const report: Report = {
    ...rest,
    ...mergedCompleteness(reports),
    createdAt:
      reports
        .map((r) => r.createdAt)
        .sort()
        .at(-1) ?? first.createdAt,
    options: {
      ...first.options,
      runs: Math.max(...results.map((r) => r.runs.length)),
      scenarios,
      params: Object.fromEntries(results.map((r) => [r.scenario, r.params])),
    },
    results,
    verdicts: scenarioVerdicts(results),
    warnings: [
      ...partialInputs(reports, names),
      ...reportWarnings(results, first.environment.cpuCount),
    ],
    ...(sentinel && { sentinel }),
  };
  return { report, skipped: [...skipped.values()] };
}
