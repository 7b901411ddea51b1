/**
 * The report model's types, in one place: the versioned JSON document `looplab bench` writes
 * (docs/design.md, "The report"), and the raw measurements a run is built from. The JSON Schema
 * beside this file (report.schema.json) describes the same document for other readers.
 *
 * Units are in the names (`lagP99Ms`, `rssMaxBytes`); a metric a run could not measure is null.
 */

import type { StopSignal } from '../../core/errors.ts';
import type {
  StallReading,
  StallsRecorded,
  TimelinePoint,
} from '../../scenarios/probe/protocol.ts';
import type { Params } from '../../scenarios/types.ts';
import type { UpstreamReading } from '../../scenarios/upstream/protocol.ts';
import type { Summary } from '../stats/descriptive.ts';
import type { MetricName } from './metrics.ts';

/**
 * Bump on any change that an older reader would misread. 2: lagP50Ms and lagP99Ms are corrected
 * for coordinated omission, the raw ones are lagRawP50Ms and lagRawP99Ms (read.ts reads 1 too).
 */
export const SCHEMA_VERSION = 2;

/** Earlier versions this looplab still reads, upgrading them as it reads (read.ts). */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, SCHEMA_VERSION];

/** A journal's header's marker: what tells a journal from a report or any other NDJSON. */
export const JOURNAL_KIND = 'looplab-journal';

/** The bench options that shape every run; a report records the ones it ran with. */
export interface BenchOptions {
  /** Length of the measurement window of each run. */
  durationSec: number;
  /** Load applied before the window opens, then thrown away: JIT, caches and pools settle. */
  warmupSec: number;
  connections: number;
  runs: number;
  /** Rate of the bystander's `/ping` calls. */
  pingRateHz: number;
  /** A request slower than this counts as a timeout. */
  timeoutSec: number;
  timelineIntervalMs: number;
  /** autocannon's worker threads (--workers); absent: autocannon runs on the harness's thread. */
  workers?: number;
  /**
   * A loop late by at least this much has the stack that held it captured (scenarios/probe/
   * stall-watchdog.ts). Null or absent (and in reports written before it existed): off.
   */
  stallThresholdMs?: number | null;
}

/** The environment fingerprint: what makes two reports comparable, or not. */
export interface Environment {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  /** 1, 5 and 15 minute load averages when the benchmark started: a busy machine skews results. */
  loadAverage: [number, number, number];
  /** null means unset, which is libuv's default of 4 threads. */
  uvThreadpoolSize: number | null;
  /**
   * NODE_OPTIONS the servers ran with (--max-old-space-size, --jitless…: flags that change what
   * they measure); null when unset, absent from reports written before it was recorded.
   */
  nodeOptions?: string | null;
  looplabVersion: string;
  /** null outside a git checkout. */
  gitCommit: string | null;
}

/** What autocannon measured over one window (bench/run/load/load.ts). */
export interface LoadResult {
  /** The window: from the first send to the close, after which nothing new was sent. */
  elapsedMs: number;
  /** When the window opened, in ms since the epoch (timeOrigin + now); absent when unknown. */
  startEpochMs?: number;
  /** Answered in the window (on autocannon's workers, in each connection's own window). */
  requestsTotal: number;
  /** Sent in the window; absent when unknown. */
  requestsSent?: number;
  /** In flight at the close and answered while the load waited for them; absent when unknown. */
  requestsAfterClose?: number;
  /** The step of the latencies: 0.001 when timed to the µs (on one thread or on workers). */
  latencyResolutionMs?: number;
  bytesTotal: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Time to first byte of every response completed in the window, in ms (load.ts). */
  ttfbMs: number[];
  /** From the start of the load to its last answer in the window; absent for none. */
  lastAnswerMs?: number;
  /** The slowest answered request (timeouts excluded), where the load knows it. */
  answeredMaxMs?: number;
  /** A WebSocket scenario's messages (message-load.ts); absent for HTTP. */
  messages?: MessageResult;
}

/**
 * What the WebSocket driver measured over one window (bench/run/load/message-load.ts). Its requests
 * are the messages: `requestsTotal` of the load counts those answered to their sender, its
 * latencies are their round trips.
 */
export interface MessageResult {
  sent: number;
  /** Deliveries in time, to every client. */
  delivered: number;
  late: number;
  dropped: number;
  deliveryP50Ms: number | null;
  deliveryP99Ms: number | null;
  deliveryMaxMs: number | null;
  /** The driver's sends went out later than their schedule: it could not hold the rate. */
  behindSchedule: boolean;
}

