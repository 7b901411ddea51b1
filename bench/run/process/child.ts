/**
 * Starting, talking to and reaping scenario server children.
 *
 * Every child this module starts is tracked until it has exited, so that the CLI can reap all of
 * them on SIGINT or SIGTERM: no server may outlive the command that started it. Children are
 * stopped with SIGTERM, then SIGKILL after a grace period.
 */
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, LooplabError } from '../../../core/errors.ts';
import { moduleUrl } from '../../../core/module-url.ts';
import type {
  ChildConfig,
  FromChild,
  ProbeData,
  ProbeFrame,
  ToChild,
} from '../../../scenarios/probe/protocol.ts';
import { allScenarios } from '../../../scenarios/registry.ts';
import { handlerLaunch } from './compiled-handler.ts';
import { awaitReady, forkTracked } from './fork.ts';
import { probeRequests } from './probe-request.ts';
import { launchUpstream, type UpstreamHandle } from './upstream.ts';

export { NoAnswerError } from './probe-request.ts';
export { KILL_GRACE_MS, killAllNow, livePids, reapAll } from './reaper.ts';

const SERVER_SCRIPT = fileURLToPath(moduleUrl(import.meta.url, '../../../scenarios/server/server'));

export interface StartOptions {
  /** How long the child may take to report its port. */
  readyTimeoutMs?: number;
  /** Extra Node flags for the child, e.g. --cpu-prof. */
  execArgv?: string[];
  /** Show the child's output on ours (serve) instead of keeping its tail for error messages. */
  inheritOutput?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface ServerHandle {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Resolves when the child has exited, however that happened. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `: line | line`, the last lines of its stderr so far, or '' (stderr-tail.ts). */
  tail(): string;
  /**
   * Opens the probe's window once the server is idle; with `windowMs` the probe closes it too.
   * With `atFirstRequest`, the window opens at the next request instead (see protocol.ts).
   */
  resetProbe(windowMs?: number, timeoutMs?: number, atFirstRequest?: boolean): Promise<void>;
  readProbe(timeoutMs?: number): Promise<ProbeData | null>;
  /** The probe's frame since the previous one (looplab live); null from a server without a probe. */
  frameProbe(timeoutMs?: number): Promise<ProbeFrame | null>;
  /** The upstream started for this server (its scenario calls one), else null. */
  readonly upstream: UpstreamHandle | null;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the child (and its upstream) is gone. */
  stop(): Promise<void>;
}

/**
 * Forks a server child and waits for it to report its port. When its scenario calls an upstream,
 * starts that first, fresh for this server, and stops it with the server.
 *
 * @throws {LooplabError} LOOPLAB_ERR_SERVER_START when it (or its upstream) fails or stays
 *   silent too long; LOOPLAB_ERR_PORT_IN_USE when the requested port is taken.
 */
export async function startServer(
  config: ChildConfig,
  options: StartOptions = {},
): Promise<ServerHandle> {
  const label = `${config.scenario} ${config.variant}`;
  // An unknown scenario is the child's to report, as its failure to start.
  const upstreamConfig = allScenarios
    .find((s) => s.id === config.scenario)
    ?.upstream?.(config.params);
  const launching = upstreamConfig ? await launchUpstream(upstreamConfig, label) : null;
  // Side by side: the upstream's origin is known before it is up, and the server calls it only
  // once the load starts.
  const [started, upstream] = await Promise.allSettled([
    startChild(launching ? { ...config, upstream: launching.origin } : config, label, options),
    launching ? launching.ready : Promise.resolve(null),
  ]);
  if (started.status === 'rejected' || upstream.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.stop();
    await launching?.stop();
    throw started.status === 'rejected'
      ? started.reason
      : (upstream as PromiseRejectedResult).reason;
  }
  const server = started.value;
  const up = upstream.value;
  // However the server ends (stopped, crashed, killed), its upstream goes with it.
  void server.exited.then(() => up?.stop());
  return {
    ...server,
    upstream: up,
    // The server first: its calls in flight end with it, not as errors against a gone upstream.
    stop: () => server.stop().then(() => up?.stop()),
  };
}

async function startChild(
  config: ChildConfig,
  label: string,
  options: StartOptions,
): Promise<Omit<ServerHandle, 'upstream'>> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  // A learner's TypeScript file, compiled once or given a loader on Node 20.
  const handler = config.handlerFile ? await handlerLaunch(config.handlerFile) : null;
  const child: ChildConfig = handler?.module
    ? { ...config, handlerModule: handler.module }
    : config;
  const forked = forkTracked<ToChild, FromChild>(SERVER_SCRIPT, [JSON.stringify(child)], {
    execArgv: [...(handler?.execArgv ?? []), ...(options.execArgv ?? [])],
    ...(options.inheritOutput && { inheritOutput: true }),
    ...(options.env && { env: options.env }),
    label: `the ${label} server`,
  });
  const { tail, channel } = forked;
  const ready = await awaitReady(forked, readyTimeoutMs, {
    failure: (msg) =>
      msg.code === ERROR_CODES.BAD_EXERCISE
        ? new LooplabError(ERROR_CODES.BAD_EXERCISE, msg.message)
        : msg.code === 'EADDRINUSE'
          ? new LooplabError(
              ERROR_CODES.PORT_IN_USE,
              `port ${config.port} is already in use; pick another with --port, or --port 0 for a free one`,
            )
          : new LooplabError(
              ERROR_CODES.SERVER_START,
              `the ${label} server failed to start: ${msg.message}`,
            ),
    silent: () =>
      new LooplabError(
        ERROR_CODES.SERVER_START,
        `the ${label} server did not report its port within ${readyTimeoutMs} ms${tail()}`,
      ),
    gone: ({ code, signal }) =>
      new LooplabError(
        ERROR_CODES.SERVER_START,
        `the ${label} server exited before it was ready (${signal ?? `code ${code}`})${tail()}`,
      ),
  });

  const probe = probeRequests(channel, label, tail);
  return {
    pid: ready.pid,
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}/`,
    exited: forked.exited,
    tail,
    resetProbe: (windowMs?: number, timeoutMs = 30_000, atFirstRequest = false) =>
      probe.resetProbe({ windowMs, timeoutMs, atFirstRequest }),
    readProbe: probe.readProbe,
    frameProbe: probe.frameProbe,
    stop: forked.stop,
  };
}
