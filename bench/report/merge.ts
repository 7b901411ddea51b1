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

/**
 * One report holding every run of every input, in input order and renumbered; the environment
 * and options of the first, with `runs` the most runs any variant now has.
 *
 * @throws {LooplabError} LOOPLAB_ERR_REPORTS_DIFFER when the inputs come from different machines,
 *   or ran with different options or parameters: their runs are not samples of one thing.
 */
export function mergeReports(reports: readonly Report[], names: readonly string[]): Report {
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
      merged.set(key, {
        entry: seen?.entry ?? entry,
        runs: [...(seen?.runs ?? []), ...entry.runs],
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
  return {
    ...first,
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
    warnings: reportWarnings(results, first.environment.cpuCount),
    ...(sentinel && { sentinel }),
  };
}
