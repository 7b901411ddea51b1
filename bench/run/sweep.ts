/**
 * `looplab sweep`'s run layer: each variant driven at one constant arrival rate after another by
 * the open-model generator, on ONE fresh server per variant per sweep run, kept alive across its
 * steps. A step is a warm-up at its rate (excluded), a settle for the server to drain, then the
 * hold: the probe's window and the bystander's open as its load starts, and are read when it
 * ends. The server start, the bystander, the window and the probe read are measure-run.ts's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Interrupted } from '../../core/errors.ts';
import { plural, round } from '../../core/numbers.ts';
import type { Selection } from '../../scenarios/select.ts';
import { pingTimesMs } from '../report/run-record.ts';
import { percentile } from '../stats/descriptive.ts';
import { withErrorKnee } from '../sweep/errors-knee.ts';
import { autoShouldStop, findKnee, sloRate } from '../sweep/knee.ts';
import { classifyLimit } from '../sweep/limit.ts';
import { nextAutoRate, parseRates, type RatePlan } from '../sweep/rates.ts';
import { stepProblem } from '../sweep/step-problem.ts';
import {
  fewRequestsWarning,
  kneeRatio,
  summarizeVariant,
  sweepWarnings,
} from '../sweep/summary.ts';
import { ceilingFromMicro, ceilingFromSteps } from '../sweep/theory.ts';
import {
  SWEEP_KIND,
  SWEEP_SCHEMA_VERSION,
  type SweepOptions,
  type SweepReport,
  type SweepRun,
  type SweepStep,
  type SweepVariant,
} from '../sweep/types.ts';
import { captureEnvironment } from './environment.ts';
import type { Bystander } from './load/bystander.ts';
import { type OpenLoad, startOpenLoad } from './load/open-load.ts';
import { GENERATOR_ELU_LIMIT } from './load/open-tally.ts';
import { bystanderOf, openWindow, type RunTarget } from './measure-run.ts';
import { measureCeilings } from './micro.ts';
import { NoAnswerError } from './process/probe-request.ts';
import type { MeasuredServer } from './process/target.ts';

/** One variant to sweep: a scenario's variant, or one route of the user's server. */
export interface SweepTarget {
  /** `sync`, or for an app the route as given: `/orders`. */
  variant: string;
  /** How messages name it: `busy-wait sync`. */
  label: string;
  /** Started afresh for each sweep run (a new server each call). */
  run: RunTarget;
}

export interface SweepSpec {
  target: SweepReport['target'];
  variants: readonly SweepTarget[];
  /** A scenario's selection, to time its sync operation for the ceiling (micro); none for an app. */
  ceilingOf?: Selection;
  /** The environment of the servers (the report's uvThreadpoolSize); default ours. */
  env?: NodeJS.ProcessEnv;
}

/** What the user asked for: SweepOptions without the rates run, which the sweep decides. */
export type SweepSettings = Omit<SweepOptions, 'stepsPerSec'>;

export interface SweepHooks {
  signal?: AbortSignal;
  onCeilingStart?: () => void;
  /** A variant's server is starting for sweep run `run`. */
  onStart?: (variant: SweepTarget, run: number) => void;
  onStep?: (variant: SweepTarget, run: number, step: SweepStep) => void;
  /** A variant's run ended as failed: its steps so far are kept. */
  onFailed?: (variant: SweepTarget, run: number, reason: string) => void;
}

/** A variant's server, its bystander and its generator, kept alive across one sweep run's steps. */
interface Session {
  target: SweepTarget;
  server: MeasuredServer | undefined;
  bystander: Bystander | undefined;
  load: OpenLoad | undefined;
  run: SweepRun;
  /** For `--rates auto`: no more steps (past the knee, or failed). */
  done: boolean;
}

/**
 * The seed of a run's variant's arrivals: one per run and variant, so that `--runs` samples the
 * arrivals' own variance and no two variants share a draw, while the same sweep draws the same.
 * Its generator draws each window (a step's warm-up, its hold) from the seed plus the window's
 * number, at most 2 × MAX_STEPS of them: so the seeds are 1,000 apart (1 apart, a variant's hold
 * drew what the next variant's warm-up at that step drew).
 */
export function arrivalSeed(run: number, variant: number): number {
  return run * 1_000_000 + variant * 1_000;
}

