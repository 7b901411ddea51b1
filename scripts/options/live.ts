/**
 * `looplab live`'s flags, mapped to what the session and the page need: pure, so every bad value
 * is one line with a stable code before anything starts.
 */
import { MAX_CONNECTIONS } from '../../bench/live/frames.ts';
import {
  DEFAULT_CONNECTIONS,
  DEFAULT_FRAME_INTERVAL_MS,
  DEFAULT_MAX_TIME_MS,
} from '../../bench/live/session.ts';
import { STALL_THRESHOLD_MS } from '../../bench/run/options.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { getScenario } from '../../scenarios/registry.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import type { AnyScenario, Params } from '../../scenarios/types.ts';

/** The scenario `looplab live` shows when none is named: the waiter who spins. */
export const DEFAULT_LIVE_SCENARIO = 'busy-wait';

export interface LiveFlags {
  scenario?: string;
  connections: number;
  param: string[];
  frameInterval: number;
  maxTime: number;
  stallThreshold: number;
  ndjson: boolean;
  record?: string;
  replay?: string;
  open: boolean;
  port: number;
}

export interface LiveOptions {
  scenario: AnyScenario;
  params: Params;
  connections: number;
  frameIntervalMs: number;
  maxTimeMs: number;
  stallThresholdMs: number;
  ndjson: boolean;
  record: string | null;
  /** Play this recording back instead of measuring. */
  replay: string | null;
  open: boolean;
  port: number;
}

export const LIVE_DEFAULTS = {
  connections: DEFAULT_CONNECTIONS,
  frameInterval: DEFAULT_FRAME_INTERVAL_MS,
  maxTime: DEFAULT_MAX_TIME_MS / 1000,
  stallThreshold: STALL_THRESHOLD_MS,
} as const;

function wholeIn(flag: string, value: number, min: number, max: number, unit: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--${flag} must be a whole number of ${unit} from ${min} to ${max}, got ${value}`,
    );
  return value;
}

/**
 * The flags, checked.
 *
 * @throws {LooplabError} LOOPLAB_ERR_UNKNOWN_SCENARIO, LOOPLAB_ERR_BAD_PARAM or
 *   LOOPLAB_ERR_BAD_OPTION for a value out of range; LOOPLAB_ERR_USAGE for a scenario the
 *   live load cannot drive (WebSocket).
 */
export function liveOptions(flags: LiveFlags): LiveOptions {
  const id = flags.scenario ?? DEFAULT_LIVE_SCENARIO;
  const scenario = getScenario(id);
  if (scenario.protocol === 'websocket')
    throw new LooplabError(
      ERROR_CODES.USAGE,
      `${id} speaks WebSocket, and looplab live drives HTTP scenarios only so far; use looplab bench ${id}`,
    );
  const [selection] = selectScenarios([id], [], flags.param);
  const maxTimeSec = Number(flags.maxTime);
  if (!(Number.isFinite(maxTimeSec) && maxTimeSec > 0 && maxTimeSec <= 24 * 3600))
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--max-time must be a number of seconds above 0 and at most 86400, got ${flags.maxTime}`,
    );
  return {
    scenario,
    params: selection?.params ?? {},
    connections: wholeIn('connections', flags.connections, 1, MAX_CONNECTIONS, 'connections'),
    frameIntervalMs: wholeIn('frame-interval', flags.frameInterval, 20, 10_000, 'ms'),
    maxTimeMs: Math.round(maxTimeSec * 1000),
    stallThresholdMs: wholeIn('stall-threshold', flags.stallThreshold, 20, 60_000, 'ms'),
    ndjson: flags.ndjson,
    record: flags.record ?? null,
    replay: flags.replay ?? null,
    open: flags.open,
    port: wholeIn('port', flags.port, 0, 65_535, 'port'),
  };
}
