/**
 * The pure part of a live session: what the load and the probe said over one frame, turned into
 * the events the page draws, and the controls checked against the scenario's own rules.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { round } from '../../core/numbers.ts';
import { parseParamValue } from '../../scenarios/params.ts';
import type { ProbeFrame } from '../../scenarios/probe/protocol.ts';
import type { AnyScenario, Params } from '../../scenarios/types.ts';
import { pingTimesMs } from '../report/run-record.ts';
import { addPingTally } from '../run/load/ping-tally.ts';
import type { LoadTally } from '../run/load/steady-load.ts';
import { percentile } from '../stats/descriptive.ts';
import type { FrameEvent, StallEvent } from './events.ts';

export const emptyTally = (): LoadTally => ({
  completed: 0,
  errors: 0,
  timeouts: 0,
  latenciesMs: [],
  spanMs: 0,
  ping: null,
});

/** `a` and `b` as one span (b follows a); `a` is not changed. */
export function addTally(a: LoadTally, b: LoadTally): LoadTally {
  return {
    completed: a.completed + b.completed,
    errors: a.errors + b.errors,
    timeouts: a.timeouts + b.timeouts,
    latenciesMs: a.latenciesMs.concat(b.latenciesMs),
    spanMs: a.spanMs + b.spanMs,
    ping: a.ping && b.ping ? addPingTally(a.ping, b.ping) : (b.ping ?? a.ping),
    ...((a.open || b.open) && { open: addOpen(a.open, b.open) }),
  };
}

function addOpen(a: LoadTally['open'], b: LoadTally['open']): NonNullable<LoadTally['open']> {
  if (!a || !b) return (b ?? a) as NonNullable<LoadTally['open']>;
  return {
    ratePerSec: b.ratePerSec,
    due: a.due + b.due,
    uncorrectedLatenciesMs: a.uncorrectedLatenciesMs.concat(b.uncorrectedLatenciesMs),
    queued: a.queued + b.queued,
    generatorLimited: b.generatorLimited ?? a.generatorLimited,
  };
}

/** p of `values` (unsorted), rounded to the µs; null for none. */
function at(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  return round(
    percentile(
      [...values].sort((x, y) => x - y),
      p,
    ),
    3,
  );
}

/**
 * An open-model load's own figures over a frame (`live --rate`): the rate offered, and the
 * latency from each request's send (uncorrected) beside the frame's latency from its due time.
 * null when no load ran in the frame.
 */
export function openFigures(
  tally: LoadTally | null,
  ratePerSec: number,
): Pick<FrameEvent, 'offeredPerSec' | 'uncorrectedP50Ms' | 'uncorrectedP99Ms'> {
  const open = tally && tally.spanMs > 0 ? tally.open : undefined;
  if (!open) return { offeredPerSec: null, uncorrectedP50Ms: null, uncorrectedP99Ms: null };
  return {
    offeredPerSec: round(open.ratePerSec || ratePerSec, 3),
    uncorrectedP50Ms: at(open.uncorrectedLatenciesMs, 50),
    uncorrectedP99Ms: at(open.uncorrectedLatenciesMs, 99),
  };
}

/** The load's figures over a frame; all null when no load ran in it (paused, or `--no-load`). */
export function loadFigures(
  tally: LoadTally | null,
): Pick<FrameEvent, 'requestsPerSec' | 'latencyP50Ms' | 'latencyP99Ms' | 'errors' | 'timeouts'> {
  if (!tally || tally.spanMs <= 0)
    return {
      requestsPerSec: null,
      latencyP50Ms: null,
      latencyP99Ms: null,
      errors: null,
      timeouts: null,
    };
  const sorted = [...tally.latenciesMs].sort((x, y) => x - y);
  // No answer in the frame is a measured 0 requests/s, but a latency it cannot give.
  const at = (p: number) => (sorted.length > 0 ? round(percentile(sorted, p), 3) : null);
  return {
    requestsPerSec: round((tally.completed * 1000) / tally.spanMs, 1),
    latencyP50Ms: at(50),
    latencyP99Ms: at(99),
    errors: tally.errors,
    timeouts: tally.timeouts,
  };
}

/**
 * The bystander's figures over a frame, from the pings that ended in it, each timed from when it
 * was due; one that timed out or failed counts at the timeout (pingTimesMs: bench's rule), and
 * as a timeout. All null without a bystander (paused, or none driven); percentiles null when no
 * ping ended in the frame.
 */
export function pingFigures(
  tally: LoadTally | null,
): Pick<FrameEvent, 'pingP50Ms' | 'pingP99Ms' | 'pingTimeouts'> {
  const ping = tally && tally.spanMs > 0 ? tally.ping : null;
  if (!ping) return { pingP50Ms: null, pingP99Ms: null, pingTimeouts: null };
  const times = pingTimesMs(ping);
  const at = (p: number) => (times.length > 0 ? round(percentile(times, p), 3) : null);
  return { pingP50Ms: at(50), pingP99Ms: at(99), pingTimeouts: ping.timeouts + ping.errors };
}