/** `seed` draws the poisson arrivals (arrivalSeed). */
async function startSession(
  session: Session,
  settings: SweepSettings,
  signal: AbortSignal | undefined,
  seed: number,
): Promise<void> {
  const server = await session.target.run.start();
  session.server = server;
  signal?.throwIfAborted();
  session.bystander = bystanderOf(server, settings);
  session.load = await startOpenLoad({
    url: server.origin,
    requests: session.target.run.requests,
    arrivals: settings.arrivals,
    maxConnections: settings.maxConnections,
    timeoutSec: settings.timeoutSec,
    seed,
    ...(signal && { signal }),
  });
}

async function stopSession(session: Session): Promise<void> {
  const { load, bystander, server } = session;
  session.load = undefined;
  session.bystander = undefined;
  session.server = undefined;
  await load?.close().catch(() => undefined);
  // Together: pings waiting on a blocked server end when it is stopped.
  await Promise.all([bystander?.stop().catch(() => undefined), server?.stop()]);
}

/**
 * One step at `rate` on a session's server; throws why the step failed: the server crashed, its
 * loop did not answer the probe within --timeout, or it answered none of the hold's requests.
 * Errors and timeouts are counted on the step, not thrown: the knee judges them. Neither window
 * is judged by the silence at its end (bench's closed-loop test): with open-model arrivals, a
 * stretch without a request due is ordinary.
 */
async function runStep(
  session: Session,
  rate: number,
  settings: SweepSettings,
  signal: AbortSignal | undefined,
): Promise<SweepStep> {
  const { server, bystander, load } = session;
  if (!server || !bystander || !load) throw new Error('the variant was not started');
  const path = session.target.run.requests[0]?.path ?? '/';
  const timeoutMs = settings.timeoutSec * 1000;
  if (settings.warmupSec > 0) {
    // Its requests still out are waited for here (up to --timeout), so that no window of the
    // generator's starts while another's requests are in flight.
    await load.run(rate, settings.warmupSec, { settle: true });
    signal?.throwIfAborted();
  }
  // The settle: what the warm-up (or the step before) left queued, the server finishes now;
  // openWindow then waits for it to be idle before the probe's window may open.
  if (settings.settleSec > 0) await sleep(settings.settleSec * 1000, undefined, { signal });
  const windowMs = settings.holdSec * 1000;
  await openWindow(server, bystander, {
    windowMs,
    atFirstRequest: true,
    advice: 'use a longer --settle, a shorter --warmup or lower --rates',
  });
  signal?.throwIfAborted();
  const window = await load.run(rate, settings.holdSec, {
    settle: true,
    onStart: () => bystander.open(windowMs),
  });
  signal?.throwIfAborted();
  const [ping, probe] = await Promise.all([
    bystander.read(),
    server.readProbe(timeoutMs).catch((err: unknown) => {
      if (!(err instanceof NoAnswerError)) throw err;
      throw new Error(
        `its event loop did not answer looplab within --timeout (${settings.timeoutSec} s) after the hold: it is blocked, in an endless loop or synchronous work that does not end`,
      );
    }),
  ]);
  signal?.throwIfAborted();
  const pings = pingTimesMs(ping);
  const measured = {
    ...window.step,
    elu: probe?.elu ?? null,
    lagP99Ms: probe?.lagP99Ms ?? null,
    pingP99Ms: pings.length > 0 ? round(percentile(pings, 99)) : null,
  };
  const step: SweepStep = {
    ...measured,
    ...classifyLimit({
      offeredPerSec: measured.offeredPerSec,
      arrivedPerSec: measured.arrivedPerSec,
      achievedPerSec: measured.achievedPerSec,
      generatorLimited: window.generatorLimited,
      connectionsExhausted: window.connectionsExhausted,
      elu: measured.elu,
      sentP50Ms: measured.uncorrectedLatencyMs?.p50 ?? null,
      generatorStarved: measured.generator.elu >= GENERATOR_ELU_LIMIT,
      sendLagP99Ms: measured.generator.sendLagP99Ms,
      lowLoadSentP50Ms:
        session.run.steps.find((s) => s.limitedBy !== 'generator')?.uncorrectedLatencyMs?.p50 ??
        null,
    }),
  };
  // After the generator's judgement: a step it could not send is never the server's fault.
  const problem = stepProblem(step, {
    path,
    holdSec: settings.holdSec,
    timeoutSec: settings.timeoutSec,
  });
  if (problem) throw new Error(problem);
  return step;
}

function emptyRun(run: number): SweepRun {
  return {
    run,
    startedAt: new Date().toISOString(),
    state: 'completed',
    steps: [],
    knee: { atPerSec: null, reasons: [], lastGoodPerSec: null, baselineP99Ms: null },
    sloPerSec: null,
  };
}

