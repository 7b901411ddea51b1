/**
 * A live session: every variant of a scenario in a fresh server child with the probe, all at
 * once, or every path of the user's own server (targets.ts), each under the same steady
 * closed-loop load (none with `--no-load`), and each probe read every frame while the load runs.
 * What they say goes out as events (events.ts) to whoever subscribes: the page server,
 * `--ndjson`, `--record`.
 *
 * A probe that does not answer (its loop is blocked) sends no frame: none is made up for it. Its
 * answer, when it comes, covers the whole long frame, and the gap between is the measurement.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { round } from '../../core/numbers.ts';
import type { AnyScenario, Params } from '../../scenarios/types.ts';
import { type LoadTally, type SteadyLoad, startSteadyLoad } from '../run/load/steady-load.ts';
import { DEFAULT_OPTIONS } from '../run/options.ts';
import {
  LIVE_EVENTS_VERSION,
  type LiveControl,
  type LiveEvent,
  type LiveSource,
  type SessionEvent,
  type SessionState,
} from './events.ts';
import {
  addTally,
  changeMarker,
  checkConnections,
  checkRate,
  frameEvent,
  rateMarker,
  stallEvents,
} from './frames.ts';
import { type LiveServer, type LiveTarget, type LiveUnit, scenarioTarget } from './targets.ts';
import { nextTurn, turnOver } from './turns.ts';

export const DEFAULT_FRAME_INTERVAL_MS = 250;
export const DEFAULT_MAX_TIME_MS = 600_000;
export const DEFAULT_CONNECTIONS = 10;
/** The reason a session stops when every server it watched exited on its own. */
export const SERVERS_EXITED = 'no server left: each exited on its own';
/** A request with no answer for this long is a timeout. */
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * How long a frame's answer is waited for: a loop blocked this long is as good as gone. Until it
 * answers, that variant is not asked again, so its next frame covers the whole silence.
 */
const FRAME_ANSWER_TIMEOUT_MS = 60_000;

export type LiveSessionOptions = (
  | { scenario: AnyScenario; target?: undefined }
  /** A scenario's variants (scenarioTarget) or the paths of your own server (appTarget). */
  | { target: LiveTarget; scenario?: undefined }
) & {
  /** Already resolved (defaults and `--param`s); a control may change them. */
  params: Params;
  /** Per variant; with `rate`, the most the open-model generator opens. */
  connections?: number;
  /**
   * `--rate`: an open-model load of this many requests/s per variant (poisson arrivals), instead
   * of the closed loop; a control may change it. Absent or null: the closed loop.
   */
  rate?: number | null;
  /** false (`--no-load`): looplab sends no request; someone else loads the server. */
  load?: boolean;
  frameIntervalMs?: number;
  /** The load stops after this long, and the session with it. */
  maxTimeMs?: number;
  /** Stall capture's threshold (ms); null: off. */
  stallThresholdMs?: number | null;
  /** Start the load at once (default); false waits for a `start` control. */
  start?: boolean;
  /**
   * `--alternate`: the variants take turns under load, each for this many ms of load, round
   * robin; the others' servers run idle, still probed. Absent or null: all at once.
   */
  turnMs?: number | null;
};

/** A session that measures: a source of events, and where its servers listen. */
export interface LiveSession extends LiveSource {
  /** The origin of each server running now (`http://127.0.0.1:1234`): for `--no-load`'s user. */
  origins(): string[];
}

/**
 * Starts every variant's server and, unless told otherwise, the load.
 *
 * @throws {LooplabError} LOOPLAB_ERR_SERVER_START when a server fails to start (the others are
 *   reaped); LOOPLAB_ERR_BAD_PARAM on a connection count out of range, LOOPLAB_ERR_BAD_OPTION
 *   on a frame interval out of range.
 */
