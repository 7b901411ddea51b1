import type { Selection } from '../../scenarios/select.ts';
import type { AnyScenario, Params } from '../../scenarios/types.ts';

/** What names a run in progress lines and file names: a scenario's or an app's. */
export interface RunLabel {
  scenario: { id: string };
  variant: string;
  /** 1-based run number within this scenario and variant. */
  run: number;
}

export interface Job extends RunLabel {
  scenario: AnyScenario;
  params: Params;
  handlerFile?: string;
}

/**
 * Orders the runs: scenario by scenario, and within one scenario the variants interleaved
 * (A B A B ...), as node core's benchmark/compare.js does, so drift in machine speed during the
 * benchmark hits every variant alike instead of whichever ran last.
 */
export function planJobs(selection: readonly Selection[], runs: number): Job[] {
  const jobs: Job[] = [];
  for (const s of selection) {
    for (let run = 1; run <= runs; run++) {
      for (const variant of s.variants) {
        const handlerFile = s.handlerFiles?.[variant];
        jobs.push({
          scenario: s.scenario,
          variant,
          params: s.params,
          run,
          ...(handlerFile && { handlerFile }),
        });
      }
    }
  }
  return jobs;
}
