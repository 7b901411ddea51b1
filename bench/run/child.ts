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
import type { ChildConfig, FromChild, ProbeData } from '../../scenarios/probe/protocol.ts';
import { typeScriptExecArgv } from '../../scenarios/server/ts-loader.ts';
import { type ProbeChannel, requestProbe } from './probe-request.ts';
import { KILL_GRACE_MS, track } from './reaper.ts';
import { keepTail } from './stderr-tail.ts';

export { NoAnswerError } from './probe-request.ts';
export { KILL_GRACE_MS, killAllNow, livePids, reapAll } from './reaper.ts';

const SERVER_SCRIPT = fileURLToPath(moduleUrl(import.meta.url, '../../scenarios/server/server'));

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
  /**
   * Opens the probe's window once the server is idle; with `windowMs` the probe closes it too.
   * With `atFirstRequest`, the window opens at the next request instead (see protocol.ts).
   */
  resetProbe(windowMs?: number, timeoutMs?: number, atFirstRequest?: boolean): Promise<void>;
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
  const untrack = track({
    pid: child.pid,
    stop: () => stopChild(child, exited),
    killNow: () => child.kill('SIGKILL'),
  });
  // Failures to spawn, signal or message the child also show up as its exit or as a rejected
  // request; as an unhandled 'error' event they would crash the CLI instead.
  child.on('error', () => {});

  child.stdout?.resume();
  const tail = keepTail(child.stderr);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      untrack();
      resolve({ code, signal });
    });
  });
  const label = `${config.scenario} ${config.variant}`;

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

  const channel = ipcChannel(child);
  return {
    pid: ready.pid,
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}/`,
    exited,
    resetProbe: (windowMs?: number, timeoutMs = 30_000, atFirstRequest = false) =>
      requestProbe(
        channel,
        {
          type: 'probe:reset',
          ...(windowMs !== undefined && { windowMs }),
          ...(atFirstRequest && { atFirstRequest }),
        },
        'probe:reset:done',
        timeoutMs,
        label,
        tail,
      ).then(() => undefined),
    readProbe: (timeoutMs = 30_000) =>
      requestProbe(channel, { type: 'probe:read' }, 'probe:data', timeoutMs, label, tail).then(
        (m) => (m.type === 'probe:data' ? m.data : null),
      ),
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** A child's IPC channel as the probe's requests see it. */
function ipcChannel(child: ChildProcess): ProbeChannel {
  return {
    get connected() {
      return child.connected;
    },
    get goneReason() {
      return `exit code ${child.exitCode ?? child.signalCode}`;
    },
    // With a callback, a send on a channel that is closing (the server was just reaped) fails
    // there instead of as an 'error' event that would crash the CLI.
    send: (msg, done) => child.send(msg, (err) => done(err ?? null)),
    onMessage(fn) {
      child.on('message', fn);
      return () => child.off('message', fn);
    },
    onGone(fn) {
      child.once('exit', fn);
      return () => child.off('exit', fn);
    },
  };
}
