/**
 * One run: the machine's speed, a fresh server, warm-up, the measured window, the probe read,
 * the server reaped. The same for a scenario child, a user's command and a URL.
 */
import { performance } from 'node:perf_hooks';
import { isLooplabError } from '../../core/errors.ts';
import type { ProbeData } from '../../scenarios/probe/protocol.ts';
import { type OutgoingRequest, scenarioRequests } from '../../scenarios/request.ts';
import type { UpstreamReading } from '../../scenarios/upstream/protocol.ts';
import {
  buildCompletedRun,
  type LoopDuringSilence,
  runProblem,
  silenceProblem,
  silentTailMs,
} from '../report/run-record.ts';
import type { BenchOptions, BystanderResult, LoadResult, RunRecord } from '../report/types.ts';
import { type Bystander, startBystander } from './load/bystander.ts';
import { type LoadDriver, openHttpDriver } from './load/driver.ts';
import { openMessageDriver } from './load/message-load.ts';
import type { Job } from './plan.ts';
import { NoAnswerError, startServer } from './process/child.ts';
import type { MeasuredServer } from './process/target.ts';
import { timeSentinel } from './sentinel.ts';

export type Phase = 'starting' | 'warmup' | 'draining' | 'measuring' | 'reading';

/** How long the server may take to finish what the warm-up left queued. */
const DRAIN_TIMEOUT_MS = 120_000;

export interface RunHooks {
  signal?: AbortSignal;
  onPhase?: (phase: Phase, detail: { serverPid?: number; upstreamPid?: number }) => void;
  /** During the window: seconds elapsed and requests completed so far. */
  onTick?: (elapsedSec: number, completed: number) => void;
  /** Node flags for the server child (--cpu-prof and the like). */
  execArgv?: string[];
  /** false only for the probe-overhead benchmark. */
  probe?: boolean;
  /** The server child's environment, e.g. with UV_THREADPOOL_SIZE. */
  env?: NodeJS.ProcessEnv;
  /** How long the server child may take to report its port; default startServer's. */
  startTimeoutMs?: number;
  /**
   * Told the server as the measured window's load starts (`lesson --live` reads its frames
   * while it runs); the watch it returns hears each answer where `answers` is true (autocannon
   * on this thread; not on `--workers` or a WebSocket room), and ends with the load.
   */
  watchWindow?: (server: MeasuredServer, o: { answers: boolean }) => WindowWatch;
}

/** Someone watching one run's window as it runs: it changes nothing of what the run measures. */
export interface WindowWatch {
  /** Each answer's latency as it comes, where the load can tell it (not on `--workers`). */
  onAnswer?(latencyMs: number): void;
  /** The window's load is over (or the run failed or stopped); called once. */
  end(): void;
}

/** What a benchmark tells of each of its runs (progress), whatever its jobs are. */
export interface JobHooks<J> {
  signal?: AbortSignal;
  onRunStart?: (job: J, index: number, total: number) => void;
  onRunPhase?: (job: J, phase: Phase, serverPid?: number, upstreamPid?: number) => void;
  onRunTick?: (job: J, elapsedSec: number, completed: number) => void;
  onRunEnd?: (job: J, record: RunRecord, index: number, total: number) => void;
  /** As RunHooks.watchWindow, for `job`'s run. */
  watchWindow?: (job: J, server: MeasuredServer, o: { answers: boolean }) => WindowWatch;
}

/** The run hooks of one job, from a benchmark's job hooks. */
export function runHooksOf<J>(job: J, hooks: JobHooks<J>): RunHooks {
  return {
    ...(hooks.signal && { signal: hooks.signal }),
    onPhase: (phase, detail) =>
      hooks.onRunPhase?.(job, phase, detail.serverPid, detail.upstreamPid),
    ...(hooks.onRunTick && {
      onTick: (elapsed: number, completed: number) => hooks.onRunTick?.(job, elapsed, completed),
    }),
    ...(hooks.watchWindow && {
      watchWindow: (server: MeasuredServer, o: { answers: boolean }) =>
        (hooks.watchWindow as NonNullable<typeof hooks.watchWindow>)(job, server, o),
    }),
  };
}

