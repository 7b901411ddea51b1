/**
 * A lesson's measurements: each one a benchmark of the lesson's scenario with the harness, and
 * what the learner's numbers then say about the lesson's prediction and claims.
 */
import type { BenchOptions, Report } from '../../bench/report/types.ts';

import { type BenchHooks, runBench } from '../../bench/run/benchmark.ts';
import { STALL_THRESHOLD_MS } from '../../bench/run/options.ts';
import type { SweepReport } from '../../bench/sweep/types.ts';
import { defaultParams } from '../../scenarios/params.ts';
import type { Params } from '../../scenarios/types.ts';
import { type CeilingNote, ceilingNotes, formatCeilingNotes } from './ceiling.ts';
import {
  type CheckResult,
  evaluateCheck,
  firstOf,
  lookupIn,
  measuredChoice,
  predictionQuantity,
} from './claims.ts';
import { fillTemplate } from './explain.ts';
import { formatHeldByNotes, type HeldByNote, heldByNotes } from './held-by.ts';
import { sweepLookupIn } from './sweep.ts';
import type { Lesson, Measurement } from './types.ts';

/** Under a lesson's own options: stall capture on, so the explanation can name what held the loop. */
export const LESSON_OPTIONS: Partial<BenchOptions> = { stallThresholdMs: STALL_THRESHOLD_MS };

/** The scenario's defaults with the measurement's overrides. */
export function measurementParams(lesson: Lesson, params: Params): Params {
  return { ...defaultParams(lesson.scenario), ...params };
}

/**
 * Runs every measurement of a lesson, in order; reports keyed by measurement. With `keepPartial`,
 * a stop (Ctrl-C, SIGTERM) after a run completed ends it early: the stopped measurement's report
 * is partial (`complete: false`) and the measurements after it are absent. A stop before the
 * stopped measurement's first run ended keeps the earlier measurements' reports (that one is
 * absent; the caller sees the signal aborted); with none, it throws.
 */
export async function measureLesson(
  lesson: Lesson,
  options: BenchOptions,
  hooks: Omit<BenchHooks, 'env'> & {
    onMeasurement?: (m: Measurement) => void;
    /** Who else watches `m`'s runs (`lesson --live`): told each run's start and window. */
    watch?: (m: Measurement) => Pick<BenchHooks, 'onRunStart' | 'watchWindow'>;
  } = {},
): Promise<Record<string, Report>> {
  const reports: Record<string, Report> = {};
  const { onMeasurement, watch, ...bench } = hooks;
  // A sweep measurement is measure-sweep.ts's.
  for (const m of lesson.measurements.filter((x) => x.sweep === undefined)) {
    onMeasurement?.(m);
    const watcher = watch?.(m);
    const onRunStart: BenchHooks['onRunStart'] = (job, index, total) => {
      bench.onRunStart?.(job, index, total);
      watcher?.onRunStart?.(job, index, total);
    };
    const report = await runBench(
      [
        {
          scenario: lesson.scenario,
          variants: m.variants,
          params: measurementParams(lesson, m.params),
        },
      ],
      options,
      // The ceiling of sync's operation, for the explanation's arithmetic of blocking.
      {
        ...bench,
        onRunStart,
        ...(watcher?.watchWindow && { watchWindow: watcher.watchWindow }),
        ceilings: true,
        ...(m.env && { env: { ...process.env, ...m.env } }),
      },
    ).catch((error: unknown) => {
      // Nothing completed in this measurement: the earlier ones' runs are still kept.
      const stop = bench.keepPartial && bench.signal?.aborted;
      if (stop && Object.keys(reports).length > 0) return undefined;
      throw error;
    });
    if (report === undefined) break;
    reports[m.key] = report;
    if (report.complete === false) break;
  }
  return reports;
}

export interface PredictionOutcome {
  /** The measured quantity (a number, or a ratio), null when it was not measured. */
  quantity: number | null;
  /** The choice the measurement landed in. */
  measured: number | null;
  /** The learner's choice; null when the prediction was skipped. */
  answer: number | null;
  /** null when skipped or not measured. */
  right: boolean | null;
}

export interface LessonOutcome {
  prediction: PredictionOutcome;
  claims: (CheckResult & { whenItFails: string })[];
  /** explain.md with the learner's numbers filled in. */
  explanation: string;
  /** What one sync operation cost alone, and the ceiling it puts on the loop, per measurement. */
  ceilings: CeilingNote[];
  /** What held the loop in each variant that recorded stalls. */
  heldBy: HeldByNote[];
  warnings: string[];
}

/**
 * Every measurement's warnings, each named by its measurement when there are several: the same
 * warning from two measurements ("… kept all 2 cores busy") is two different facts.
 */
export function measurementWarnings(
  lesson: Pick<Lesson, 'measurements'>,
  reports: Readonly<Record<string, Report>>,
  sweeps: Readonly<Record<string, SweepReport>> = {},
): string[] {
  const named = lesson.measurements.length > 1;
  return lesson.measurements.flatMap((m) =>
    (reports[m.key]?.warnings ?? sweeps[m.key]?.warnings ?? []).map((w) =>
      named ? `${m.label}: ${w}` : w,
    ),
  );
}

/** What the measured reports (and sweeps, for a sweep measurement) say: pure. */
export function lessonOutcome(
  lesson: Lesson,
  reports: Readonly<Record<string, Report>>,
  explainTemplate: string,
  answer: number | null,
  sweeps: Readonly<Record<string, SweepReport>> = {},
): LessonOutcome {
  const lookup = firstOf(lookupIn(reports), sweepLookupIn(sweeps));
  const quantity = predictionQuantity(lesson.prediction, lookup);
  const measured = measuredChoice(lesson.prediction, quantity);
  const ceilings = ceilingNotes(lesson, reports);
  const heldBy = heldByNotes(lesson, reports);
  return {
    prediction: {
      quantity,
      measured,
      answer,
      right: answer === null || measured === null ? null : answer === measured,
    },
    claims: lesson.claims.map((c) => ({
      ...evaluateCheck(c, lookup),
      whenItFails: c.whenItFails,
    })),
    explanation:
      fillTemplate(explainTemplate, lookup) +
      formatCeilingNotes(ceilings) +
      formatHeldByNotes(heldBy),
    ceilings,
    heldBy,
    warnings: measurementWarnings(lesson, reports, sweeps),
  };
}
