/**
 * The per-run metrics of a report: their names, units and which direction is better, and the
 * pure function that turns one run's raw measurements into them.
 *
 * The unit is in every name (`lagP99Ms`, `rssMaxBytes`) so that no reader has to guess.
 */

import { round } from '../../core/numbers.ts';
import type { ProbeData, TimelinePoint } from '../../scenarios/probe/protocol.ts';
import type { BystanderResult } from '../run/bystander-worker.ts';
import type { LoadResult } from '../run/load.ts';
import { percentile } from '../stats/descriptive.ts';

export interface MetricSpec {
  unit: 'req/s' | 'B/s' | 'ms' | 'count' | 'ratio' | 'bytes';
  better: 'higher' | 'lower';
  label: string;
}

export const METRICS = {
  requestsPerSec: { unit: 'req/s', better: 'higher', label: 'throughput' },
  bytesPerSec: { unit: 'B/s', better: 'higher', label: 'bytes/s' },
  latencyP50Ms: { unit: 'ms', better: 'lower', label: 'latency p50' },
  latencyP90Ms: { unit: 'ms', better: 'lower', label: 'latency p90' },
  latencyP99Ms: { unit: 'ms', better: 'lower', label: 'latency p99' },
  latencyMaxMs: { unit: 'ms', better: 'lower', label: 'latency max' },
  errors: { unit: 'count', better: 'lower', label: 'errors' },
  timeouts: { unit: 'count', better: 'lower', label: 'timeouts' },
  non2xx: { unit: 'count', better: 'lower', label: 'non-2xx' },
  pingP50Ms: { unit: 'ms', better: 'lower', label: '/ping p50' },
  pingP99Ms: { unit: 'ms', better: 'lower', label: '/ping p99' },
  pingMaxMs: { unit: 'ms', better: 'lower', label: '/ping max' },
  lagP50Ms: { unit: 'ms', better: 'lower', label: 'loop lag p50' },
  lagP99Ms: { unit: 'ms', better: 'lower', label: 'loop lag p99' },
  lagMaxMs: { unit: 'ms', better: 'lower', label: 'loop lag max' },
  elu: { unit: 'ratio', better: 'lower', label: 'loop utilisation' },
  cpuUserMs: { unit: 'ms', better: 'lower', label: 'CPU user' },
  cpuSystemMs: { unit: 'ms', better: 'lower', label: 'CPU system' },
  rssMaxBytes: { unit: 'bytes', better: 'lower', label: 'peak RSS' },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** null where a run could not measure the metric (no /ping answered; the probe switched off). */
export type RunMetrics = Record<MetricName, number | null>;

export interface LoadGeneratorLoad {
  /** Event-loop utilisation of the harness thread that runs autocannon, over the window. */
  elu: number;
  /** CPU time of the whole harness process, as a percentage of one core. */
  cpuPct: number;
  /** True when the numbers measure autocannon rather than the server. */
  saturated: boolean;
}

/** autocannon is one JS thread: past this share of it, it is the bottleneck, not the server. */
export const GENERATOR_SATURATED_ELU = 0.9;

export interface CompletedRun extends RunMetrics {
  state: 'completed';
  run: number;
  startedAt: string;
  serverPid: number;
  /** The load window: requestsPerSec and bytesPerSec divide by it. */
  windowMs: number;
  /** The probe's window, which the server-side metrics cover; null with the probe off. */
  serverWindowMs: number | null;
  requestsTotal: number;
  pingSent: number;
  pingErrors: number;
  pingTimeouts: number;
  lagSamples: number | null;
  heapUsedMaxBytes: number | null;
  loadGenerator: LoadGeneratorLoad;
  timelineIntervalMs: number | null;
  timeline: TimelinePoint[];
}

export interface FailedRun {
  state: 'failed';
  run: number;
  startedAt: string;
  code: string | null;
  reason: string;
}

export type RunRecord = CompletedRun | FailedRun;

export interface RunInputs {
  run: number;
  startedAt: string;
  serverPid: number;
  load: LoadResult;
  ping: BystanderResult;
  probe: ProbeData | null;
  generator: { elu: number; cpuPct: number };
}

/** Turns one run's raw measurements into its report record. */
export function buildCompletedRun(i: RunInputs): CompletedRun {
  const seconds = i.load.elapsedMs / 1000;
  // A ping that timed out waited at least the timeout: it counts as that, not as nothing, or a
  // server too blocked to answer would look fast.
  const timedOut = Array.from({ length: i.ping.timeouts }, () => i.ping.timeoutMs);
  const pings = [...i.ping.latenciesMs, ...timedOut].sort((a, b) => a - b);
  // autocannon reports latency 0 when nothing completed: that is no measurement, not a fast one.
  const answered = i.load.requestsTotal > 0;
  const latency = (ms: number) => (answered ? ms : null);
  const pingAt = (p: number) => (pings.length > 0 ? round(percentile(pings, p)) : null);
  const p = i.probe;
  return {
    state: 'completed',
    run: i.run,
    startedAt: i.startedAt,
    serverPid: i.serverPid,
    windowMs: round(i.load.elapsedMs),
    serverWindowMs: p?.windowMs ?? null,
    requestsPerSec: round(i.load.requestsTotal / seconds),
    bytesPerSec: Math.round(i.load.bytesTotal / seconds),
    latencyP50Ms: latency(i.load.latencyP50Ms),
    latencyP90Ms: latency(i.load.latencyP90Ms),
    latencyP99Ms: latency(i.load.latencyP99Ms),
    latencyMaxMs: latency(i.load.latencyMaxMs),
    errors: i.load.errors,
    timeouts: i.load.timeouts,
    non2xx: i.load.non2xx,
    pingP50Ms: pingAt(50),
    pingP99Ms: pingAt(99),
    pingMaxMs: pings.length > 0 ? round(pings[pings.length - 1] as number) : null,
    lagP50Ms: p?.lagP50Ms ?? null,
    lagP99Ms: p?.lagP99Ms ?? null,
    lagMaxMs: p?.lagMaxMs ?? null,
    elu: p?.elu ?? null,
    cpuUserMs: p?.cpuUserMs ?? null,
    cpuSystemMs: p?.cpuSystemMs ?? null,
    rssMaxBytes: p?.rssMaxBytes ?? null,
    requestsTotal: i.load.requestsTotal,
    pingSent: i.ping.sent,
    pingErrors: i.ping.errors,
    pingTimeouts: i.ping.timeouts,
    lagSamples: p?.lagSamples ?? null,
    heapUsedMaxBytes: p?.heapUsedMaxBytes ?? null,
    loadGenerator: {
      elu: round(i.generator.elu, 4),
      cpuPct: round(i.generator.cpuPct, 1),
      saturated: i.generator.elu >= GENERATOR_SATURATED_ELU,
    },
    timelineIntervalMs: p?.timelineIntervalMs ?? null,
    timeline: p?.timeline ?? [],
  };
}