/** What one run measures: how to start (or reach) the server, and what to send it. */
export interface RunTarget {
  /** How error messages name it: `busy-wait sync`, `--cmd "node server.js"`. */
  label: string;
  start(): Promise<MeasuredServer>;
  /** Sent in rotation on every connection: at least one. */
  requests: readonly OutgoingRequest[];
  /** The driver for a server that is not loaded over HTTP with autocannon (a WebSocket room). */
  openDriver?(
    server: MeasuredServer,
    options: BenchOptions,
    signal?: AbortSignal,
  ): Promise<LoadDriver>;
}

/** The WebSocket driver for a scenario whose protocol is `websocket`; none for HTTP. */
function scenarioDriver(job: Job, requests: readonly OutgoingRequest[]): RunTarget['openDriver'] {
  const load =
    job.scenario.protocol === 'websocket' ? job.scenario.messageLoad?.(job.params) : undefined;
  if (!load) return undefined;
  return (server, options, signal) =>
    openMessageDriver({
      ...load,
      origin: server.origin,
      messages: requests.map((r) => r.body),
      timeoutSec: options.timeoutSec,
      ...(signal && { signal }),
    });
}

/** The scenario child of `job`, as a run target. */
export function scenarioTarget(job: Job, options: BenchOptions, hooks: RunHooks = {}): RunTarget {
  // Built here, in the harness, once per run: a large body is not rebuilt per connection.
  const requests = scenarioRequests(job.scenario, job.params);
  const openDriver = scenarioDriver(job, requests);
  return {
    label: `${job.scenario.id} ${job.variant}`,
    requests,
    ...(openDriver && { openDriver }),
    async start() {
      const server = await startServer(
        {
          scenario: job.scenario.id,
          variant: job.variant,
          params: job.params,
          port: 0,
          probe: hooks.probe ?? true,
          timelineIntervalMs: options.timelineIntervalMs,
          ...(job.handlerFile && { handlerFile: job.handlerFile }),
          // Older callers' options may predate the field: absent is off.
          ...(options.stallThresholdMs != null && {
            stalls: { thresholdMs: options.stallThresholdMs },
          }),
        },
        {
          execArgv: hooks.execArgv ?? [],
          ...(hooks.env && { env: hooks.env }),
          ...(hooks.startTimeoutMs !== undefined && { readyTimeoutMs: hooks.startTimeoutMs }),
        },
      );
      const origin = server.url.slice(0, -1);
      const { upstream } = server;
      return {
        pid: server.pid,
        origin,
        ping: { origin, path: '/ping' },
        // The upstream's window opens once the server is idle: no call of the warm-up is still
        // out, so every call it counts belongs to a request of the window (or one in flight at
        // its end).
        resetProbe: async ({ windowMs, timeoutMs, atFirstRequest }) => {
          await server.resetProbe(windowMs, timeoutMs, atFirstRequest);
          await upstream?.reset();
        },
        readProbe: (timeoutMs) => server.readProbe(timeoutMs),
        frameProbe: (timeoutMs) => server.frameProbe(timeoutMs),
        ...(upstream && { upstreamPid: upstream.pid, readUpstream: () => upstream.read() }),
        stop: () => server.stop(),
        otherPorts: () => [],
      };
    },
  };
}

/**
 * When a load went silent at its end, asks the probe what the loop was doing then, for no longer
 * than `timeoutMs`, and throws why the run fails, unless the loop was blocked and came back.
 * Returns the reading it took (undefined: none), so that the window's is not taken twice.
 */
export async function checkSilence(
  server: MeasuredServer,
  load: LoadResult,
  where: { path: string; phase: 'window' | 'warm-up'; timeoutMs: number },
): Promise<ProbeData | null | undefined> {
  const silentMs = silentTailMs(load);
  if (silentMs === null) return undefined;
  let probe: ProbeData | null = null;
  let loop: LoopDuringSilence;
  try {
    probe = await server.readProbe(where.timeoutMs);
    loop = probe ? { probe } : null;
  } catch (err) {
    // Gone (it crashed): that says more than the silence it left.
    if (!(err instanceof NoAnswerError)) throw err;
    loop = { noAnswerMs: where.timeoutMs };
  }
  const problem = silenceProblem({ load, silentMs, path: where.path, phase: where.phase, loop });
  if (problem) throw new Error(problem);
  return probe;
}