/** One variant's frame event: the probe's reading and the load's over the same stretch. */
export function frameEvent(
  variant: string,
  startEpochMs: number,
  probe: ProbeFrame,
  load: LoadTally | null,
  /** Under an open-model load (`--rate`): the rate set; its frames carry the open figures. */
  ratePerSec: number | null = null,
): FrameEvent {
  // A frame in which the sampler never fired has no lag to tell (not 0 ms, which is a claim).
  const lag = probe.lagSamples > 0;
  return {
    type: 'frame',
    variant,
    elapsedMs: round(probe.frameEndEpochMs - startEpochMs),
    frameMs: probe.frameMs,
    ...loadFigures(load),
    lagP50Ms: lag ? probe.lagP50Ms : null,
    lagP99Ms: lag ? probe.lagP99Ms : null,
    lagMaxMs: lag ? probe.lagMaxMs : null,
    elu: probe.elu,
    ...pingFigures(load),
    cpuCores:
      probe.frameMs > 0 ? round((probe.cpuUserMs + probe.cpuSystemMs) / probe.frameMs, 3) : null,
    rssBytes: probe.rssBytes,
    ...(ratePerSec !== null && openFigures(load, ratePerSec)),
  };
}

/**
 * Under this, a stack's part of a frame is a stall's edge, not a stall: a stall that ended just
 * after the frame's window opened leaves the new frame a sliver (listed as "0 ms at 6.3 s").
 */
export const MIN_STALL_PART_MS = 1;

/** One stall event per stack the frame caught, heaviest first; slivers left out. */
export function stallEvents(
  variant: string,
  startEpochMs: number,
  probe: ProbeFrame,
): StallEvent[] {
  if (probe.stalls?.state !== 'recorded') return [];
  const elapsedMs = round(probe.frameEndEpochMs - startEpochMs);
  return probe.stalls.stacks
    .filter((s) => s.ms >= MIN_STALL_PART_MS)
    .map((s) => ({
      type: 'stall',
      variant,
      elapsedMs,
      ms: s.ms,
      frames: s.frames,
    }));
}

/**
 * `current` with `given` applied, each value checked as `--param` checks it.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_PARAM on a name the scenario does not have, or a value
 *   out of its range.
 */
export function applyParams(scenario: AnyScenario, current: Params, given: Params): Params {
  const next: Record<string, number> = { ...current };
  for (const [name, value] of Object.entries(given)) {
    const spec = scenario.params[name];
    if (!spec || !Object.hasOwn(scenario.params, name))
      throw new LooplabError(
        ERROR_CODES.BAD_PARAM,
        `${scenario.id} has no parameter "${name}"; known: ${Object.keys(scenario.params).join(', ') || 'none'}`,
      );
    if (typeof value !== 'number')
      throw new LooplabError(ERROR_CODES.BAD_PARAM, `parameter ${name}: not a number`);
    next[name] = parseParamValue(scenario.id, name, spec, String(value));
  }
  return next;
}

/** The marker a change leaves on the timeline: `ms 20 → 50`, every changed name; '' for none. */
export function changeMarker(before: Params, after: Params): string {
  return Object.keys(after)
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k} ${before[k]} → ${after[k]}`)
    .join(', ');
}

/** The most connections per variant a session opens: a playground, not a load test. */
export const MAX_CONNECTIONS = 1000;

/** The highest open-model rate a session offers, requests/s per variant. */
export const MAX_RATE = 10_000;

/**
 * @throws {LooplabError} LOOPLAB_ERR_BAD_PARAM on a rate that is not a number above 0 and at
 *   most 10000 requests/s.
 */
export function checkRate(rate: unknown): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE)
    throw new LooplabError(
      ERROR_CODES.BAD_PARAM,
      `rate must be a number of requests/s above 0 and at most ${MAX_RATE}, not ${String(rate)}`,
    );
  return rate;
}

/** The marker a rate change leaves on the timeline: `rate 40 → 80/s`. */
export function rateMarker(before: number, after: number): string {
  return `rate ${before} → ${after}/s`;
}

/** @throws {LooplabError} LOOPLAB_ERR_BAD_PARAM on a count that is not a whole number in 1..1000. */
export function checkConnections(connections: unknown): number {
  if (
    typeof connections !== 'number' ||
    !Number.isInteger(connections) ||
    connections < 1 ||
    connections > MAX_CONNECTIONS
  )
    throw new LooplabError(
      ERROR_CODES.BAD_PARAM,
      `connections must be a whole number from 1 to ${MAX_CONNECTIONS}, not ${String(connections)}`,
    );
  return connections;
}