function failRun(
  session: Session,
  reason: string,
  hooks: SweepHooks,
  run: number,
  atPerSec?: number,
): void {
  session.run.state = 'failed';
  session.run.reason = reason;
  if (atPerSec !== undefined) session.run.failedAtPerSec = atPerSec;
  session.done = true;
  hooks.onFailed?.(session.target, run, reason);
}

/** The rate of a variant's step `index`: the list's, or auto's next; null when there is none. */
function rateAt(
  plan: RatePlan,
  index: number,
  steps: readonly SweepStep[],
  k: number,
): number | null {
  if (plan.kind === 'fixed') return plan.ratesPerSec[index] ?? null;
  const last = steps.at(-1);
  if (last === undefined) return plan.startPerSec;
  // Past an errors knee too: a server shedding load at a rate sheds more above it.
  const erring = withErrorKnee(findKnee(steps, k), steps).atPerSec;
  const pastErrors = erring !== null && last.offeredPerSec > erring;
  return autoShouldStop(steps, k) || pastErrors ? null : nextAutoRate(last.offeredPerSec, plan);
}

/**
 * One sweep run: every variant's server started, then the steps interleaved (variant A's first
 * rate, B's first, A's second, …) so that the machine's drift hits them alike; with `auto` each
 * variant stops on its own. Its sessions are stopped whatever happens.
 */
async function sweepOnce(
  spec: SweepSpec,
  settings: SweepSettings,
  run: number,
  hooks: SweepHooks,
): Promise<SweepRun[]> {
  const { signal } = hooks;
  const plan = parseRates(settings.rates);
  const sessions: Session[] = spec.variants.map((target) => ({
    target,
    server: undefined,
    bystander: undefined,
    load: undefined,
    run: emptyRun(run),
    done: false,
  }));
  try {
    for (const [i, s] of sessions.entries()) {
      hooks.onStart?.(s.target, run);
      try {
        await startSession(s, settings, signal, arrivalSeed(run, i));
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        failRun(s, err instanceof Error ? err.message : String(err), hooks, run);
        await stopSession(s);
      }
    }
    for (let index = 0; sessions.some((s) => !s.done); index++) {
      for (const s of sessions) {
        if (s.done) continue;
        const rate = rateAt(plan, index, s.run.steps, settings.k);
        if (rate === null) {
          s.done = true;
          continue;
        }
        try {
          const step = await runStep(s, rate, settings, signal);
          s.run.steps.push(step);
          hooks.onStep?.(s.target, run, step);
        } catch (err) {
          if (signal?.aborted) throw signal.reason;
          failRun(
            s,
            `at ${rate}/s: ${err instanceof Error ? err.message : String(err)}`,
            hooks,
            run,
            rate,
          );
          await stopSession(s);
        }
      }
    }
    return sessions.map((s) => s.run);
  } catch (err) {
    // Stopped: the caller keeps the steps completed so far, marked incomplete.
    if (err instanceof Interrupted)
      throw new StoppedSweep(
        err,
        sessions.map((s) => s.run),
      );
    throw err;
  } finally {
    await Promise.all(sessions.map(stopSession));
  }
}

/** An interrupt in a sweep run, with the steps that run completed. */
class StoppedSweep extends Error {
  readonly runs: SweepRun[];
  constructor(interrupted: Interrupted, runs: SweepRun[]) {
    super(interrupted.message);
    this.runs = runs;
  }
}

/** The knee and SLO rate of a run, from its steps (errors and the rate it failed at included). */
function judgeRun(run: SweepRun, settings: SweepSettings): SweepRun {
  return {
    ...run,
    knee: withErrorKnee(findKnee(run.steps, settings.k), run.steps, run.failedAtPerSec),
    sloPerSec: settings.slo === null ? null : sloRate(run.steps, settings.slo),
  };
}

/**
 * An app's ceiling, from the steps of every run that it held below its knee (ceilingFromSteps):
 * a step past the knee holds a queue, and its utilisation no longer grows with what it answered.
 */
function lowLoadCeiling(runs: readonly SweepRun[]): SweepVariant['ceiling'] {
  return ceilingFromSteps(
    runs.flatMap((r) =>
      r.steps.filter(
        (s) =>
          s.limitedBy === null && s.offeredPerSec < (r.knee.atPerSec ?? Number.POSITIVE_INFINITY),
      ),
    ),
  );
}

function summarize(
  target: SweepTarget,
  runs: SweepRun[],
  settings: SweepSettings,
  micro: { meanMs: number } | undefined,
  scenario: boolean,
): SweepVariant {
  // micro times a scenario's sync operation: the cost of one of sync's requests on the loop,
  // and of no other variant's. An app's cost is read from its steps below the knee instead.
  const ceiling = scenario
    ? micro && target.variant === 'sync'
      ? ceilingFromMicro(micro.meanMs)
      : null
    : lowLoadCeiling(runs);
  return summarizeVariant(target.variant, target.label, runs, ceiling, settings);
}

