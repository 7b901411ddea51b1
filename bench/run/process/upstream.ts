/**
 * Starting and reading the upstream service a scenario calls (scenarios/upstream/service.ts).
 *
 * It runs as a process of its own, so that its waiting, its sockets and its CPU are never the
 * measured server's, and it is started fresh with each server and reaped with it.
 */
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, LooplabError } from '../../../core/errors.ts';
import { moduleUrl } from '../../../core/module-url.ts';
import type {
  FromUpstream,
  ToUpstream,
  UpstreamConfig,
  UpstreamReading,
} from '../../../scenarios/upstream/protocol.ts';
import { awaitReady, forkTracked } from './fork.ts';
import { requestProbe } from './probe-request.ts';

const UPSTREAM_SCRIPT = fileURLToPath(
  moduleUrl(import.meta.url, '../../../scenarios/upstream/service'),
);

export interface UpstreamHandle {
  readonly pid: number;
  /** `http://127.0.0.1:1234`: what the scenario server is given to call. */
  readonly origin: string;
  readonly latencyMs: number;
  readonly exited: Promise<unknown>;
  /** Opens a new window: counts and timings start again from zero. */
  reset(timeoutMs?: number): Promise<void>;
  read(timeoutMs?: number): Promise<UpstreamReading>;
  stop(): Promise<void>;
}

/** An upstream on its way up: its origin is known at once, so the server can start beside it. */
export interface LaunchingUpstream {
  /** `http://127.0.0.1:1234`: the port is bound already, by the harness. */
  readonly origin: string;
  /** Resolves once it serves; rejects (having stopped it) when it cannot. */
  readonly ready: Promise<UpstreamHandle>;
  stop(): Promise<void>;
}

/**
 * Launches an upstream with `config` for the server `label` names: binds a free loopback port
 * here and hands the listening socket to the upstream's process, so that the port is known
 * before the process is up and nothing else can take it meanwhile.
 */
export async function launchUpstream(
  config: UpstreamConfig,
  label: string,
  readyTimeoutMs = 15_000,
): Promise<LaunchingUpstream> {
  const listener = createServer();
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', resolve);
  });
  const port = (listener.address() as AddressInfo).port;
  const forked = forkTracked<ToUpstream, FromUpstream>(UPSTREAM_SCRIPT, [JSON.stringify(config)], {
    execArgv: [],
  });
  // Once the child holds the socket, ours is closed: only the upstream accepts on the port. A
  // failed send shows up as the child's exit, which `ready` reports.
  forked.child.send({ type: 'upstream:listen' }, listener, () => listener.close());
  const name = `${label} upstream`;
  const startError = (why: string) =>
    new LooplabError(ERROR_CODES.SERVER_START, `the ${name} ${why}${forked.tail()}`);
  const ready = awaitReady(forked, readyTimeoutMs, {
    failure: (msg) => startError(`failed to start: ${msg.message}`),
    silent: () => startError(`did not report that it serves within ${readyTimeoutMs} ms`),
    gone: ({ code, signal }) =>
      startError(`exited before it was ready (${signal ?? `code ${code}`})`),
  }).then(({ pid }): UpstreamHandle => {
    const ask = (msg: ToUpstream, answer: FromUpstream['type'], timeoutMs: number) =>
      requestProbe(forked.channel, msg, answer, timeoutMs, name, forked.tail);
    return {
      pid,
      origin: `http://127.0.0.1:${port}`,
      latencyMs: config.latencyMs,
      exited: forked.exited,
      reset: (timeoutMs = 10_000) =>
        ask({ type: 'upstream:reset' }, 'upstream:reset:done', timeoutMs).then(() => undefined),
      read: async (timeoutMs = 10_000) => {
        const m = await ask({ type: 'upstream:read' }, 'upstream:data', timeoutMs);
        if (m.type !== 'upstream:data') throw new Error(`the ${name} answered ${m.type}`);
        return m.data;
      },
      stop: forked.stop,
    };
  });
  // Whoever awaits `ready` sees a failure; unawaited, it must not crash the CLI.
  ready.catch(() => {});
  return { origin: `http://127.0.0.1:${port}`, ready, stop: forked.stop };
}

/**
 * Starts an upstream with `config` and waits until it serves.
 *
 * @throws {LooplabError} LOOPLAB_ERR_SERVER_START when it fails or stays silent too long.
 */
export async function startUpstream(
  config: UpstreamConfig,
  label: string,
  readyTimeoutMs = 15_000,
): Promise<UpstreamHandle> {
  return (await launchUpstream(config, label, readyTimeoutMs)).ready;
}