export async function startLiveSession(options: LiveSessionOptions): Promise<LiveSession> {
  const target = options.target ?? scenarioTarget(options.scenario);
  const driven = options.load ?? true;
  const frameIntervalMs = options.frameIntervalMs ?? DEFAULT_FRAME_INTERVAL_MS;
  if (!(Number.isInteger(frameIntervalMs) && frameIntervalMs >= 20 && frameIntervalMs <= 10_000))
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `the frame interval must be a whole number of ms from 20 to 10000, not ${frameIntervalMs}`,
    );
  let connections = checkConnections(options.connections ?? DEFAULT_CONNECTIONS);
  let rate = options.rate == null ? null : checkRate(options.rate);
  if (rate !== null && options.load === false)
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      'a rate is the load looplab sends, and --no-load sends none; leave one out',
    );
  /** Variants whose generator could not hold the rate at their last frame: warned once a spell. */
  const limited = new Set<string>();
  const maxTimeMs = options.maxTimeMs ?? DEFAULT_MAX_TIME_MS;
  const stallThresholdMs = options.stallThresholdMs === undefined ? 50 : options.stallThresholdMs;
  const { variants, units } = target;
  // Turns only mean something when looplab loads, and more than one variant.
  const turnLength = driven && variants.length > 1 ? (options.turnMs ?? null) : null;
  /** Whose turn it is (with --alternate): the one variant under load. */
  let holder = variants[0] as string;
  /** How long the holder's load has run in this turn: a turn is counted in load, not clock. */
  let turnLoadedMs = 0;
  /** When the load was last taken, and whether the holder's load was running then. */
  let lastTakeAt = 0;
  let holderRan = false;
  /** A turn's hand-over is under way: no tick decides another. */
  let handingOver = false;
  /** When the holder's turn began; null when no turn runs (paused, stopped, all at once). */
  let turnFrom: number | null = null;
  const unitOf = (variant: string) => units.find((u) => u.variants.includes(variant));
  let params = options.params;
  let state: SessionState = 'idle';
  const startEpochMs = round(performance.timeOrigin + performance.now(), 3);
  const elapsedMs = () => round(performance.timeOrigin + performance.now() - startEpochMs);

  const listeners = new Set<(event: LiveEvent) => void>();
  const emit = (event: LiveEvent) => {
    for (const listener of listeners) listener(event);
  };

  /** By unit: a variant's own server, or the one server every path of `--cmd` shares. */
  const servers = new Map<string, LiveServer>();
  /** The load each variant saw since its last frame went out. */
  const pending = new Map<string, LoadTally>();
  /** Units whose probe was asked for a frame and has not answered. */
  const asking = new Set<string>();
  let load: SteadyLoad | null = null;
  let stopping: Promise<void> | undefined;
  /** The stops of servers that died on their own; the session's stop waits for them. */
  const reaping = new Set<Promise<void>>();
  /** Set up (ticker, controls): from here a server's death can end the session. */
  let watching = false;

  const startOne = async ({ name: unit, variants: served }: LiveUnit): Promise<LiveServer> => {
    const server = await target.start(unit, params, stallThresholdMs);
    if (stopping) {
      // Stopped while this one started (a restart under way): it goes too.
      await server.stop();
      throw new LooplabError(ERROR_CODES.USAGE, 'the session stopped');
    }
    servers.set(unit, server);
    void server.exited.then(({ code, signal }) => {
      // Stopped by looplab (a restart, the session's stop, or Ctrl-C's reaper racing that stop):
      // not a server that died on its own, so no warning.
      if (servers.get(unit) !== server || stopping) return;
      // Died on its own: said once, and the others go on.
      servers.delete(unit);
      // What it leaves behind (an app's other processes, its probe socket) is reaped all the same.
      reaping.add(server.stop());
      for (const variant of served) {
        pending.delete(variant);
        void load?.unload(variant);
      }
      emit({
        type: 'warning',
        elapsedMs: elapsedMs(),
        code: 'server-exited',
        text: `the ${target.label(unit)} server exited (${signal ?? `code ${code}`})${server.tail()}`,
        variant: unit,
      });
      // Nothing left to watch (--cmd's one server, or every variant's): the session ends.
      if (watching && servers.size === 0) void enqueue(() => stop(SERVERS_EXITED)).catch(() => {});
    });
    return server;
  };

  const loadOne = (variant: string) => {
    const unit = unitOf(variant);
    const server = unit && servers.get(unit.name);
    if (!server || !load) return;
    load.load({
      // Not its turn: connections and bystander warm, no request sent.
      held: turnLength !== null && variant !== holder,
      variant,
      origin: server.origin,
      requests: target.requests(variant, params),
      connections,
      ...(rate !== null && { ratePerSec: rate }),
      timeoutMs: REQUEST_TIMEOUT_MS,
      // The bystander: the scenario server's own /ping, or the preload's on a port of its own.
      ping: { rateHz: DEFAULT_OPTIONS.pingRateHz, ...server.ping },
    });
  };

  const unloadAll = async () => {
    await Promise.all(variants.map((v) => load?.unload(v)));
    pending.clear();
  };

  const stopServers = async () => {
    const all = [...servers.values()];
    servers.clear();
    await Promise.all(all.map((s) => s.stop()));
  };

  const started = await Promise.allSettled(units.map(startOne));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stopServers();
    throw (failed as PromiseRejectedResult).reason;
  }
  // With --no-load no thread is started: nothing of looplab's reaches the server but the probe.
  if (driven) load = startSteadyLoad();

  function ask({ name: unit, variants: served }: LiveUnit): void {
    const server = servers.get(unit);
    if (!server || asking.has(unit)) return;
    asking.add(unit);
    server
      .frameProbe(FRAME_ANSWER_TIMEOUT_MS)
      .then((frame) => {
        // An answer from a server restarted since belongs to no frame of the new one.
        if (!frame || servers.get(unit) !== server) return;
        // One loop's frame for each variant it serves, each with that variant's own load.
        for (const variant of served) {
          const tally = state === 'running' ? (pending.get(variant) ?? null) : null;
          pending.delete(variant);
          emit(frameEvent(variant, startEpochMs, frame, tally, rate));
          if (tally?.open) warnIfLimited(variant, tally.open.generatorLimited);
        }
        // A stall held the unit's loop, whichever path it served: said once, under its name.
        for (const stall of stallEvents(unit, startEpochMs, frame)) emit(stall);
      })
      // No answer in time, or the server went: no frame (its exit is said on its own).
      .catch(() => {})
      .finally(() => asking.delete(unit));
  }

  let taking = false;
  let firstTick = true;
  async function tick(): Promise<void> {
    if (firstTick) {
      firstTick = false;
      warnOfContention();
    }
    if (state === 'running' && load && !taking) {
      taking = true;
      try {
        // The holder's load since the last take, if it ran then: the turn's length so far.
        const now = performance.now();
        const over =
          turnLength !== null &&
          !handingOver &&
          turnOver(turnLoadedMs + (holderRan ? now - lastTakeAt : 0), turnLength, frameIntervalMs);
        // A turn that is over is held in the same step as the take: its books close with it.
        const tallies = await load.take(over ? holder : undefined);
        lastTakeAt = now;
        const held = tallies[holder];
        holderRan = !over && held !== undefined;
        if (held) turnLoadedMs += held.spanMs;
        if (over) {
          handingOver = true;
          void enqueue(handOver).finally(() => {
            handingOver = false;
          });
        }
        for (const [variant, t] of Object.entries(tallies)) {
          const before = pending.get(variant);
          pending.set(variant, before ? addTally(before, t) : t);
        }
      } finally {
        taking = false;
      }
    }
    if (state === 'stopped') return;
    for (const unit of units) ask(unit);
  }

  /**
   * The next variant's turn, once the last one's requests in flight are answered: a turn never
   * overlaps another. Runs in the control queue, so never inside a restart.
   */
  async function handOver(): Promise<void> {
    if (state !== 'running' || !load) return;
    await load.hold(holder);
    if (state !== 'running') return;
    holder = nextTurn(variants, holder);
    beginTurn();
  }

  /** The holder's turn begins now: its load resumes (a fresh one starts so), and the page is told. */
  function beginTurn(): void {
    turnLoadedMs = 0;
    holderRan = false;
    load?.resume(holder);
    turnFrom = elapsedMs();
    emit({ type: 'turn', elapsedMs: turnFrom, variant: holder });
  }

  /** The generator could not send at the rate: said once when it begins, again after it ends. */
  function warnIfLimited(variant: string, why: string | null): void {
    if (why === null) {
      limited.delete(variant);
      return;
    }
    if (limited.has(variant)) return;
    limited.add(variant);
    emit({
      type: 'warning',
      elapsedMs: elapsedMs(),
      code: 'generator-limited',
      text: `the load could not hold ${rate}/s: ${why}`,
      variant,
    });
  }

  /** Variants that run at once compete for cores: the page says so, as the reports do. */
  function warnOfContention(): void {
    const cores = availableParallelism();
    // Each server's loop, plus the load's thread (none with --no-load) and this one. With
    // --alternate the idle servers use next to no CPU: one loaded server and the load's thread
    // compete (looplab's own loop, which only reads frames and serves the page, is not counted then.)
    if (turnLength !== null ? cores >= 2 : cores >= units.length + (driven ? 2 : 1)) return;
    const who = units.length === 1 ? 'the server' : `${units.length} servers`;
    emit({
      type: 'warning',
      elapsedMs: elapsedMs(),
      code: 'cpu-contention',
      text:
        `${who}, ${driven ? 'the load and ' : ''}looplab share ${cores} cores: ` +
        (units.length === 1 || turnLength !== null
          ? 'the server under load runs slower than it would alone'
          : 'the variants compete for CPU, so each runs slower than it would alone'),
    });
  }

  const ticker = setInterval(() => void tick(), frameIntervalMs);
  let maxTimer: NodeJS.Timeout | undefined;

  function setState(next: SessionState, reason?: string): void {
    state = next;
    if (next !== 'running') turnFrom = null;
    emit({ type: 'state', elapsedMs: elapsedMs(), state: next, ...(reason && { reason }) });
  }

  async function run(): Promise<void> {
    if (state === 'running') return;
    for (const v of variants) loadOne(v);
    setState('running');
    // After a pause, the turn it cut short begins again, whole.
    if (turnLength !== null) beginTurn();
    maxTimer ??= setTimeout(
      () =>
        void enqueue(() =>
          stop(
            `max-time: ${driven ? 'the load ran' : 'looplab watched'} for ${maxTimeMs / 1000} s`,
          ),
        ),
      maxTimeMs,
    );
  }

  async function pause(): Promise<void> {
    if (state !== 'running') return;
    await unloadAll();
    setState('paused');
  }

  function stop(reason?: string): Promise<void> {
    stopping ??= (async () => {
      clearInterval(ticker);
      clearTimeout(maxTimer);
      await unloadAll();
      await stopServers();
      await Promise.all(reaping);
      await load?.close();
      setState('stopped', reason);
    })();
    return stopping;
  }

  /** Restarts every variant's server with the current params, cleanly: load off, then on. */
  async function restart(): Promise<void> {
    const wasRunning = state === 'running';
    // While the servers restart no loop owes a frame: the page counts no silence then.
    if (wasRunning) setState('idle', 'restarting the servers');
    await unloadAll();
    await stopServers();
    const restarted = await Promise.allSettled(units.map(startOne));
    const failed = restarted.find((r) => r.status === 'rejected');
    if (failed) {
      await stop(`a server failed to restart: ${(failed as PromiseRejectedResult).reason.message}`);
      throw (failed as PromiseRejectedResult).reason;
    }
    if (!wasRunning) return;
    for (const v of variants) loadOne(v);
    setState('running');
    // As after a pause: the turn the restart cut short begins again, whole.
    if (turnLength !== null) beginTurn();
  }

  // Controls run one at a time, in the order they came: a restart is never interleaved.
  let queue: Promise<unknown> = Promise.resolve();
  function enqueue(fn: () => Promise<void>): Promise<void> {
    const next = queue.then(fn);
    queue = next.catch(() => {});
    return next;
  }

  async function control(request: LiveControl): Promise<void> {
    if (state === 'stopped')
      throw new LooplabError(
        ERROR_CODES.USAGE,
        'the session has stopped; start looplab live again',
      );
    switch (request.action) {
      case 'start':
        return enqueue(run);
      case 'pause':
        return enqueue(pause);
      case 'stop':
        return enqueue(() => stop('stopped from the page'));
      case 'params': {
        const next = target.applyParams(params, request.params);
        const text = changeMarker(params, next);
        if (!text) return;
        return enqueue(async () => {
          params = next;
          emit({ type: 'marker', elapsedMs: elapsedMs(), text, variants, restart: true });
          await restart();
        });
      }
      case 'connections': {
        if (!driven)
          throw new LooplabError(
            ERROR_CODES.USAGE,
            'looplab sends no load in this session (--no-load), so it has no connections to change',
          );
        const next = checkConnections(request.connections);
        if (next === connections) return;
        return enqueue(async () => {
          const text = `connections ${connections} → ${next}`;
          connections = next;
          emit({ type: 'marker', elapsedMs: elapsedMs(), text, variants });
          if (state === 'running') {
            await unloadAll();
            for (const v of variants) loadOne(v);
          }
        });
      }
      case 'rate': {
        if (rate === null)
          throw new LooplabError(
            ERROR_CODES.USAGE,
            driven
              ? 'this session sends a closed-loop load (--connections); start looplab live with --rate for a rate to change'
              : 'looplab sends no load in this session (--no-load), so it has no rate to change',
          );
        const next = checkRate(request.rate);
        if (next === rate) return;
        return enqueue(async () => {
          const text = rateMarker(rate as number, next);
          rate = next;
          emit({ type: 'marker', elapsedMs: elapsedMs(), text, variants });
          // The generator takes the new rate as it runs: no server, no connection restarts.
          for (const v of variants) load?.rate(v, next);
        });
      }
      default:
        throw new LooplabError(
          ERROR_CODES.USAGE,
          `unknown control ${JSON.stringify((request as { action?: unknown }).action)}`,
        );
    }
  }

  watching = true;
  if (options.start ?? true) await run();

  return {
    describe: (): SessionEvent => ({
      type: 'session',
      version: LIVE_EVENTS_VERSION,
      scenario: target.scenario,
      variants,
      paramSpecs: target.paramSpecs,
      params,
      connections: driven ? connections : null,
      rate,
      state,
      startEpochMs,
      frameIntervalMs,
      alternate: turnLength !== null,
      ...(turnLength !== null && { turnMs: turnLength }),
      ...(turnFrom !== null && { turn: { variant: holder, elapsedMs: turnFrom } }),
      sharedLoop: target.sharedLoop,
    }),
    origins: () => [...servers.values()].map((s) => s.origin),
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    control,
    close: () => stop(),
  };
}
