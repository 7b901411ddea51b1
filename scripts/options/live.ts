/**
 * `looplab live`'s flags, mapped to what the session and the page need: nothing is started, so
 * every bad value is one line with a stable code before anything runs. Your own server's flags
 * are bench's (options/app.ts), checked by the same code.
 */
import { MAX_CONNECTIONS, MAX_RATE } from '../../bench/live/frames.ts';
import {
  DEFAULT_CONNECTIONS,
  DEFAULT_FRAME_INTERVAL_MS,
  DEFAULT_MAX_TIME_MS,
} from '../../bench/live/session.ts';
import type { AppTargetSpec } from '../../bench/live/targets.ts';
import { DEFAULT_TURN_S, turnMs } from '../../bench/live/turns.ts';
import { STALL_THRESHOLD_MS } from '../../bench/run/options.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { getScenario } from '../../scenarios/registry.ts';
import { selectScenarios } from '../../scenarios/select.ts';
import type { AnyScenario, Params } from '../../scenarios/types.ts';
import { appSpec, checkScenarioFlagsUnused } from './app.ts';

/** The scenario `looplab live` shows when none is named: the waiter who spins. */
export const DEFAULT_LIVE_SCENARIO = 'busy-wait';

export interface LiveFlags {
  scenario?: string;
  /** Absent: LIVE_DEFAULTS.connections (left out of yargs so that --no-load can refuse it). */
  connections?: number;
  /** `--rate`: an open-model load, requests/s per variant, instead of the closed loop. */
  rate?: number;
  param: string[];
  /** Your own server (`--cmd`), its paths, and the flags that go with them (bench's). */
  cmd?: string;
  path: string[];
  appPort?: number;
  method: string;
  header: string[];
  body?: string;
  startTimeout?: number;
  /** false: `--no-load`. */
  load: boolean;
  frameInterval: number;
  /**
   * `--alternate [SECONDS]`: absent, all at once; a bare flag arrives as '' or true (yargs),
   * a value as its number.
   */
  alternate?: number | string | boolean;
  maxTime: number;
  stallThreshold: number;
  ndjson: boolean;
  record?: string;
  replay?: string;
  open: boolean;
  port: number;
}

export interface LiveOptions {
  /** The scenario whose variants run side by side; null with `--cmd`. */
  scenario: AnyScenario | null;
  /** Your own server and its paths (`--cmd`); null for a scenario. */
  app: AppTargetSpec | null;
  params: Params;
  /** Per variant: the closed loop's clients, or with `rate` the most connections it opens. */
  connections: number;
  /** `--rate`: open-model requests/s per variant (poisson arrivals); null: the closed loop. */
  rate: number | null;
  /** false: `--no-load`, looplab sends no request. */
  load: boolean;
  frameIntervalMs: number;
  /** `--alternate`: each variant's turn under load, in ms; null: every variant at once. */
  turnMs: number | null;
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

/** `unit` names what is counted (`ms`, `connections`), or null for a number that is a name (a port). */
function wholeIn(
  flag: string,
  value: number,
  min: number,
  max: number,
  unit: string | null,
): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--${flag} must be a whole number${unit === null ? '' : ` of ${unit}`} from ${min} to ${max}, got ${value}`,
    );
  return value;
}

const badOption = (message: string) => new LooplabError(ERROR_CODES.BAD_OPTION, message);

/**
 * `--alternate`'s turn in ms, or null without it.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a length out of 1..60 s, with `--no-load`
 *   (looplab sends no load to take turns), or with `--replay`.
 */
function alternateOption(flags: LiveFlags): number | null {
  const given = flags.alternate;
  if (given === undefined || given === false) return null;
  if (!flags.load)
    throw badOption(
      '--alternate takes turns with the load looplab sends, and --no-load sends none',
    );
  if (flags.replay !== undefined)
    throw badOption('--alternate is how a session measures; a replay plays one back as it was');
  if (given === true || given === '') return turnMs(DEFAULT_TURN_S);
  const seconds = Number(given);
  if (Number.isNaN(seconds))
    throw badOption(`--alternate takes a turn's length in seconds, from 1 to 60, got ${given}`);
  return turnMs(seconds);
}

/**
 * `--rate`'s requests/s, or null without it.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a rate not above 0 and at most 10000, with
 *   `--no-load` (looplab sends no load to give a rate), or with `--replay`.
 */
function rateOption(flags: LiveFlags): number | null {
  if (flags.rate === undefined) return null;
  if (!flags.load)
    throw badOption('--rate is the load looplab sends, and --no-load sends none; leave one out');
  if (flags.replay !== undefined)
    throw badOption('--rate is how a session loads; a replay plays one back as it was');
  const rate = Number(flags.rate);
  if (!(Number.isFinite(rate) && rate > 0 && rate <= MAX_RATE))
    throw badOption(
      `--rate must be a number of requests/s per variant above 0 and at most ${MAX_RATE}, got ${flags.rate}`,
    );
  return rate;
}