function warningsOf(
  variants: readonly SweepVariant[],
  settings: SweepSettings,
  stopped: Interrupted | null,
  planned: ReturnType<typeof sweepPlanned> | null,
): string[] {
  const steps = variants.reduce((n, v) => n + v.runs.reduce((m, r) => m + r.steps.length, 0), 0);
  const of = planned?.plannedSteps ? ` of ${planned.plannedSteps} planned` : '';
  const partial = stopped
    ? [
        `partial: stopped by ${stopped.signal} after ${plural(steps, 'step')}${of}; the steps that completed are kept`,
      ]
    : [];
  const rates = variants.flatMap((v) => v.runs.flatMap((r) => r.steps.map((s) => s.offeredPerSec)));
  const few = fewRequestsWarning(rates, settings.holdSec);
  return [
    ...partial,
    ...sweepWarnings({ variants: [...variants], options: settings }, stopped !== null),
    ...(few === null ? [] : [few]),
  ];
}

/** What a partial sweep says of its stop and its plan: stoppedBy, plannedRuns, plannedSteps. */
export function sweepPlanned(
  stopped: Interrupted,
  settings: Pick<SweepSettings, 'runs' | 'rates'>,
  variants: number,
): Required<Pick<SweepReport, 'stoppedBy' | 'plannedRuns' | 'plannedSteps'>> {
  const plan = parseRates(settings.rates);
  const runs = settings.runs * variants;
  return {
    stoppedBy: stopped.signal,
    plannedRuns: runs,
    plannedSteps: plan.kind === 'fixed' ? plan.ratesPerSec.length * runs : null,
  };
}

/**
 * Runs the sweep `settings.runs` times, each with fresh servers, and builds its report. On an
 * Interrupted abort (Ctrl-C, SIGTERM) it returns what completed, `complete: false`; it throws
 * the interrupt when no step had completed, and any other abort.
 */
export async function runSweep(
  spec: SweepSpec,
  settings: SweepSettings,
  hooks: SweepHooks = {},
): Promise<SweepReport> {
  const environment = captureEnvironment(spec.env);
  const createdAt = new Date().toISOString();
  const { signal } = hooks;
  // Before any server starts, so that nothing of ours competes with the timing.
  let micro: { meanMs: number; ceilingPerSec: number } | undefined;
  if (spec.ceilingOf?.variants.includes('sync')) {
    hooks.onCeilingStart?.();
    [micro] = await measureCeilings([spec.ceilingOf], signal);
  }
  const runsOf = new Map<SweepTarget, SweepRun[]>(spec.variants.map((v) => [v, []]));
  let stopped: Interrupted | null = null;
  for (let run = 1; run <= settings.runs && !stopped; run++) {
    let runs: SweepRun[];
    try {
      signal?.throwIfAborted();
      runs = await sweepOnce(spec, settings, run, hooks);
    } catch (err) {
      const reason: unknown = signal?.aborted ? signal.reason : undefined;
      if (!(reason instanceof Interrupted)) throw err;
      stopped = reason;
      runs = err instanceof StoppedSweep ? err.runs : [];
    }
    for (const [i, r] of runs.entries()) {
      const target = spec.variants[i] as SweepTarget;
      // A run the stop cut short keeps its steps; one with none has nothing to say.
      if (stopped && r.steps.length === 0) continue;
      runsOf.get(target)?.push(judgeRun(r, settings));
    }
  }
  const variants = spec.variants
    .map((t) => summarize(t, runsOf.get(t) ?? [], settings, micro, 'scenario' in spec.target))
    .filter((v) => v.runs.length > 0);
  if (stopped && variants.every((v) => v.runs.every((r) => r.steps.length === 0))) throw stopped;
  const planned = stopped ? sweepPlanned(stopped, settings, spec.variants.length) : null;
  const stepsPerSec = [
    ...new Set(variants.flatMap((v) => v.runs.flatMap((r) => r.steps.map((s) => s.offeredPerSec)))),
  ].sort((a, b) => a - b);
  return {
    kind: SWEEP_KIND,
    schemaVersion: SWEEP_SCHEMA_VERSION,
    createdAt,
    complete: stopped === null,
    ...planned,
    environment,
    target: spec.target,
    options: { ...settings, stepsPerSec },
    variants,
    kneeRatio: kneeRatio(variants),
    warnings: warningsOf(variants, settings, stopped, planned),
  };
}