/** What the bystander's `/ping` calls cost over one window (bench/run/load/bystander-worker.ts). */
export interface BystanderResult {
  /** Answered pings only; `timeouts` counts the others, each of which waited `timeoutMs`. */
  latenciesMs: number[];
  /** How late each ping counted went out, from when it was due (the bystander's own delay); absent: not timed. */
  sendDelaysMs?: number[];
  timeoutMs: number;
  sent: number;
  errors: number;
  timeouts: number;
}

/** null where a run could not measure the metric (no /ping answered; the probe switched off). */
export type RunMetrics = Record<MetricName, number | null>;

export interface LoadGeneratorLoad {
  /** Event-loop utilisation of the harness thread that runs autocannon, over the window. */
  elu: number;
  /** CPU time of the whole harness process, as a percentage of one core. */
  cpuPct: number;
  /** True when the numbers measure autocannon rather than the server. */
  saturated: boolean;
  /** autocannon's worker threads, when it ran on them (--workers). */
  workers?: number;
}

export interface CompletedRun extends RunMetrics {
  state: 'completed';
  run: number;
  startedAt: string;
  /** null when looplab did not start the server (`--url`). */
  serverPid: number | null;
  /** The machine-speed sentinel timed before the run (bench/run/sentinel.ts); absent in older reports. */
  sentinelMs?: number;
  /** Ports the app listened on besides the measured one (`--cmd`); absent when none. */
  otherPorts?: number[];
  /** The load window: requestsPerSec and bytesPerSec divide by it. */
  windowMs: number;
  /** The probe's window, which the server-side metrics cover; null with the probe off. */
  serverWindowMs: number | null;
  /**
   * The probe's window's opening and end, in ms from the load window's opening (the load's window
   * is 0 to windowMs), by the two processes' clocks; absent with the probe off, for a load that
   * does not tell its opening (WebSocket), and in reports written before they existed.
   */
  serverWindowStartMs?: number;
  serverWindowEndMs?: number;
  requestsTotal: number;
  /**
   * Requests sent in the window; absent in reports written before it existed. Those in flight at
   * its close were waited for, up to --timeout: answered, they count in the latencies
   * (`requestsAfterClose`), else as timeouts.
   */
  requestsSent?: number;
  /** Of the requests sent, those answered after the window closed; absent when unknown. */
  requestsAfterClose?: number;
  /**
   * The step of the latency figures in ms: 0.001 when looplab timed each response to the µs, 1
   * for autocannon's whole milliseconds (--workers in reports written before they kept books). Absent in reports written before it existed:
   * read as 1 for HTTP, 0.001 for WebSocket (report/resolution.ts).
   */
  latencyResolutionMs?: number;
  pingSent: number;
  pingErrors: number;
  pingTimeouts: number;
  /**
   * How late the bystander's pings went out, from when each was due, 99th percentile in ms: its
   * own thread's delay (a busy machine), part of the /ping figures; null when no ping was counted,
   * absent in reports written before it existed.
   */
  pingSendDelayP99Ms?: number | null;
  lagSamples: number | null;
  heapUsedMaxBytes: number | null;
  /**
   * CPU time of the server's event-loop thread alone, in the probe's window; absent in reports
   * written before it existed, null when the probe was off or the platform cannot tell.
   */
  loopCpuMs?: number | null;
  /**
   * Bytes the scenario wrote to its own output in the probe's window (sync-logging: its log);
   * absent for a scenario without one, or with the probe off.
   */
  outputBytes?: number;
  loadGenerator: LoadGeneratorLoad;
  timelineIntervalMs: number | null;
  timeline: TimelinePoint[];
  /**
   * What held the loop in the window (scenarios/probe/stall-watchdog.ts); null with stall
   * capture off or the probe off; absent in reports written before it existed.
   */
  stalls?: StallReading | null;
  /** What the upstream the server called served in the window; absent for other scenarios. */
  upstream?: UpstreamRun;
}

/** The upstream's own reading of a run's window, and whether it set the pace (upstream.ts). */
export interface UpstreamRun extends UpstreamReading {
  /** True when it answered late or its loop was saturated: then not the server alone set the pace. */
  bottleneck: boolean;
}

/** A run that failed is data, not an exception: the other runs survive it. */
export interface FailedRun {
  state: 'failed';
  run: number;
  startedAt: string;
  sentinelMs?: number;
  code: string | null;
  reason: string;
}

export type RunRecord = CompletedRun | FailedRun;