/**
 * `--cmd` and its paths, checked as bench checks them (body files read), or null without it.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for a scenario or `--param` with `--cmd`, an
 *   app flag or `--no-load` without it, or a bad app flag; LOOPLAB_ERR_COMMAND_NOT_FOUND.
 */
async function appOptions(flags: LiveFlags): Promise<AppTargetSpec | null> {
  if (flags.cmd === undefined) {
    const used = [
      flags.path.length > 0 && '--path',
      flags.appPort !== undefined && '--app-port',
      flags.header.length > 0 && '--header',
      flags.body !== undefined && '--body',
      flags.method.toUpperCase() !== 'GET' && '--method',
      flags.startTimeout !== undefined && '--start-timeout',
      !flags.load && '--no-load',
    ].filter(Boolean);
    if (used.length > 0)
      throw badOption(
        `${used.join(' and ')} ${used.length === 1 ? 'goes' : 'go'} with --cmd; a scenario's variants answer GET /`,
      );
    return null;
  }
  checkScenarioFlagsUnused({ variant: [], param: flags.param });
  if (flags.load === false && flags.connections !== undefined)
    throw badOption(
      '--connections is the load looplab sends, and --no-load sends none; leave one out',
    );
  const spec = await appSpec(
    {
      cmd: flags.cmd,
      path: flags.path,
      name: 'app',
      vsName: 'vs',
      method: flags.method,
      header: flags.header,
      ...(flags.appPort !== undefined && { port: flags.appPort }),
      ...(flags.body !== undefined && { body: flags.body }),
      ...(flags.startTimeout !== undefined && { startTimeout: flags.startTimeout }),
    },
    flags.scenario === undefined ? [] : [flags.scenario],
  );
  return {
    command: flags.cmd,
    paths: spec.paths,
    ...(spec.port !== undefined && { port: spec.port }),
    readyTimeoutMs: spec.readyTimeoutMs,
  };
}

/**
 * The flags, checked.
 *
 * @throws {LooplabError} LOOPLAB_ERR_UNKNOWN_SCENARIO, LOOPLAB_ERR_BAD_PARAM or
 *   LOOPLAB_ERR_BAD_OPTION for a value out of range or a flag that does not go with the others;
 *   LOOPLAB_ERR_USAGE for a scenario the live load cannot drive (WebSocket);
 *   LOOPLAB_ERR_COMMAND_NOT_FOUND for a `--cmd` whose program is not there.
 */
export async function liveOptions(flags: LiveFlags): Promise<LiveOptions> {
  if (flags.replay !== undefined && flags.cmd !== undefined)
    throw badOption('--replay plays a recording and starts no server; leave out --cmd');
  if (flags.replay !== undefined && (flags.scenario !== undefined || flags.param.length > 0))
    throw badOption(
      '--replay plays a recording as it was measured; leave out the scenario and --param',
    );
  if (flags.replay !== undefined && flags.connections !== undefined)
    throw badOption('--replay plays a recording as it was measured; leave out --connections');
  const app = await appOptions(flags);
  const id = flags.scenario ?? DEFAULT_LIVE_SCENARIO;
  const scenario = app ? null : getScenario(id);
  if (scenario?.protocol === 'websocket')
    throw new LooplabError(
      ERROR_CODES.USAGE,
      `${id} speaks WebSocket, and looplab live drives HTTP scenarios only so far; use looplab bench ${id}`,
    );
  const [selection] = app ? [] : selectScenarios([id], [], flags.param);
  const maxTimeSec = Number(flags.maxTime);
  if (!(Number.isFinite(maxTimeSec) && maxTimeSec > 0 && maxTimeSec <= 24 * 3600))
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `--max-time must be a number of seconds above 0 and at most 86400, got ${flags.maxTime}`,
    );
  return {
    scenario,
    app,
    params: selection?.params ?? {},
    connections: wholeIn(
      'connections',
      flags.connections ?? LIVE_DEFAULTS.connections,
      1,
      MAX_CONNECTIONS,
      'connections',
    ),
    rate: rateOption(flags),
    load: flags.load,
    frameIntervalMs: wholeIn('frame-interval', flags.frameInterval, 20, 10_000, 'ms'),
    turnMs: alternateOption(flags),
    maxTimeMs: Math.round(maxTimeSec * 1000),
    stallThresholdMs: wholeIn('stall-threshold', flags.stallThreshold, 20, 60_000, 'ms'),
    ndjson: flags.ndjson,
    record: flags.record ?? null,
    replay: flags.replay ?? null,
    open: flags.open,
    port: wholeIn('port', flags.port, 0, 65_535, null),
  };
}
