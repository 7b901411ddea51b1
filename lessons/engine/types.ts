/**
 * The lesson contract: what a lesson folder's `lesson.ts` declares.
 *
 * A lesson is data, like a scenario: which scenario it measures and how, a prediction the learner
 * makes before anything runs, the claims its text makes (as checks on the measured report, so a
 * claim that does not hold on this machine is said to fail, never hidden), and what `verify`
 * demands of the learner's handler. Its prose lives next to it in Markdown.
 */
import type { BenchOptions } from '../../bench/report/types.ts';
import type { AnyScenario, Params, RequestSpec } from '../../scenarios/types.ts';
import type { LessonMetric } from './sweep-metrics.ts';

/** One number of a lesson's measurements: a metric's mean over runs for one variant. */
export interface Operand {
  /** The key of a measurement (a lesson's), or `verify` in verify criteria. */
  measurement: string;
  variant: string;
  /** A bench report's metric, or for a sweep measurement one of its figures (sweep.ts). */
  metric: LessonMetric;
}

/**
 * `left op right × factor (+ plus)`: a claim about two measured numbers, or about one and a bound
 * of theory (`right` a number, in `left`'s unit), checked on the report.
 */
export interface Check {
  /** The claim in words, e.g. "async's loop lag p99 is under a tenth of sync's". */
  text: string;
  left: Operand;
  op: '<' | '>';
  right: Operand | number;
  factor: number;
  /**
   * Added to right × factor, in `left`'s unit: a difference the physics fixes where a ratio
   * would move with the machine (two waits saved, whatever the work around them costs).
   */
  plus?: number;
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
  /**
   * Measured as a sweep instead of a bench: each variant driven by the open-model generator at
   * each of these arrival rates in turn (`looplab sweep --quick`'s steps); its operands name the
   * sweep's figures (sweep-metrics.ts).
   */
  sweep?: { ratesPerSec: readonly number[] };
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

/**
 * What the exercise's work is, so that `verify` can tell a handler that skipped it, or did it
 * once and answers from memory: such a handler keeps the loop free too, and would pass every
 * load criterion. Every lesson declares one (work.ts checks it).
 *
 * - `wait`: the work is waiting `params[param]` ms. Every request must take at least that long,
 *   timed one at a time and under load.
 * - `cpu`: the work is computing (or copying). Each request must cost the whole process
 *   (the loop, the threadpool and worker threads alike) at least `factor` × the CPU time the
 *   reference (or `against`) spends per request in the same session.
 * - `unseen`: the fix makes the work cheap (a regular expression that cannot backtrack), so no
 *   cost floor applies; what a cache or a special case cannot do is answer inputs it has never
 *   seen. verify sends `requests`, new for every run, one at a time to the learner's handler
 *   and to the reference: the answers must be the same, and the slowest of the learner's under
 *   `factor` × the reference's slowest.
 * - `output`: the work is writing (a log line): each request must add at least `factor` × the
 *   bytes the reference's requests add to the scenario's own output (Scenario.output).
 * - `calls`: the work is calling the scenario's upstream, `calls` times a request, each call
 *   waiting `params[param]` ms. The upstream itself counts the calls each request made, and
 *   every request must take at least one wait, as for `wait`.
 */
export type Work =
  | { kind: 'wait'; param: string }
  | { kind: 'calls'; calls: number; param: string }
  | {
      kind: 'cpu';
      /** What each request does, as a verb phrase: "derives the key", "reads the whole file". */
      task: string;
      factor: number;
      /** The built-in variant whose CPU sets the bar, when not the reference: verify measures it too. */
      against?: string;
      /**
       * `mebibyte`: CPU per MiB answered instead of per request, for answers so large that the
       * requests in flight when the window closes weigh on a per-request figure.
       */
      per?: 'request' | 'mebibyte';
    }
  | {
      kind: 'unseen';
      /** What each request does, as a verb phrase: "tests its path". */
      task: string;
      /** Requests the load never sends, different for every `seed`. */
      requests(params: Params, seed: number): RequestSpec[];
      factor: number;
    }
  | {
      kind: 'repeat';
      /** What each message does, as a verb phrase: "pays for its moderation". */
      task: string;
      /**
       * The learner's fastest answer to the load's largest request, asked again once its first
       * answer is in, must take at least `factor` of the reference's fastest: work remembered
       * answers a repeat at once.
       */
      factor: number;
    }
  | {
      kind: 'output';
      /** "writes its line to the log" */
      task: string;
      factor: number;
    };

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
    /** What the work is: how verify tells a handler that skips or caches it. */
    work: Work;
    /**
     * The loop thread's CPU time per request must be under this share of the reference's: the
     * work has left the event loop's thread. Absent for a lesson whose fix keeps the work on the
     * loop (partitioning), which the load criteria judge instead.
     *
     * `of: 'own'`: under this share of the learner's own server's CPU time instead, for a fix
     * whose loop keeps a large part of each request (reading a 1 MiB body): both sides of that
     * ratio come from the same runs, so what the machine does to CPU figures cancels out.
     */
    offLoop?: { factor: number; hint: string; of?: 'reference' | 'own' };
    /**
     * Also offer the learner's handler these arrival rates, one open-model step each (the
     * lesson's short sweep steps), after the closed loop: criteria with `measurement: 'verify'`,
     * the exercise's variant and a sweep figure (sweep-metrics.ts) read this sweep, for a lesson
     * whose exercise is capacity, which a closed loop's ten connections cannot show. The
     * reference is not swept: past its ceiling its backlog takes longer to drain than the sweep.
     */
    sweep?: { ratesPerSec: readonly number[] };
  };
}

