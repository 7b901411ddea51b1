/**
 * Starting, talking to and reaping scenario server children.
 *
 * Every child this module starts is tracked until it has exited, so that the CLI can reap all of
 * them on SIGINT or SIGTERM: no server may outlive the command that started it. Children are
 * stopped with SIGTERM, then SIGKILL after a grace period.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { moduleUrl } from '../../core/module-url.ts';
import type { ChildConfig, FromChild, ProbeData, ToChild } from '../../scenarios/probe/protocol.ts';
import { typeScriptExecArgv } from '../../scenarios/server/ts-loader.ts';

const SERVER_SCRIPT = fileURLToPath(moduleUrl(import.meta.url, '../../scenarios/server/server'));
const STDERR_TAIL_BYTES = 4096;
export const KILL_GRACE_MS = 2000;

const live = new Set<ChildProcess>();

/** A server that is alive but did not answer an IPC request in time (its loop is busy). */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
}

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
  /** Opens the probe's window once the server is idle; with `windowMs` the probe closes it too. */
  resetProbe(windowMs?: number, timeoutMs?: number): Promise<void>;
  readProbe(timeoutMs?: number): Promise<ProbeData | null>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the child is gone. */
  stop(): Promise<void>;
}

/**
 * Forks a server child and waits for it to report its port.
 *
 * @throws {LooplabError} LOOPLAB_ERR_SERVER_START when it fails or stays silent too long;
 *   LOOPLAB_ERR_PORT_IN_USE when the requested port is taken.
 */
export async function startServer(
  config: ChildConfig,
  options: StartOptions = {},
): Promise<ServerHandle> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const child = fork(SERVER_SCRIPT, [JSON.stringify(config)], {
    // Never inherit the CLI's own flags (a test runner's, a loader's): the server runs alone.
    // A learner's TypeScript file needs its own loader on Node 20.
    execArgv: [...(config.handlerFile ? typeScriptExecArgv() : []), ...(options.execArgv ?? [])],
    stdio: options.inheritOutput
      ? ['ignore', 'inherit', 'inherit', 'ipc']
      : ['ignore', 'pipe', 'pipe', 'ipc'],
    env: options.env ?? process.env,
    serialization: 'json',
  });
  live.add(child);
  // Failures to spawn, signal or message the child also show up as its exit or as a rejected
  // request; as an unhandled 'error' event they would crash the CLI instead.
  child.on('error', () => {});

  let stderrTail = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
  });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const label = `${config.scenario} ${config.variant}`;
  const tail = () =>
    stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : '';

  let ready: { port: number; pid: number };
  try {
    ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new LooplabError(
            ERROR_CODES.SERVER_START,
            `the ${label} server did not report its port within ${readyTimeoutMs} ms${tail()}`,
          ),
        );
      }, readyTimeoutMs);
      child.on('message', (msg: FromChild) => {
        if (msg.type === 'ready') {
          clearTimeout(timer);
          resolve(msg);
        } else if (msg.type === 'failed') {
          clearTimeout(timer);
          reject(
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
          );
        }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(
          new LooplabError(
            ERROR_CODES.SERVER_START,
            `the ${label} server exited before it was ready (${signal ?? `code ${code}`})${tail()}`,
          ),
        );
      });
    });
  } catch (err) {
    await stopChild(child, exited);
    throw err;
  }

  return {
    pid: ready.pid,
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}/`,
    exited,
    resetProbe: (windowMs?: number, timeoutMs = 30_000) =>
      request(
        child,
        windowMs === undefined ? { type: 'probe:reset' } : { type: 'probe:reset', windowMs },
        'probe:reset:done',
        timeoutMs,
        label,
        tail,
      ).then(() => undefined),
    readProbe: (timeoutMs = 30_000) =>
      request(child, { type: 'probe:read' }, 'probe:data', timeoutMs, label, tail).then((m) =>
        m.type === 'probe:data' ? m.data : null,
      ),
    stop: () => stopChild(child, exited),
  };
}

function request(
  child: ChildProcess,
  msg: ToChild,
  answer: FromChild['type'],
  timeoutMs: number,
  label: string,
  /** The end of the child's stderr, as `: last | lines`, or ''. */
  tail: () => string,
): Promise<FromChild> {
  return new Promise((resolve, reject) => {
    if (!child.connected) {
      reject(
        new Error(
          `the ${label} server is gone (exit code ${child.exitCode ?? child.signalCode})${tail()}`,
        ),
      );
      return;
    }
    const onMessage = (m: FromChild) => {
      if (m.type !== answer) return;
      cleanup();
      resolve(m);
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`the ${label} server exited while asked for ${msg.type}${tail()}`));
    };
    // A blocked loop answers late, but a loop that never answers is a failed run, not a hang.
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new NoAnswerError(`the ${label} server did not answer ${msg.type} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    // With a callback, a send on a channel that is closing (the server was just reaped) fails
    // here instead of as an 'error' event that would crash the CLI.
    child.send(msg, (err) => {
      if (!err) return;
      cleanup();
      reject(new Error(`the ${label} server could not be asked for ${msg.type}: ${err.message}`));
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Pids of the children still alive; the CLI reports them in --debug mode. */
export function livePids(): number[] {
  return [...live].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
}

/** Stops every child this process started and waits until all have exited. */
export async function reapAll(): Promise<void> {
  await Promise.all(
    [...live].map((child) => stopChild(child, new Promise((r) => child.once('exit', r)))),
  );
}

/** Last resort for a process about to exit: SIGKILL without waiting. */
export function killAllNow(): void {
  for (const child of live) child.kill('SIGKILL');
}
