/**
 * A live session: every variant of a scenario in a fresh server child with the probe, all at
 * once, each under the same steady closed-loop load, and each probe read every frame while the
 * load runs. What they say goes out as events (events.ts) to whoever subscribes: the page
 * server, `--ndjson`, `--record`.
 *
 * A probe that does not answer (its loop is blocked) sends no frame: none is made up for it. Its
 * answer, when it comes, covers the whole long frame, and the gap between is the measurement.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { round } from '../../core/numbers.ts';
import { variantNames } from '../../scenarios/registry.ts';
import { scenarioRequests } from '../../scenarios/request.ts';
import type { AnyScenario, Params } from '../../scenarios/types.ts';
import { type LoadTally, type SteadyLoad, startSteadyLoad } from '../run/load/steady-load.ts';
import { DEFAULT_OPTIONS } from '../run/options.ts';
import { type ServerHandle, startServer } from '../run/process/child.ts';
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
  applyParams,
  changeMarker,
  checkConnections,
  frameEvent,
  stallEvents,
} from './frames.ts';

export const DEFAULT_FRAME_INTERVAL_MS = 250;
export const DEFAULT_MAX_TIME_MS = 600_000;
export const DEFAULT_CONNECTIONS = 10;
/** A request with no answer for this long is a timeout. */
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * How long a frame's answer is waited for: a loop blocked this long is as good as gone. Until it
 * answers, that variant is not asked again, so its next frame covers the whole silence.
 */
const FRAME_ANSWER_TIMEOUT_MS = 60_000;

export interface LiveSessionOptions {
  scenario: AnyScenario;
  /** Already resolved (defaults and `--param`s); a control may change them. */
  params: Params;
  /** Per variant. */
  connections?: number;
  frameIntervalMs?: number;
  /** The load stops after this long, and the session with it. */
  maxTimeMs?: number;
  /** Stall capture's threshold (ms); null: off. */
  stallThresholdMs?: number | null;
  /** Start the load at once (default); false waits for a `start` control. */
  start?: boolean;
}

/**
 * Starts every variant's server and, unless told otherwise, the load.
 *
 * @throws {LooplabError} LOOPLAB_ERR_SERVER_START when a server fails to start (the others are
 *   reaped); LOOPLAB_ERR_BAD_PARAM on a connection count out of range, LOOPLAB_ERR_BAD_OPTION
 *   on a frame interval out of range.
 */