/** Identity function that gives a lesson module its types. */
export function defineLesson(lesson: Lesson): Lesson {
  return lesson;
}

/** The variant name a learner's handler is measured under. */
export const EXERCISE_VARIANT = 'exercise';

/** A factor in words: 0.25 → `a quarter`. */
export const fraction = (factor: number): string =>
  ({ 0.75: 'three quarters', 0.5: 'half', 0.25: 'a quarter', 0.1: 'a tenth' })[factor] ??
  `${factor}×`;

/** A verify criterion on one metric: the learner's handler under `factor` × the reference's. */
function underReference(
  metric: 'lagP99Ms' | 'pingP99Ms',
  reference: string,
  factor: number,
  text: string,
  hint: string,
): Criterion {
  return {
    text: `${text} is under ${fraction(factor)} of the blocking reference's`,
    left: { measurement: 'verify', variant: EXERCISE_VARIANT, metric },
    op: '<',
    right: { measurement: 'verify', variant: reference, metric },
    factor,
    hint,
  };
}

/**
 * The bystander's criterion: /ping p99 with the learner's handler under `factor` × the
 * reference's, measured in the same session.
 */
export function bystanderCriterion(reference: string, hint: string, factor = 0.5): Criterion {
  return underReference('pingP99Ms', reference, factor, "the bystander's /ping p99", hint);
}

/**
 * verify's criteria for a fix that keeps the work on the loop (partitioning): the learner's loop
 * lag p99 under a quarter of the blocking reference's, and the bystander's /ping p99 under half
 * (unless `factors` says otherwise), measured in the same session. /ping gets the looser bound:
 * it also waits for the scheduler, which a loaded machine makes noisy.
 */
export function responsiveCriteria(
  reference: string,
  hints: { lag: string; ping: string },
  factors: { lag: number; ping: number } = { lag: 0.25, ping: 0.5 },
): Criterion[] {
  return [
    underReference('lagP99Ms', reference, factors.lag, "your handler's loop lag p99", hints.lag),
    bystanderCriterion(reference, hints.ping, factors.ping),
  ];
}

/**
 * verify's checks for a fix that moves the work off the loop's thread (onto a timer, the
 * threadpool, a worker): the loop thread's CPU per request under a quarter of the reference's
 * (unless `loopFactor` says otherwise), which a busy machine cannot move, and the bystander's /ping p99 under 0.75 of the reference's.
 * Not half for /ping: on a busy 2-core machine a reference solution's /ping p99 reached 0.58 of
 * the blocking reference's (1 run in 10, lesson 3), since /ping also waits for a core, and a
 * known-bad handler's went as low as 0.33; only the CPU check tells them apart reliably. /ping
 * stays for a loop held without CPU (a synchronous sleep), which lands near 1.
 */
export function offLoopVerify(
  reference: string,
  hints: { loop: string; ping: string },
  loopFactor = 0.25,
): Pick<Lesson['verify'], 'offLoop' | 'criteria'> {
  return {
    offLoop: { factor: loopFactor, hint: hints.loop },
    criteria: [bystanderCriterion(reference, hints.ping, 0.75)],
  };
}
