/**
 * The lesson contract: what a lesson folder's `lesson.ts` declares.
 *
 * A lesson is data, like a scenario: which scenario it measures and how, a prediction the learner
 * makes before anything runs, the claims its text makes (as checks on the measured report, so a
 * claim that does not hold on this machine is said to fail, never hidden), and what `verify`
 * demands of the learner's handler. Its prose lives next to it in Markdown.
 */
import type { MetricName } from '../../bench/report/metrics.ts';
import type { BenchOptions } from '../../bench/report/types.ts';
import type { AnyScenario, Params } from '../../scenarios/types.ts';

/** One number of a lesson's measurements: a metric's mean over runs for one variant. */
export interface Operand {
  /** The key of a measurement (a lesson's), or `verify` in verify criteria. */
  measurement: string;
  variant: string;
  metric: MetricName;
}

/**
 * `left op right × factor`: a claim about two measured numbers, or about one and a bound of
 * theory (`right` a number, in `left`'s unit), checked on the report.
 */
export interface Check {
  /** The claim in words, e.g. "async's loop lag p99 is under a tenth of sync's". */
  text: string;
  left: Operand;
  op: '<' | '>';
  right: Operand | number;
  factor: number;
}

export interface Claim extends Check {
  /** Why the claim can fail on a real machine; printed when it does. */
  whenItFails: string;
}

export interface Criterion extends Check {
  /** What to change when this check fails. */
  hint: string;
}

/** One benchmark of the lesson's scenario: a parameter set, some variants, an environment. */
export interface Measurement {
  /** Names it in claims and in the explanation: `{large.sync.lagP99Ms}`. */
  key: string;
  /** A few words for the progress display and the JSON, e.g. "16 MiB file". */
  label: string;
  /** Overrides of the scenario's defaults. */
  params: Params;
  variants: string[];
  /** Extra environment for the server children, e.g. UV_THREADPOOL_SIZE. */
  env?: Readonly<Record<string, string>>;
}

/** A choice holds when the measured quantity lies in [min, max). */
export interface Choice {
  text: string;
  min?: number;
  max?: number;
}

/**
 * A multiple-choice question about one measured quantity (a number, or the ratio of two).
 * The answer is not fixed: it is whichever choice the learner's own measurement lands in.
 */
export interface Prediction {
  question: string;
  quantity: { of: Operand; per?: Operand; unit: string };
  choices: Choice[];
}

export interface Lesson {
  /** kebab-case; also the exercise's file name. */
  id: string;
  title: string;
  /** The scenario every measurement and verify use. */
  scenario: AnyScenario;
  /** Bench options for the lesson's measurements: short enough to wait for, long enough to see. */
  bench: Partial<BenchOptions>;
  measurements: Measurement[];
  prediction: Prediction;
  claims: Claim[];
  exercise: {
    /** What the learner has to change in the starter, in one or two sentences. */
    task: string;
    hint: string;
  };
  verify: {
    /** The scenario parameters verify loads both handlers with. */
    params: Params;
    /** Bench options for this lesson's verify, over verify's defaults. */
    bench?: Partial<BenchOptions>;
    /** The built-in variant the learner's handler must answer like, and beat under load. */
    reference: string;
    /** Checks with `measurement: 'verify'`, variants `exercise` and the reference. */
    criteria: Criterion[];
  };
}

/** Identity function that gives a lesson module its types. */
export function defineLesson(lesson: Lesson): Lesson {
  return lesson;
}

/** The variant name a learner's handler is measured under. */
export const EXERCISE_VARIANT = 'exercise';

const fraction = (factor: number) =>
  ({ 0.5: 'half', 0.25: 'a quarter', 0.1: 'a tenth' })[factor] ?? `${factor}×`;

/**
 * verify's usual criteria: the learner's loop lag p99 under a quarter of the blocking
 * reference's, and the bystander's /ping p99 under half (unless `factors` says otherwise),
 * measured in the same session. /ping
 * gets the looser bound: it also waits for the scheduler, which a loaded machine makes noisy.
 */
export function responsiveCriteria(
  reference: string,
  hints: { lag: string; ping: string },
  factors: { lag: number; ping: number } = { lag: 0.25, ping: 0.5 },
): Criterion[] {
  const check = (
    metric: 'lagP99Ms' | 'pingP99Ms',
    factor: number,
    text: string,
    hint: string,
  ): Criterion => ({
    text: `${text} is under ${fraction(factor)} of the blocking reference's`,
    left: { measurement: 'verify', variant: EXERCISE_VARIANT, metric },
    op: '<',
    right: { measurement: 'verify', variant: reference, metric },
    factor,
    hint,
  });
  return [
    check('lagP99Ms', factors.lag, "your handler's loop lag p99", hints.lag),
    check('pingP99Ms', factors.ping, "the bystander's /ping p99", hints.ping),
  ];
}
