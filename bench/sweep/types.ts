/**
 * What `looplab sweep` measures and writes: latency against offered load, step by step, from an
 * open-model generator (bench/run/load/open-load.ts) that sends each request when it is due,
 * whatever the server does. The contract between the sweep's parts: the generator fills a step's
 * load figures, the run (bench/run/sweep.ts) adds the server's, the pure core (knee.ts, theory.ts) reads
 * them, and the renderers (table, CSV, Markdown, HTML) and the JSON Schema
 * (bench/sweep/sweep.schema.json) follow this shape. Times are in ms, rates per second.
 */
import type { StopSignal } from '../../core/errors.ts';
import type { Environment } from '../report/types.ts';

/** The version of the sweep document's shape; readers refuse a version they do not know. */
export const SWEEP_SCHEMA_VERSION = 1;

/** What marks a JSON document as a sweep, not a bench report. */
export const SWEEP_KIND = 'looplab-sweep';

/** A latency distribution over one step's requests, in ms. */
export interface LatencyPercentiles {
  p50: number;
  p90: number;
  p99: number;
  /** p99.9 */
  p999: number;
  max: number;
  /** The smallest; absent in sweeps written before it was kept. */
  min?: number;
}

/**
 * When requests arrive: `poisson` (exponential gaps, the M of the M/D/1 prediction; the default)
 * or `uniform` (one every 1/rate s, as wrk2 sends).
 */
export type Arrivals = 'poisson' | 'uniform';

/** Who could not keep up at a step: the generator (it could not send on time) or the server. */
export type LimitedBy = 'generator' | 'server';

/** One step of one variant in one sweep run: one constant offered rate, held for `holdSec`. */
export interface SweepStep {
  offeredPerSec: number;
  /**
   * Requests due in the hold, per second of it: the offered rate as the arrivals drew it (poisson
   * varies by about ±1/√n: ±18% for 30 requests). What achievedPerSec is judged against.
   */
  arrivedPerSec: number;
  /**
   * The rate the server answered the hold's requests at: what arrived, times the share answered
   * in time, over the pace of the answers against the arrivals (achievedRate in
   * open-tally.ts). null when the step failed.
   */
  achievedPerSec: number | null;
  /** Requests due in the hold, sent, and answered (each counted once). */
  due: number;
  sent: number;
  answered: number;
  /**
   * Corrected for coordinated omission: each request timed from when it was due, so a request
   * that waited for a connection, or for a frozen server, carries that wait. A request still
   * unanswered at the timeout counts at the timeout. The headline. null: nothing answered.
   */
  latencyMs: LatencyPercentiles | null;
  /** The same requests timed from when each was sent: the wait inside the server only. */
  uncorrectedLatencyMs: LatencyPercentiles | null;
  errors: number;
  timeouts: number;
  /** The server loop's utilisation over the hold (the probe); null: not measured (--url). */
  elu: number | null;
  /** The loop's lag p99, corrected for coordinated omission as bench's is; null: not measured. */
  lagP99Ms: number | null;
  /** The bystander `/ping` p99 over the hold; null: no ping answered. */
  pingP99Ms: number | null;
  /** null: the rate was held. Otherwise who could not hold it, and `limitedWhy` says why. */
  limitedBy: LimitedBy | null;
  /** One sentence a user can act on; null when `limitedBy` is null. */
  limitedWhy: string | null;
  /** The generator's own figures, to judge it by. */
  generator: {
    /** Its thread's event-loop utilisation over the hold. */
    elu: number;
    /** How late its sends went out after their due time, p99 and max (ms); null: none was sent. */
    sendLagP99Ms: number | null;
    sendLagMaxMs: number | null;
    /**
     * The send lag p99 of the sends that found a connection free: the generator's own lateness,
     * without waits for a connection (ms); null: none did; absent from older sweeps.
     */
    freeSendLagP99Ms?: number | null;
    /** Connections it had open at the end of the hold, and the most it may open. */
    connections: number;
    maxConnections: number;
  };
}

/**
 * Why a step is past the knee: the three tests of the issue, any of which marks it; `errors`, over
 * 1% of the step's requests failed (an error status, a reset: shedding load is the capacity
 * finding); `failed`, the run failed at that rate (the server crashed or answered nothing).
 */
export type KneeReason = 'latency' | 'utilisation' | 'throughput' | 'errors' | 'failed';

/**
 * The knee of one variant's curve: the first offered rate where the corrected p99 passes
 * `k` × its low-load p99 (the lower of the first two steps'), or the loop's utilisation reaches 0.9, or achieved
 * falls under 95% of offered.
 */
