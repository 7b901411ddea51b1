/**
 * The upstream a scenario calls, in a run's record: the metrics taken from its own reading, and
 * whether it, rather than the server under test, set the pace. Pure.
 *
 * The upstream waits on a timer, so it can answer thousands of calls at once; it should never be
 * what limits a run. It is, when its answers come late (its timers fire late: its loop is busy,
 * or the machine too busy to run it on time) or when its loop is saturated. Then the server's
 * numbers include the upstream's delay, and the report says so.
 */
import { formatNumber, round } from '../../core/numbers.ts';
import type { UpstreamReading } from '../../scenarios/upstream/protocol.ts';
import type { UpstreamRun } from './types.ts';

/**
 * A median answer later than the latency by more than this share of it (or than LATE_FLOOR_MS)
 * slows every request that waits for it. The median, not the tail: on a shared machine an
 * upstream's timer fires a few ms late now and then (its process waits for a core), which moves
 * a p99 and not the pace.
 */
export const LATE_SHARE = 0.1;
/** Never less than this, for small latencies where a timer's own lateness is about a ms. */
export const LATE_FLOOR_MS = 1;
/** An upstream loop busy this share of the time queues calls before it even sees them. */
export const UPSTREAM_SATURATED_ELU = 0.9;

/** The most its median answer may take before the upstream counts as late. */
export const lateBoundMs = (latencyMs: number): number =>
  latencyMs + Math.max(LATE_FLOOR_MS, latencyMs * LATE_SHARE);

/** Why the upstream set (part of) the pace in this window, or null when it did not. */
export function upstreamBottleneck(r: UpstreamReading): string | null {
  if (r.elu >= UPSTREAM_SATURATED_ELU)
    return `its event loop was busy ${Math.round(r.elu * 100)}% of the time`;
  if (r.answerP50Ms !== null && r.answerP50Ms > lateBoundMs(r.latencyMs))
    return `its median answer took ${formatNumber(r.answerP50Ms)} ms for a latency of ${formatNumber(r.latencyMs)} ms`;
  return null;
}

export const upstreamRun = (r: UpstreamReading): UpstreamRun => ({
  ...r,
  bottleneck: upstreamBottleneck(r) !== null,
});

/** The per-run metrics of an upstream's reading, against the requests the load completed. */
export function upstreamMetrics(r: UpstreamReading | null | undefined, requestsTotal: number) {
  const per = (n: number) => (r && requestsTotal > 0 ? round(n / requestsTotal) : null);
  return {
    upstreamCallsPerRequest: r ? per(r.calls) : null,
    upstreamConnectionsPerRequest: r ? per(r.connections) : null,
    upstreamAnswerP50Ms: r?.answerP50Ms ?? null,
    upstreamMaxInFlight: r?.maxInFlight ?? null,
  };
}
