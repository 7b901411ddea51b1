/**
 * Starting and reading the upstream service a scenario calls (scenarios/upstream/service.ts).
 *
 * It runs as a process of its own, so that its waiting, its sockets and its CPU are never the
 * measured server's, and it is started fresh with each server and reaped with it.
 */
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { moduleUrl } from '../../core/module-url.ts';
import type {
  FromUpstream,
  ToUpstream,
  UpstreamConfig,
  UpstreamReading,
} from '../../scenarios/upstream/protocol.ts';
import { awaitReady, forkTracked } from './fork.ts';
import { requestProbe } from './probe-request.ts';

const UPSTREAM_SCRIPT = fileURLToPath(
  moduleUrl(import.meta.url, '../../scenarios/upstream/service'),
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

/**
 * Starts an upstream with `config` on a free loopback port, for the server `label` names.
 *
 * @throws {LooplabError} LOOPLAB_ERR_SERVER_START when it fails or stays silent too long.
 */
export async function startUpstream(
  config: UpstreamConfig,
  label: string,
  readyTimeoutMs = 15_000,
): Promise<UpstreamHandle> {
  const forked = forkTracked<ToUpstream, FromUpstream>(UPSTREAM_SCRIPT, [JSON.stringify(config)], {
    execArgv: [],
  });
  const name = `${label} upstream`;
  const startError = (why: string) =>
    new LooplabError(ERROR_CODES.SERVER_START, `the ${name} ${why}${forked.tail()}`);
  const ready = await awaitReady(forked, readyTimeoutMs, {
    failure: (msg) => startError(`failed to start: ${msg.message}`),
    silent: () => startError(`did not report its port within ${readyTimeoutMs} ms`),
    gone: ({ code, signal }) =>
      startError(`exited before it was ready (${signal ?? `code ${code}`})`),
  });
  const ask = (msg: ToUpstream, answer: FromUpstream['type'], timeoutMs: number) =>
    requestProbe(forked.channel, msg, answer, timeoutMs, name, forked.tail);
  return {
    pid: ready.pid,
    origin: `http://127.0.0.1:${ready.port}`,
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
}