export interface Knee {
  /** The first step past the knee; null when no step reached it. */
  atPerSec: number | null;
  /** Every test that step failed; empty when `atPerSec` is null. */
  reasons: KneeReason[];
  /** The last step before it (the highest rate it took well); null when the first step was past it. */
  lastGoodPerSec: number | null;
  /**
   * The low-load p99 the latency test multiplies (ms): the lower of the first two held steps';
   * null when the first step had none.
   */
  baselineP99Ms: number | null;
}

/** A latency requirement, as `--slo "p99<50ms"` gives it. */
export interface Slo {
  /** As the user wrote it, for messages and headings. */
  text: string;
  percentile: Exclude<keyof LatencyPercentiles, 'min'>;
  /** The corrected percentile must be strictly under this. */
  underMs: number;
}

/** One sweep of one variant: its steps in the order run, and what they say. */
export interface SweepRun {
  run: number;
  startedAt: string;
  state: 'completed' | 'failed';
  /** Why it failed (the server would not start, it crashed at a step); absent when completed. */
  reason?: string;
  /** The rate of the step it failed at: its knee (reason `failed`); absent when it failed before any step. */
  failedAtPerSec?: number;
  steps: SweepStep[];
  knee: Knee;
  /** The highest offered rate that met the SLO, held, below the first miss the next step confirms (sloRate); null: none did, or no SLO. */
  sloPerSec: number | null;
}

/** One point of the M/D/1 prediction: W = s + ρs / (2(1 − ρ)), ρ = rate × s. */
export interface TheoryPoint {
  offeredPerSec: number;
  /** Mean time in the system the model predicts (ms); null at ρ ≥ 1 (no steady state). */
  predictedMeanMs: number | null;
}

export interface SweepVariant {
  /** `sync`, `async`, or for an app the route: `GET /orders`. */
  variant: string;
  /** How messages name it: `busy-wait sync`, `--cmd "node server.js" /orders`. */
  label: string;
  runs: SweepRun[];
  /** The knees of its completed runs, and their median; compare judges the knee on `perRun`. */
  knee: { medianPerSec: number | null; perRun: (number | null)[] };
  slo: { medianPerSec: number | null; perRun: (number | null)[] } | null;
  /**
   * The ceiling, 1000 / (the cost of one request in ms), and where that cost came from: `micro`
   * (tinybench, a scenario's operation alone) or `low-load` (an app's: the slope of utilisation
   * on achieved over the steps below the knee). null: not measured, or too cheap to read.
   */
  ceiling: { perSec: number; serviceMs: number; source: 'micro' | 'low-load' } | null;
  /** The M/D/1 prediction at each offered rate, from the ceiling's service time; [] without one. */
  theory: TheoryPoint[];
}

export interface SweepOptions {
  /** As given: `10,20,40`, `10:200:10` or `auto`. */
  rates: string;
  /** The rates run, in order (for `auto`, the steps it took). */
  stepsPerSec: number[];
  arrivals: Arrivals;
  warmupSec: number;
  holdSec: number;
  /** A pause with no load after the warm-up, before the hold: the server finishes what it left. */
  settleSec: number;
  runs: number;
  /** The knee's latency factor. */
  k: number;
  slo: Slo | null;
  /** A request slower than this counts as a timeout, at this time. */
  timeoutSec: number;
  maxConnections: number;
  pingRateHz: number;
}

/** The document `looplab sweep --json` writes. */
export interface SweepReport {
  kind: typeof SWEEP_KIND;
  schemaVersion: typeof SWEEP_SCHEMA_VERSION;
  createdAt: string;
  /** false when Ctrl-C or SIGTERM stopped it: it holds the steps that completed. */
  complete: boolean;
  /** With complete false: the signal that stopped it. */
  stoppedBy?: StopSignal;
  /** With complete false: --runs × variants, the variant runs the whole sweep would have had. */
  plannedRuns?: number;
  /** With complete false: rates × variants × runs; null for --rates auto (open-ended). */
  plannedSteps?: number | null;
  environment: Environment;
  /** What was swept: a scenario's id, or `--cmd` and its paths. */
  target: { scenario: string; params: Record<string, unknown> } | { cmd: string; paths: string[] };
  options: SweepOptions;
  variants: SweepVariant[];
  /** async's median knee over sync's, for a scenario with both; null otherwise or when either is null. */
  kneeRatio: number | null;
  /** What a reader must know to trust the numbers: a step the generator could not hold, failed runs. */
  warnings: string[];
}
