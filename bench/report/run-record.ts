/**
 * One run's record: the pure function that turns a run's raw measurements (autocannon's, the
 * bystander's and the probe's) into the metrics the report keeps.
 */
import { round } from '../../core/numbers.ts';
import type { ProbeData } from '../../scenarios/probe/protocol.ts';
import { percentile } from '../stats/descriptive.ts';
import type { BystanderResult, CompletedRun, LoadResult } from './types.ts';

/** autocannon is one JS thread: past this share of it, it is the bottleneck, not the server. */
export const GENERATOR_SATURATED_ELU = 0.9;

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
  const ttfb = [...i.load.ttfbMs].sort((a, b) => a - b);
  const ttfbAt = (p: number) => (ttfb.length > 0 ? round(percentile(ttfb, p)) : null);
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
    ttfbP50Ms: ttfbAt(50),
    ttfbP99Ms: ttfbAt(99),
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
