/**
 * A lesson's sweep measurements: each one `looplab sweep` of the lesson's scenario at the
 * measurement's rates, with --quick's short steps, run by the sweep's own harness
 * (bench/run/sweep.ts): the same generator, servers, bystander and knee as the command's.
 */

import { scenarioTarget } from '../../bench/run/measure-run.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { runSweep, type SweepHooks, type SweepSettings } from '../../bench/run/sweep.ts';
import { DEFAULT_KNEE_K } from '../../bench/sweep/knee.ts';
import type { SweepReport } from '../../bench/sweep/types.ts';
import type { Params } from '../../scenarios/types.ts';
import { measurementParams } from './measure.ts';
import type { Lesson, Measurement } from './types.ts';

/** `looplab sweep --quick`'s steps, one run: enough to see the knee in a lesson, not to quote. */
export const LESSON_SWEEP: Omit<SweepSettings, 'rates'> = {
  arrivals: 'poisson',
  warmupSec: 0.5,
  holdSec: 1,
  settleSec: 0.5,
  runs: 1,
  k: DEFAULT_KNEE_K,
  slo: null,
  timeoutSec: 10,
  maxConnections: 256,
  pingRateHz: 50,
};

/** The measurements of a lesson that are sweeps. */
export const sweepMeasurements = (lesson: Pick<Lesson, 'measurements'>): Measurement[] =>
  lesson.measurements.filter((m) => m.sweep !== undefined);

/**
 * Sweeps each of a lesson's sweep measurements, in order; reports keyed by measurement.
 * `settings` shortens the steps (the tests) or the rates.
 */
export async function measureSweeps(
  lesson: Lesson,
  hooks: SweepHooks & { onMeasurement?: (m: Measurement) => void } = {},
  settings: Partial<SweepSettings> = {},
): Promise<Record<string, SweepReport>> {
  const sweeps: Record<string, SweepReport> = {};
  for (const m of sweepMeasurements(lesson)) {
    hooks.onMeasurement?.(m);
    sweeps[m.key] = await sweepVariants(
      lesson,
      {
        params: m.params,
        variants: m.variants,
        ratesPerSec: m.sweep?.ratesPerSec ?? [],
        // sync's operation timed alone: the ceiling the knee is read against.
        ceiling: m.variants.includes('sync'),
      },
      hooks,
      settings,
    );
  }
  return sweeps;
}

/** What to sweep of a lesson's scenario: its variants, a learner's file as a variant of its own. */
export interface VariantSweep {
  params: Params;
  variants: readonly string[];
  ratesPerSec: readonly number[];
  /** A variant's handler from a file (verify's learner's files), by variant name. */
  handlerFiles?: Readonly<Record<string, string>>;
  /** Time sync's operation alone first, for its ceiling. */
  ceiling?: boolean;
}

/** One sweep of a lesson's scenario, with the lesson's short steps unless `settings` says otherwise. */
export function sweepVariants(
  lesson: Lesson,
  what: VariantSweep,
  hooks: SweepHooks = {},
  settings: Partial<SweepSettings> = {},
): Promise<SweepReport> {
  const params = measurementParams(lesson, what.params);
  const selection = { scenario: lesson.scenario, variants: [...what.variants], params };
  return runSweep(
    {
      target: { scenario: lesson.scenario.id, params },
      variants: what.variants.map((variant) => {
        const handlerFile = what.handlerFiles?.[variant];
        return {
          variant,
          label: `${lesson.scenario.id} ${variant}`,
          run: scenarioTarget(
            {
              scenario: lesson.scenario,
              variant,
              params,
              run: 1,
              ...(handlerFile && { handlerFile }),
            },
            DEFAULT_OPTIONS,
            hooks.signal ? { signal: hooks.signal } : {},
          ),
        };
      }),
      ...(what.ceiling && { ceilingOf: selection }),
    },
    { ...LESSON_SWEEP, rates: what.ratesPerSec.join(','), ...settings },
    hooks,
  );
}