export type Heuristic = 'lagMedian' | 'lagMax' | 'elu' | 'ping';

export interface Finding {
  heuristic: Heuristic;
  text: string;
}

/** looplab's diagnosis of one variant, in words (diagnosis.ts). */
export interface Diagnosis {
  /** null when no completed run measured the loop (the probe off, every run failed). */
  healthy: boolean | null;
  /** What crossed a threshold; empty when healthy. */
  findings: Finding[];
  /** One sentence: the findings, or the healthy numbers. */
  text: string;
}

/** What an entry of `bench --cmd` or `bench --url` measured; scenarios have none. */
export interface AppTarget {
  /** The command that started the server (--cmd, --vs-cmd), or null for --url. */
  command: string | null;
  /** The origin given with --url, or null for a command (its port is found per run). */
  url: string | null;
  method: string;
  /** With its query. */
  path: string;
  /** The names of the headers sent; their values are left out, as they may be secrets. */
  headerNames: string[];
  /** Bytes of the body sent with each request; null for none. */
  bodyBytes: number | null;
  /**
   * The bystander's route on the app: --ping, or with --url a route no app has, whose 404 the
   * app's loop answers; null: the preload's own.
   */
  pingPath: string | null;
  /** false for --url: no probe ran, and the loop metrics are null. */
  probe: boolean;
  /** The port measured when the app listens on several (--port); null: the first it listened on. */
  port: number | null;
}

export interface ResultEntry {
  scenario: string;
  /** For an app (`--cmd`, `--url`), the path as given. */
  variant: string;
  params: Params;
  /** For an app: what was measured; absent for scenarios. */
  target?: AppTarget;
  /** Every run, in run order, failed ones included: compare does its statistics on these. */
  runs: RunRecord[];
  /** Over the completed runs; a metric a run could not measure (null) is left out of its summary. */
  summary: Record<MetricName, Summary>;
  /** looplab's diagnosis in words; absent in reports written before it existed. */
  diagnosis?: Diagnosis;
  /** What held the loop, over every run that recorded stalls (report/stalls.ts); else absent. */
  stalls?: StallSummary;
}

/** The stalls of several runs of one variant, added up: the stacks ranked by their total time. */
export interface StallSummary extends Omit<StallsRecorded, 'state'> {
  /** How many runs recorded stalls (the others had capture off or unavailable). */
  runs: number;
}

export interface ScenarioVerdict {
  scenario: string;
  text: string;
}

/** The cost of one scenario's sync operation, timed alone, and the ceiling it sets (run/micro.ts). */
export interface MicroResult {
  scenario: string;
  params: Params;
  /** What the operation is: the summary of the `sync` variant that does it per request. */
  operation: string;
  samples: number;
  meanMs: number;
  p99Ms: number;
  /** Relative margin of error of the mean at 95%, in percent. */
  rmePct: number;
  /** 1000 / meanMs: the most requests per second one event loop doing this can finish. */
  ceilingPerSec: number;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  createdAt: string;
  /**
   * false when Ctrl-C or SIGTERM stopped the benchmark: it holds the runs that completed, and
   * variants without one are left out. Absent in reports written before it existed (complete).
   */
  complete?: boolean;
  /** With `complete: false`: the signal that stopped it. */
  stoppedBy?: StopSignal;
  /** With `complete: false`: how many runs the whole benchmark would have had. */
  plannedRuns?: number;
  environment: Environment;
  options: BenchOptions & { scenarios: string[]; params: Record<string, Params> };
  results: ResultEntry[];
  verdicts: ScenarioVerdict[];
  /** Things a reader must know to trust the numbers: a saturated load generator, failed runs. */
  warnings: string[];
  /** Per scenario, the cost of its sync operation and the ceiling it sets, when measured. */
  ceilings?: MicroResult[];
  /** The machine-speed sentinel over every run; absent in reports written before it existed. */
  sentinel?: SentinelSummary;
  /**
   * `bench --cmd A --vs-cmd B`: the scenario names of the two sides. Their runs with the same
   * number ran side by side in time, so their comparison can use the pairing.
   */
  pairs?: { base: string; head: string };
}

/** The machine-speed sentinel (bench/run/sentinel.ts) over a benchmark's runs. */
export interface SentinelSummary {
  /** What was timed, so that only like is compared with like. */
  workload: string;
  /** Runs that timed it. */
  n: number;
  meanMs: number | null;
  /** Coefficient of variation over the runs: the machine's own noise; null when n < 2. */
  cv: number | null;
}