/** The pids a phase reports: the server's and its upstream's. */
export function pidsOf(server: MeasuredServer): { serverPid?: number; upstreamPid?: number } {
  return {
    ...(server.pid !== null && { serverPid: server.pid }),
    ...(server.upstreamPid && { upstreamPid: server.upstreamPid }),
  };
}

/** The bystander of `server`: it pings from a worker thread from now until stopped. */
export function bystanderOf(
  server: MeasuredServer,
  options: { pingRateHz: number; timeoutSec: number },
): Bystander {
  return startBystander({
    origin: server.ping.origin,
    path: server.ping.path,
    ...(server.ping.anyStatus && { anyStatus: true }),
    rateHz: options.pingRateHz,
    timeoutMs: options.timeoutSec * 1000,
  });
}

/**
 * Gets a window ready once the load before it is over: the probe opens its window (of
 * `windowMs`) once the server is idle, at its next request with `atFirstRequest`, and the
 * bystander's connections are warm. The caller opens the bystander's window as its load starts.
 * `advice` ends the message when the server is still busy with what the load before it left.
 */
export async function openWindow(
  server: MeasuredServer,
  bystander: Bystander,
  o: { windowMs: number; atFirstRequest: boolean; advice: string },
): Promise<void> {
  await Promise.all([
    server
      .resetProbe({
        windowMs: o.windowMs,
        timeoutMs: DRAIN_TIMEOUT_MS,
        atFirstRequest: o.atFirstRequest,
      })
      .catch((err: unknown) => {
        if (!(err instanceof NoAnswerError)) throw err;
        throw new Error(
          `${err.message}: the server was still busy with the warm-up's requests; ${o.advice}`,
        );
      }),
    bystander.ready(),
  ]);
}

/** What a window measured besides its load: the bystander's pings, the probe's and the upstream's reading. */
export interface WindowReading {
  ping: BystanderResult;
  probe: ProbeData | null;
  upstream: UpstreamReading | undefined;
}

/**
 * Reads a window once its load is over: throws why when the load went silent at its end and the
 * loop did not come back (checkSilence), else the bystander's result (`ping`: stop it, or read
 * it and go on), the probe's window and the upstream's.
 */
export async function readWindow(
  server: MeasuredServer,
  load: LoadResult,
  silence: { path: string; phase: 'window' | 'warm-up'; timeoutMs: number },
  o: { ping: () => Promise<BystanderResult>; signal?: AbortSignal | undefined },
): Promise<WindowReading> {
  const read = await checkSilence(server, load, silence);
  o.signal?.throwIfAborted();
  const [ping, probe, upstream] = await Promise.all([
    o.ping(),
    read !== undefined ? read : server.readProbe(),
    server.readUpstream?.(),
  ]);
  return { ping, probe, upstream };
}

/**
 * Measures one job of a scenario. A run that fails is returned as data (`state: 'failed'`), so
 * the other runs survive it; only an abort throws.
 */
export function measureRun(
  job: Job,
  options: BenchOptions,
  hooks: RunHooks = {},
): Promise<RunRecord> {
  return measureTarget(job.run, scenarioTarget(job, options, hooks), options, hooks);
}