export async function startLiveSession(options: LiveSessionOptions): Promise<LiveSource> {
  const { scenario } = options;
  const frameIntervalMs = options.frameIntervalMs ?? DEFAULT_FRAME_INTERVAL_MS;
  if (!(Number.isInteger(frameIntervalMs) && frameIntervalMs >= 20 && frameIntervalMs <= 10_000))
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `the frame interval must be a whole number of ms from 20 to 10000, not ${frameIntervalMs}`,
    );
  let connections = checkConnections(options.connections ?? DEFAULT_CONNECTIONS);
  const maxTimeMs = options.maxTimeMs ?? DEFAULT_MAX_TIME_MS;
  const stallThresholdMs = options.stallThresholdMs === undefined ? 50 : options.stallThresholdMs;
  const variants = variantNames(scenario);
  let params = options.params;
  let state: SessionState = 'idle';
  const startEpochMs = round(performance.timeOrigin + performance.now(), 3);
  const elapsedMs = () => round(performance.timeOrigin + performance.now() - startEpochMs);

  const listeners = new Set<(event: LiveEvent) => void>();
  const emit = (event: LiveEvent) => {
    for (const listener of listeners) listener(event);
  };

  const servers = new Map<string, ServerHandle>();
  /** The load each variant saw since its last frame went out. */
  const pending = new Map<string, LoadTally>();
  /** Variants whose probe was asked for a frame and has not answered. */
  const asking = new Set<string>();
  let load: SteadyLoad | null = null;
  let stopping: Promise<void> | undefined;

  const startOne = async (variant: string): Promise<ServerHandle> => {
    const server = await startServer({
      scenario: scenario.id,
      variant,
      params,
      port: 0,
      probe: true,
      timelineIntervalMs: 100,
      ...(stallThresholdMs !== null && { stalls: { thresholdMs: stallThresholdMs } }),
    });
    if (stopping) {
      // Stopped while this one started (a restart under way): it goes too.
      await server.stop();
      throw new LooplabError(ERROR_CODES.USAGE, 'the session stopped');
    }
    servers.set(variant, server);
    void server.exited.then(({ code, signal }) => {
      if (servers.get(variant) !== server) return;
      // Died on its own: said once, and the others go on.
      servers.delete(variant);
      pending.delete(variant);
      void load?.unload(variant);
      emit({
        type: 'warning',
        elapsedMs: elapsedMs(),
        code: 'server-exited',
        text: `the ${scenario.id} ${variant} server exited (${signal ?? `code ${code}`})${server.tail()}`,
        variant,
      });
    });
    return server;
  };

  const loadOne = (variant: string) => {
    const server = servers.get(variant);
    if (!server || !load) return;
    load.load({
      variant,
      origin: server.url.slice(0, -1),
      requests: scenarioRequests(scenario, params),
      connections,
      timeoutMs: REQUEST_TIMEOUT_MS,
      ping: { rateHz: DEFAULT_OPTIONS.pingRateHz },
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

  const started = await Promise.allSettled(variants.map(startOne));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stopServers();
    throw (failed as PromiseRejectedResult).reason;
  }
  load = startSteadyLoad();

  function ask(variant: string): void {
    const server = servers.get(variant);
    if (!server || asking.has(variant)) return;
    asking.add(variant);
    server
      .frameProbe(FRAME_ANSWER_TIMEOUT_MS)
      .then((frame) => {
        // An answer from a server restarted since belongs to no frame of the new one.
        if (!frame || servers.get(variant) !== server) return;
        const tally = state === 'running' ? (pending.get(variant) ?? null) : null;
        pending.delete(variant);
        emit(frameEvent(variant, startEpochMs, frame, tally));
        for (const stall of stallEvents(variant, startEpochMs, frame)) emit(stall);
      })
      // No answer in time, or the server went: no frame (its exit is said on its own).
      .catch(() => {})
      .finally(() => asking.delete(variant));
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
        const tallies = await load.take();
        for (const [variant, t] of Object.entries(tallies)) {
          const before = pending.get(variant);
          pending.set(variant, before ? addTally(before, t) : t);
        }
      } finally {
        taking = false;
      }
    }
    if (state === 'stopped') return;
    for (const variant of variants) ask(variant);
  }

  /** Variants that run at once compete for cores: the page says so, as the reports do. */
  function warnOfContention(): void {
    const cores = availableParallelism();
    // Each server's loop, plus the load's thread and this one.
    if (cores >= variants.length + 2) return;
    emit({
      type: 'warning',
      elapsedMs: elapsedMs(),
      code: 'cpu-contention',
      text:
        `${variants.length} servers, the load and looplab share ${cores} cores: ` +
        'the variants compete for CPU, so each runs slower than it would alone',
    });
  }

  const ticker = setInterval(() => void tick(), frameIntervalMs);
  let maxTimer: NodeJS.Timeout | undefined;

  function setState(next: SessionState, reason?: string): void {
    state = next;
    emit({ type: 'state', elapsedMs: elapsedMs(), state: next, ...(reason && { reason }) });
  }

  async function run(): Promise<void> {
    if (state === 'running') return;
    for (const v of variants) loadOne(v);
    setState('running');
    maxTimer ??= setTimeout(
      () => void enqueue(() => stop(`max-time: the load ran for ${maxTimeMs / 1000} s`)),
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
      await load?.close();
      setState('stopped', reason);
    })();
    return stopping;
  }

  /** Restarts every variant's server with the current params, cleanly: load off, then on. */
  async function restart(): Promise<void> {
    const wasRunning = state === 'running';
    await unloadAll();
    await stopServers();
    const restarted = await Promise.allSettled(variants.map(startOne));
    const failed = restarted.find((r) => r.status === 'rejected');
    if (failed) {
      await stop(`a server failed to restart: ${(failed as PromiseRejectedResult).reason.message}`);
      throw (failed as PromiseRejectedResult).reason;
    }
    if (wasRunning) for (const v of variants) loadOne(v);
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
        const next = applyParams(scenario, params, request.params);
        const text = changeMarker(params, next);
        if (!text) return;
        return enqueue(async () => {
          params = next;
          emit({ type: 'marker', elapsedMs: elapsedMs(), text, variants });
          await restart();
        });
      }
      case 'connections': {
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
      default:
        throw new LooplabError(
          ERROR_CODES.USAGE,
          `unknown control ${JSON.stringify((request as { action?: unknown }).action)}`,
        );
    }
  }

  if (options.start ?? true) await run();

  return {
    describe: (): SessionEvent => ({
      type: 'session',
      version: LIVE_EVENTS_VERSION,
      scenario: scenario.id,
      variants,
      paramSpecs: scenario.params,
      params,
      connections,
      state,
      startEpochMs,
      frameIntervalMs,
      alternate: false,
    }),
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
