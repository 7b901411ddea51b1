/**
 * One run's record: the pure function that turns a run's raw measurements (autocannon's, the
 * bystander's and the probe's) into the metrics the report keeps.
 */
import { formatMs, round } from '../../core/numbers.ts';
import type { ProbeData } from '../../scenarios/probe/protocol.ts';
import type { UpstreamReading } from '../../scenarios/upstream/protocol.ts';
import { percentile } from '../stats/descriptive.ts';
import { LatencyHistogram } from '../stats/histogram.ts';
import type { BystanderResult, CompletedRun, LoadResult, MessageResult } from './types.ts';
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
  /**
   * With `workers`, autocannon ran on that many threads of its own, not on the harness's. With
   * `behindSchedule`, the WebSocket driver's sends went out late: it could not hold its rate.
   */
  generator: { elu: number; cpuPct: number; workers?: number; behindSchedule?: boolean };
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
  if (g.behindSchedule) return true;
  return g.workers
    ? g.cpuPct / g.workers >= GENERATOR_SATURATED_ELU * 100
    : g.elu >= GENERATOR_SATURATED_ELU;
}

/** A WebSocket run's message metrics, per second of the window; all null for HTTP. */
function messageMetrics(m: MessageResult | undefined, seconds: number) {
  return {
    messagesSentPerSec: m ? round(m.sent / seconds) : null,
    messagesDeliveredPerSec: m ? round(m.delivered / seconds) : null,
    deliveryP50Ms: m?.deliveryP50Ms ?? null,
    deliveryP99Ms: m?.deliveryP99Ms ?? null,
    deliveryMaxMs: m?.deliveryMaxMs == null ? null : round(m.deliveryMaxMs),
    messagesLate: m?.late ?? null,
    messagesDropped: m?.dropped ?? null,
  };
}

/**
 * The server's CPU time (user + system) per request answered, in ms: its CPU per second of the
 * probe's window over the requests per second of the load's, so that two windows a little apart
 * still divide like with like. A total over the window grows with the work served; this does not.
 * null without the probe's CPU or without an answered request.
 */
export function cpuPerRequestMs(
  r: Pick<
    CompletedRun,
    'cpuUserMs' | 'cpuSystemMs' | 'requestsTotal' | 'windowMs' | 'serverWindowMs'
  >,
): number | null {
  if (r.cpuUserMs === null || r.cpuSystemMs === null || !r.serverWindowMs) return null;
  if (!(r.requestsTotal > 0 && r.windowMs > 0)) return null;
  const cpuPerMs = (r.cpuUserMs + r.cpuSystemMs) / r.serverWindowMs;
  return round((cpuPerMs * r.windowMs) / r.requestsTotal, 6);
}

/** Where the probe's window lay against the load's (which runs from 0 to windowMs); null if unknown. */
export function serverWindowEdges(
  load: Pick<LoadResult, 'startEpochMs'>,
  probe: Pick<ProbeData, 'windowStartEpochMs' | 'windowMs'> | null,
): { serverWindowStartMs: number; serverWindowEndMs: number } | null {
  if (probe?.windowStartEpochMs === undefined || load.startEpochMs === undefined) return null;
  const start = probe.windowStartEpochMs - load.startEpochMs;
  return { serverWindowStartMs: round(start), serverWindowEndMs: round(start + probe.windowMs) };
}

/**
 * Every ping's time, sorted: an answered one's from when it was due, and a timed-out or failed one
 * at the timeout. A ping that timed out waited at least the timeout: it counts as that, not as
 * nothing, or a server too blocked to answer would look fast. So does a ping that failed (an error
 * status, a connection error): a route that answers 503 under load would otherwise look fast too.
 * `looplab live`'s frames count their pings by the same rule.
 */
export function pingTimesMs(
  ping: Pick<BystanderResult, 'latenciesMs' | 'timeoutMs' | 'timeouts' | 'errors'>,
): number[] {
  const timedOut = Array.from({ length: ping.timeouts + ping.errors }, () => ping.timeoutMs);
  return [...ping.latenciesMs, ...timedOut].sort((a, b) => a - b);
}