/** Measures one run of `target`; failed runs are data, as for measureRun. */
export async function measureTarget(
  run: number,
  target: RunTarget,
  options: BenchOptions,
  hooks: RunHooks = {},
): Promise<RunRecord> {
  const startedAt = new Date().toISOString();
  const { signal, onTick } = hooks;
  // Before anything of this run starts, so that nothing of ours competes with it.
  const sentinelMs = timeSentinel();
  let server: MeasuredServer | undefined;
  let bystander: Bystander | undefined;
  let driver: LoadDriver | undefined;
  let watch: WindowWatch | undefined;
  try {
    hooks.onPhase?.('starting', {});
    server = await target.start();
    signal?.throwIfAborted();
    const pids = pidsOf(server);
    // Started before the warm-up so that its thread, client and connections are warm too.
    bystander = bystanderOf(server, options);
    driver = target.openDriver
      ? await target.openDriver(server, options, signal)
      : await openHttpDriver({
          url: server.origin,
          requests: target.requests,
          connections: options.connections,
          timeoutSec: options.timeoutSec,
          ...(options.workers && { workers: options.workers }),
          ...(signal && { signal }),
        });
    signal?.throwIfAborted();

    // A server that stopped answering, or whose loop spins for good, fails its run as soon as
    // the load that saw it ends, with why; its probe is asked no longer than --timeout.
    // How messages name what was loaded: the first of the requests in rotation.
    const path = target.requests[0]?.path ?? '/';
    const silence = (phase: 'window' | 'warm-up') => ({
      path,
      phase,
      timeoutMs: options.timeoutSec * 1000,
    });

    if (options.warmupSec > 0) {
      hooks.onPhase?.('warmup', pids);
      const warmup = await driver.run(options.warmupSec);
      signal?.throwIfAborted();
      await checkSilence(server, warmup, silence('warm-up'));
      signal?.throwIfAborted();
    }

    // The window opens with the load: everything before it (start-up, JIT, warm-up and the
    // requests the warm-up left queued, which the server finishes first) is excluded. The probe
    // opens its window at the window's first request, the bystander as the load starts sending,
    // and both close theirs themselves after the same duration as the load's, so all three
    // cover the same time; the generator was loaded before (openHttpDriver), never inside it.
    // A WebSocket room sends as soon as it runs: its probe opens once the server is idle.
    hooks.onPhase?.('draining', pids);
    const windowMs = options.durationSec * 1000;
    await openWindow(server, bystander, {
      windowMs,
      atFirstRequest: !target.openDriver,
      advice: 'use a shorter --warmup, fewer --connections or a lighter --param',
    });
    // A stop during the drain: the load must not start, since it would hear of the abort only
    // after its window (it listens from its start), and Ctrl-C would wait that long.
    signal?.throwIfAborted();
    hooks.onPhase?.('measuring', pids);
    const eluStart = performance.eventLoopUtilization();
    const cpuStart = process.cpuUsage();
    const windowStart = performance.now();
    const open = bystander;
    watch = hooks.watchWindow?.(server, { answers: !target.openDriver && !options.workers });
    const onAnswer = watch?.onAnswer?.bind(watch);
    const result = await driver.run(options.durationSec, {
      settle: true,
      onStart: () => open.open(windowMs),
      // A fresh autocannon opens every connection at once, and a server whose loop is blocked
      // accepts one per turn: its connections would join one by one through the window's first
      // second (load.ts). After a warm-up they are opened, and accepted, before the window opens;
      // with --warmup 0 on this thread the window opens as they start to connect, and keeps that
      // ramp (on --workers they are always opened first: load.ts, runOnWorkers).
      ...(options.warmupSec > 0 && { connectFirst: true }),
      ...(onAnswer && { onAnswer }),
      ...(onTick && {
        onTick: (completed: number) => onTick((performance.now() - windowStart) / 1000, completed),
      }),
    });
    // Read the generator's own load before anything else runs on this thread.
    const generatorElu = performance.eventLoopUtilization(eluStart).utilization;
    const cpu = process.cpuUsage(cpuStart);
    watch?.end();
    watch = undefined;
    signal?.throwIfAborted();
    const generatorCpuPct =
      ((cpu.user + cpu.system) / 1000 / (performance.now() - windowStart)) * 100;
    hooks.onPhase?.('reading', pids);
    const { ping, probe, upstream } = await readWindow(server, result, silence('window'), {
      ping: () => open.stop(),
      signal,
    });
    bystander = undefined;
    signal?.throwIfAborted();
    const problem = runProblem(result, ping, options.durationSec, path);
    if (problem) throw new Error(problem);
    return buildCompletedRun({
      run,
      startedAt,
      serverPid: server.pid,
      load: result,
      ping,
      probe,
      generator: {
        elu: generatorElu,
        cpuPct: generatorCpuPct,
        ...(options.workers && !target.openDriver && { workers: options.workers }),
        ...(result.messages?.behindSchedule && { behindSchedule: true }),
      },
      sentinelMs,
      otherPorts: server.otherPorts(),
      ...(upstream && { upstream }),
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    return {
      state: 'failed',
      run,
      startedAt,
      sentinelMs,
      code: isLooplabError(err) ? err.code : null,
      reason: err instanceof Error ? err.message : String(err),
    };
  } finally {
    watch?.end();
    await driver?.close();
    // Together: the bystander's pings still waiting on a blocked server end when it is stopped,
    // instead of waiting out their timeout.
    await Promise.all([bystander?.stop().catch(() => undefined), server?.stop()]);
  }
}
