/**
 * One run's record: the pure function that turns a run's raw measurements (autocannon's, the
 * bystander's and the probe's) into the metrics the report keeps.
 */
import { round } from '../../core/numbers.ts';
import type { ProbeData } from '../../scenarios/probe/protocol.ts';
import type { UpstreamReading } from '../../scenarios/upstream/protocol.ts';
import { percentile } from '../stats/descriptive.ts';
import type { BystanderResult, CompletedRun, LoadResult } from './types.ts';
import { upstreamMetrics, upstreamRun } from './upstream.ts';

/** autocannon is one JS thread: past this share of it, it is the bottleneck, not the server. */
export const GENERATOR_SATURATED_ELU = 0.9;

export interface RunInputs {
  run: number;
  startedAt: string;
  serverPid: number | null;
  load: LoadResult;
  ping: BystanderResult;
  probe: ProbeData | null;
  /** With `workers`, autocannon ran on that many threads of its own, not on the harness's. */
  generator: { elu: number; cpuPct: number; workers?: number };
  sentinelMs?: number;
  otherPorts?: readonly number[];
  /** The reading of the upstream the server called, for a scenario that calls one. */
  upstream?: UpstreamReading | null;
}

/**
 * Whether autocannon, not the server, set the pace. On the harness's thread, its utilisation
 * tells. On worker threads it does not (that thread only waits), so the harness's CPU time
 * shared out over the workers does: each near a whole core means each is saturated.
 */
export function generatorSaturated(g: RunInputs['generator']): boolean {
  return g.workers
    ? g.cpuPct / g.workers >= GENERATOR_SATURATED_ELU * 100
    : g.elu >= GENERATOR_SATURATED_ELU;
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
    ...(i.sentinelMs !== undefined && { sentinelMs: i.sentinelMs }),
    ...(i.otherPorts && i.otherPorts.length > 0 && { otherPorts: [...i.otherPorts] }),
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
    ...upstreamMetrics(i.upstream, i.load.requestsTotal),
    requestsTotal: i.load.requestsTotal,
    pingSent: i.ping.sent,
    pingErrors: i.ping.errors,
    pingTimeouts: i.ping.timeouts,
    lagSamples: p?.lagSamples ?? null,
    heapUsedMaxBytes: p?.heapUsedMaxBytes ?? null,
    loopCpuMs: p?.loopCpuMs ?? null,
    loadGenerator: {
      elu: round(i.generator.elu, 4),
      cpuPct: round(i.generator.cpuPct, 1),
      saturated: generatorSaturated(i.generator),
      ...(i.generator.workers && { workers: i.generator.workers }),
    },
    timelineIntervalMs: p?.timelineIntervalMs ?? null,
    timeline: p?.timeline ?? [],
    stalls: p?.stalls ?? null,
    ...(i.upstream && { upstream: upstreamRun(i.upstream) }),
  };
}

/**
 * Why a run that finished its window still measured nothing worth keeping, or null. Such a run
 * is marked failed with this reason, so its numbers never pass for the work's:
 * - any non-2xx answer: the numbers would measure the server's failures, not its work;
 * - no request to the loaded path finished although `/ping` was answered: the loop was free, so the handler
 *   never finished (or one request takes longer than the window).
 * A server that answered nothing at all, /ping included, was blocked: that is a measurement.
 */
export function runProblem(
  load: LoadResult,
  ping: BystanderResult,
  durationSec: number,
  /** The loaded path, for the message. */
  path = '/',
): string | null {
  if (load.non2xx > 0) {
    return (
      `the server answered ${load.non2xx.toLocaleString('en-US')} of ` +
      `${load.requestsTotal.toLocaleString('en-US')} requests with an error status (not 2xx): ` +
      'these numbers would measure its failures, not its work'
    );
  }
  if (load.requestsTotal === 0 && load.timeouts === 0 && ping.latenciesMs.length > 0) {
    return (
      `no request to ${path} finished in the ${durationSec} s window while the event loop answered ` +
      `/ping ${ping.latenciesMs.length} times: the handler never finished, or one request takes ` +
      'longer than --duration'
    );
  }
  return null;
}
