/**
 * Forking a child that reports `ready` over IPC, and keeping it reaped: the part every process
 * the harness starts shares, the scenario server and the upstream service it calls alike.
 *
 * The child is tracked until it has exited, so that the CLI can reap it on SIGINT or SIGTERM, and
 * the end of its stderr is kept for the error messages that say why it went.
 *
 * A scenario server runs a learner's code, which may start processes of its own (at import, in a
 * handler), detached ones too. So the child leads a process group of its own, as a `--cmd` app
 * does (app.ts), and carries a mark in its environment that what it starts inherits: a stop
 * reaps the group and everything marked (group-stop.ts), not the child alone.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { killGroupNow, stopLedGroup, stopTargets } from './group-stop.ts';
import { type ChannelPeer, channelPeers } from './peer-guard.ts';
import type { ProbeChannel } from './probe-request.ts';
import { scanProcesses } from './process-group.ts';
import { KILL_GRACE_MS, track } from './reaper.ts';
import { keepTail } from './stderr-tail.ts';

interface Message {
  type: string;
}

/** The environment entry that marks a forked child's processes, each start's its own value. */
export const FORK_MARK_ENV = 'LOOPLAB_SERVER_MARK';

/**
 * How many processes of group `pgid` or carrying `mark`, its leader gone, a stop may still
 * signal (group-stop.ts); without /proc, none.
 */
function leftOf(pgid: number, mark: string): number {
  return stopTargets(true, scanProcesses(pgid, mark)).pids.length;
}

/** Windows has no process groups: there a stop signals the child alone, as before. */
const GROUPS = process.platform !== 'win32';

/** What a child says when it is up, or why it is not. */
export type ReadyMessage =
  | { type: 'ready'; port: number; pid: number }
  | { type: 'failed'; code?: string; message: string };

export interface ForkOptions {
  execArgv: string[];
  /** Show the child's output on ours instead of keeping its tail for error messages. */
  inheritOutput?: boolean;
  env?: NodeJS.ProcessEnv;
  /** How a warning names it: `the noop sync server`. */
  label?: string;
}

export interface Forked<Out extends Message, In extends Message> {
  readonly child: ChildProcess;
  /** Resolves when the child has exited, however that happened. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The end of its stderr, as `: last | lines`, or '' when it wrote none. */
  tail(): string;
  /** Its IPC channel, for requests that wait for an answer (probe-request.ts). */
  readonly channel: ProbeChannel<Out, In>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the child is gone. */
  stop(): Promise<void>;
}

/** Forks `script` with `args`, tracked for reaping from this moment on. */
export function forkTracked<Out extends Message, In extends Message>(
  script: string,
  args: string[],
  options: ForkOptions,
): Forked<Out, In> {
  const markValue = `${process.pid}-${randomBytes(8).toString('hex')}`;
  const mark = `${FORK_MARK_ENV}=${markValue}`;
  // Set when the child sent a line Node could not parse on its channel, and was dropped for it.
  let badLine: string | null = null;
  const peer: ChannelPeer = {
    get name() {
      return `${options.label ?? 'a child'} (pid ${child.pid})`;
    },
    drop: (why) => {
      badLine = why;
      void stop();
    },
  };
  // In the context that names it: an exception from its channel finds it (peer-guard.ts).
  const child = channelPeers.run(peer, () =>
    fork(script, args, {
      // Never inherit the CLI's own flags (a test runner's, a loader's): the child runs alone.
      execArgv: options.execArgv,
      stdio: options.inheritOutput
        ? ['ignore', 'inherit', 'inherit', 'ipc']
        : ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...(options.env ?? process.env), [FORK_MARK_ENV]: markValue },
      serialization: 'json',
      // A process group of its own, led by the child (setsid): stopped as one.
      detached: GROUPS,
    }),
  );
  let stopping: Promise<void> | undefined;
  const pgid = child.pid;
  // Set before 'exit' is emitted, when Node has reaped it: from then on its pid may be reused.
  const leaderExited = () => child.exitCode !== null || child.signalCode !== null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      // A child that exited on its own (a crash) stays tracked while what it started still
      // runs, for its stop or the CLI's reaping; a stop in progress untracks it when it is done.
      if (!GROUPS || pgid === undefined || (!stopping && leftOf(pgid, mark) === 0)) untrack();
      resolve({ code, signal });
    });
  });
  const stop = () => {
    stopping ??=
      GROUPS && pgid !== undefined
        ? stopLedGroup(pgid, mark, exited, leaderExited).then(untrack)
        : stopChild(child, exited);
    return stopping;
  };
  const untrack = track({
    pid: child.pid,
    stop,
    killNow: () =>
      GROUPS && pgid !== undefined
        ? killGroupNow(pgid, mark, leaderExited())
        : child.kill('SIGKILL'),
  });
  // Failures to spawn, signal or message the child also show up as its exit or as a rejected
  // request; as an unhandled 'error' event they would crash the CLI instead.
  child.on('error', () => {});

  child.stdout?.resume();
  const stderrTail = keepTail(child.stderr);
  const tail = () => (badLine ? `: it sent ${badLine}` : stderrTail());
  return { child, exited, tail, channel: ipcChannel(child), stop };
}

/**
 * Waits for the child's `ready`; stops it and throws when it fails, exits or stays silent.
 *
 * @throws what `failure` makes of a `failed` message, `silent` after `timeoutMs`, `gone` when the
 *   child exits first.
 */
export async function awaitReady(
  forked: Forked<Message, Message>,
  timeoutMs: number,
  errors: {
    failure: (msg: Extract<ReadyMessage, { type: 'failed' }>) => Error;
    silent: () => Error;
    gone: (exit: { code: number | null; signal: NodeJS.Signals | null }) => Error;
  },
): Promise<{ port: number; pid: number }> {
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(errors.silent()), timeoutMs);
      forked.child.on('message', (msg: ReadyMessage) => {
        if (msg.type === 'ready') {
          clearTimeout(timer);
          resolve(msg);
        } else if (msg.type === 'failed') {
          clearTimeout(timer);
          reject(errors.failure(msg));
        }
      });
      forked.exited.then((exit) => {
        clearTimeout(timer);
        reject(errors.gone(exit));
      });
    });
  } catch (err) {
    await forked.stop();
    throw err;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** A child's IPC channel as a request for an answer sees it. */
function ipcChannel<Out extends Message, In extends Message>(
  child: ChildProcess,
): ProbeChannel<Out, In> {
  return {
    get connected() {
      return child.connected;
    },
    get goneReason() {
      return `exit code ${child.exitCode ?? child.signalCode}`;
    },
    // With a callback, a send on a channel that is closing (the child was just reaped) fails
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