/** Turns one run's raw measurements into its report record. */
export function buildCompletedRun(i: RunInputs): CompletedRun {
  const seconds = i.load.elapsedMs / 1000;
  const pings = pingTimesMs(i.ping);
  // autocannon reports latency 0 when nothing completed: that is no measurement, not a fast one.
  // A request answered after the window closed, or timed out, was measured (load.ts).
  const answered =
    i.load.requestsTotal + (i.load.requestsAfterClose ?? 0) > 0 || i.load.latencyMaxMs > 0;
  const latency = (ms: number) => (answered ? round(ms) : null);
  const pingAt = (p: number) => (pings.length > 0 ? round(percentile(pings, p)) : null);
  const sendDelays = [...(i.ping.sendDelaysMs ?? [])].sort((a, b) => a - b);
  // The first byte's percentiles follow the latency's rule (request-tally.ts): nearest rank in a
  // histogram of µs. Interpolated between ranks, a first byte's p99 read 1,039.254 ms beside a
  // latency p99 of 1,038.848, later than the whole answer.
  const ttfb = new LatencyHistogram();
  for (const ms of i.load.ttfbMs) ttfb.record(ms);
  const ttfbAt = (p: number) => (ttfb.count > 0 ? round(ttfb.percentile(p) as number) : null);
  const p = i.probe;
  const cpuPerRequest = cpuPerRequestMs({
    cpuUserMs: p?.cpuUserMs ?? null,
    cpuSystemMs: p?.cpuSystemMs ?? null,
    requestsTotal: i.load.requestsTotal,
    windowMs: i.load.elapsedMs,
    serverWindowMs: p?.windowMs ?? null,
  });
  return {
    state: 'completed',
    run: i.run,
    startedAt: i.startedAt,
    serverPid: i.serverPid,
    ...(i.sentinelMs !== undefined && { sentinelMs: i.sentinelMs }),
    ...(i.otherPorts && i.otherPorts.length > 0 && { otherPorts: [...i.otherPorts] }),
    windowMs: round(i.load.elapsedMs),
    serverWindowMs: p?.windowMs ?? null,
    ...serverWindowEdges(i.load, p),
    requestsPerSec: round(i.load.requestsTotal / seconds),
    bytesPerSec: Math.round(i.load.bytesTotal / seconds),
    latencyP50Ms: latency(i.load.latencyP50Ms),
    latencyP90Ms: latency(i.load.latencyP90Ms),
    latencyP99Ms: latency(i.load.latencyP99Ms),
    latencyMaxMs: latency(i.load.latencyMaxMs),
    ttfbP50Ms: ttfbAt(50),
    ttfbP99Ms: ttfbAt(99),
    ...messageMetrics(i.load.messages, seconds),
    errors: i.load.errors,
    timeouts: i.load.timeouts,
    non2xx: i.load.non2xx,
    pingP50Ms: pingAt(50),
    pingP99Ms: pingAt(99),
    pingMaxMs: pings.length > 0 ? round(pings[pings.length - 1] as number) : null,
    lagP50Ms: p?.lagP50Ms ?? null,
    lagP99Ms: p?.lagP99Ms ?? null,
    lagRawP50Ms: p?.lagRawP50Ms ?? null,
    lagRawP99Ms: p?.lagRawP99Ms ?? null,
    lagMaxMs: p?.lagMaxMs ?? null,
    elu: p?.elu ?? null,
    cpuUserMs: p?.cpuUserMs ?? null,
    cpuSystemMs: p?.cpuSystemMs ?? null,
    cpuPerRequestMs: cpuPerRequest,
    rssMaxBytes: p?.rssMaxBytes ?? null,
    ...upstreamMetrics(i.upstream, i.load.requestsTotal),
    requestsTotal: i.load.requestsTotal,
    ...(i.load.requestsSent !== undefined && { requestsSent: i.load.requestsSent }),
    ...(i.load.requestsAfterClose !== undefined && {
      requestsAfterClose: i.load.requestsAfterClose,
    }),
    ...(i.load.latencyResolutionMs !== undefined && {
      latencyResolutionMs: i.load.latencyResolutionMs,
    }),
    pingSent: i.ping.sent,
    pingErrors: i.ping.errors,
    pingTimeouts: i.ping.timeouts,
    ...(i.ping.sendDelaysMs && {
      pingSendDelayP99Ms: sendDelays.length > 0 ? round(percentile(sendDelays, 99)) : null,
    }),
    lagSamples: p?.lagSamples ?? null,
    heapUsedMaxBytes: p?.heapUsedMaxBytes ?? null,
    loopCpuMs: p?.loopCpuMs ?? null,
    ...(p?.outputBytes !== undefined && { outputBytes: p.outputBytes }),
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
 * - no request to the loaded path finished in the window although `/ping` was answered: the loop
 *   was free, so the handler never finished (or one request takes longer than the window), even
 *   when the requests it left ended as timeouts.
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
  // Timed-out requests do not make it a measurement: a window now waits for its last requests,
  // so a handler that never finishes always ends in timeouts.
  if (load.requestsTotal === 0 && ping.latenciesMs.length > 0) {
    const timedOut =
      load.timeouts > 0 ? ` (${load.timeouts.toLocaleString('en-US')} timed out, --timeout)` : '';
    return (
      `no request to ${path} finished in the ${durationSec} s window${timedOut} while the event loop answered ` +
      `/ping ${ping.latenciesMs.length} times: the handler never finished, or one request takes ` +
      'longer than --duration'
    );
  }
  return null;
}

/**
 * How long a load went without an answer at its end, when that silence says the server stopped
 * answering rather than worked slowly; null otherwise. A server that answers at its usual pace
 * is never silent at the end for longer than one of its requests takes, so a silence three times
 * the slowest answer, over at least half the load, means the answers stopped. null when the time
 * of the last answer is unknown or nothing was answered (runProblem's).
 */
export function silentTailMs(load: LoadResult): number | null {
  if (load.lastAnswerMs === undefined || load.requestsTotal === 0) return null;
  const silentMs = load.elapsedMs - load.lastAnswerMs;
  // The slowest answer, not latencyMaxMs: a timeout counts there at the timeout itself.
  const slowestMs = load.answeredMaxMs ?? load.latencyMaxMs;
  return silentMs >= load.elapsedMs / 2 && silentMs >= 3 * slowestMs ? silentMs : null;
}

/** What the server's event loop did while the load went silent, asked once the silence was seen. */
export type LoopDuringSilence =
  /** The probe's reading. */
  | { probe: ProbeData }
  /** The probe did not answer within this long either. */
  | { noAnswerMs: number }
  /** No probe to ask (`--url`). */
  | null;

const seconds = (ms: number) => `${Number((ms / 1000).toPrecision(3))} s`;

/**
 * Why a load that went silent at its end (silentTailMs) makes a failed run, or null when it does
 * not: when the event loop was blocked through most of the silence and came back (a blocked loop
 * is what looplab measures), and after a warm-up whose loop answered (the warm-up is not
 * measured: the window shows whether the server answers again). A loop that does not answer
 * within --timeout fails the run in either phase, rather than leave the bench waiting on it.
 */
export function silenceProblem(s: {
  load: LoadResult;
  silentMs: number;
  /** The loaded path, and which load went silent. */
  path: string;
  phase: 'window' | 'warm-up';
  loop: LoopDuringSilence;
}): string | null {
  const { load, loop } = s;
  if (loop === null || 'probe' in loop) {
    if (s.phase === 'warm-up') return null;
    if (loop && loop.probe.lagMaxMs >= s.silentMs / 2) return null;
  }
  const what =
    `no request to ${s.path} was answered in the last ${seconds(s.silentMs)} of the ` +
    `${seconds(load.elapsedMs)} ${s.phase}, after ${load.requestsTotal.toLocaleString('en-US')} ` +
    `were (the slowest in ${formatMs(load.answeredMaxMs ?? load.latencyMaxMs)})`;
  if (loop === null) return `${what}: the server stopped answering`;
  if ('noAnswerMs' in loop) {
    return (
      `${what}, and its event loop did not answer looplab in the ${seconds(loop.noAnswerMs)} ` +
      'after either (--timeout): it is blocked, in an endless loop or synchronous work that does not end'
    );
  }
  return (
    `${what}, while its event loop was free (lag max ${formatMs(loop.probe.lagMaxMs)}): the ` +
    'server stopped answering (a response never sent, a pool that ran dry), or some of its ' +
    'requests take longer than half the window'
  );
}
