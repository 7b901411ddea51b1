/**
 * Starting a user's own server (`bench --cmd`) with the probe preloaded, finding its port, talking
 * to its probe, and reaping its whole process tree.
 *
 * The command runs in a process group of its own, under a small supervisor (app-supervisor.ts),
 * so that `npm start → sh → node` is stopped as one: SIGTERM to the group, SIGKILL after the grace
 * period, and the stop resolves only once no process of the group is left. The preload reports
 * over a Unix socket in a private temporary directory: the app's own `process.send`, if it has
 * one, is never touched.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, LooplabError } from '../../../core/errors.ts';
import { moduleUrl } from '../../../core/module-url.ts';
import {
  onJsonLines,
  PROBE_DATA_LINE_CHARS,
  writeJsonLine,
} from '../../../scenarios/probe/json-lines.ts';
import {
  type FromChild,
  type FromPreload,
  PRELOAD_ENV,
  type PreloadConfig,
  type ProbeFrame,
  type ToChild,
} from '../../../scenarios/probe/protocol.ts';
import { killGroupNow, stopGroup } from '../process/group-stop.ts';
import { warnDropped } from '../process/peer-guard.ts';
import { type ProbeChannel, probeRequests } from '../process/probe-request.ts';
import { KILL_GRACE_MS, track } from '../process/reaper.ts';
import { keepTail } from '../process/stderr-tail.ts';
import { type MeasuredServer, originOf } from '../process/target.ts';
import type { SupervisorConfig } from './app-supervisor.ts';
import { preloadedCommand } from './command.ts';
import { openProbeSocket } from './probe-socket.ts';

const SUPERVISOR = fileURLToPath(moduleUrl(import.meta.url, './app-supervisor'));
const PRELOAD_URL = moduleUrl(import.meta.url, '../../../scenarios/probe/preload').href;

export interface AppOptions {
  command: string;
  /** How messages name it: `--cmd "node server.js"`. */
  label: string;
  /** The port to measure when the app listens on several; undefined: the first. */
  port?: number;
  /** The app's own bystander route (--ping); null: the preload serves one. */
  pingPath: string | null;
  timelineIntervalMs: number;
  /** Capture what held the app's loop, at this threshold; null or absent: off. */
  stallThresholdMs?: number | null;
  /** How long the app may take to listen. */
  readyTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** An app looplab started: measured as any server, and read frame by frame by `looplab live`. */
export interface AppServer extends MeasuredServer {
  readonly pid: number;
  /** Resolves when the command has exited (its supervisor, once the group is gone). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `: line | line`, the last lines of its stderr so far, or ''. */
  tail(): string;
  /** What its loop did since the previous frame; rejects with NoAnswerError after `timeoutMs`. */
  frameProbe(timeoutMs?: number): Promise<ProbeFrame | null>;
}

/** The preload's connections, by the pid of the process each comes from. */
class PreloadHub extends EventEmitter {
  readonly listening: Extract<FromPreload, { type: 'listening' }>[] = [];
  readonly bystanders = new Map<number, number>();
  readonly sockets = new Map<number, Socket>();
  /** What each connection that was dropped sent. */
  readonly dropped = new Map<Socket, string>();

  private readonly label: string;

  constructor(label: string) {
    super();
    this.label = label;
  }

  attach(socket: Socket): void {
    socket.on('error', () => {});
    onJsonLines(
      socket,
      (msg) => this.receive(socket, msg as FromPreload),
      (why) => {
        this.dropped.set(socket, why);
        warnDropped(`a connection to the probe socket of ${this.label}`, why);
      },
      PROBE_DATA_LINE_CHARS,
    );
  }

  private receive(socket: Socket, msg: FromPreload): void {
    if (msg.type === 'listening') {
      this.sockets.set(msg.pid, socket);
      this.listening.push(msg);
    } else if (msg.type === 'bystander') {
      this.bystanders.set(msg.pid, msg.port);
    }
    this.emit('message', socket, msg);
  }
}

/**
 * The probe's channel: the socket of the process that serves the measured port. `exit`: how the
 * command ended (`code 3`, `SIGKILL`), once it has.
 */
function socketChannel(hub: PreloadHub, socket: Socket, exit: () => string | null): ProbeChannel {
  return {
    get connected() {
      return !socket.destroyed && exit() === null;
    },
    get goneReason() {
      const how = exit();
      const dropped = hub.dropped.get(socket);
      if (dropped) return `looplab dropped its connection, which sent ${dropped}`;
      return how === null ? 'its connection to looplab closed' : `it exited, ${how}`;
    },
    send: (msg: ToChild, done) => writeJsonLine(socket, msg, (err) => done(err ?? null)),
    onMessage(fn) {
      const listener = (from: Socket, msg: FromPreload) => {
        if (from === socket) fn(msg as FromChild);
      };
      hub.on('message', listener);
      return () => hub.off('message', listener);
    },
    onGone(fn) {
      socket.once('close', fn);
      return () => socket.off('close', fn);
    },
  };
}

/**
 * Starts the app and waits until it listens (on `port`, if given) and, without --ping, until the
 * preload's bystander route is up.
 *
 * @throws {LooplabError} LOOPLAB_ERR_SERVER_START when it exits first, or does not listen in time;
 *   the message ends with the last lines of its stderr.
 */
export async function startApp(o: AppOptions): Promise<AppServer> {
  const hub = new PreloadHub(o.label);
  const probeSocket = await openProbeSocket((socket) => hub.attach(socket)).catch((err: Error) => {
    throw new LooplabError(
      ERROR_CODES.SERVER_START,
      `cannot open looplab's probe socket for ${o.label} (${err.message}); check TMPDIR`,
      { cause: err },
    );
  });
  const socketPath = probeSocket.path;

  const env = o.env ?? process.env;
  const config: PreloadConfig = {
    socket: socketPath,
    timelineIntervalMs: o.timelineIntervalMs,
    pingPath: o.pingPath,
    ...(o.stallThresholdMs != null && { stalls: { thresholdMs: o.stallThresholdMs } }),
  };
  const run = preloadedCommand(o.command, PRELOAD_URL, env.NODE_OPTIONS);
  // The config names this start's own socket: as an environment entry, it marks every process
  // of the command's that kept its environment, in the group or not (process-group.ts).
  const preloadEnv = JSON.stringify(config);
  const mark = `${PRELOAD_ENV}=${preloadEnv}`;
  const supervisor: ChildProcess = spawn(
    process.execPath,
    [
      SUPERVISOR,
      JSON.stringify({
        file: run.file,
        args: run.args,
        env: { ...run.env, [PRELOAD_ENV]: preloadEnv },
        mark,
        graceMs: KILL_GRACE_MS,
        orphanedFolder: probeSocket.dir,
      } satisfies SupervisorConfig),
    ],
    {
      // A group of its own: the command's whole tree is signalled as one.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
      ...(o.cwd && { cwd: o.cwd }),
    },
  );
  supervisor.on('error', () => {});
  // The pipe's other end is the supervisor's sign that we are alive; it must never fill or fail.
  supervisor.stdin?.on('error', () => {});
  supervisor.stdout?.resume();
  const tail = keepTail(supervisor.stderr);

  const pgid = supervisor.pid as number;
  let exit: string | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    supervisor.once('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      resolve({ code, signal });
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await stopGroup(pgid, mark, () => exit !== null);
      untrack();
      for (const s of hub.sockets.values()) s.destroy();
      await probeSocket.close();
    })();
    return stopping;
  };
  const untrack = track({
    pid: pgid,
    stop,
    killNow: () => killGroupNow(pgid, mark, exit !== null),
  });

  const ports = () => hub.listening.map((l) => l.port);
  // A preload that could not report for a connection looplab dropped: say what it sent.
  const droppedText = () => {
    const [first] = hub.dropped.values();
    return first ? ` (looplab dropped a connection to its probe socket that sent ${first})` : '';
  };
  const isReady = () => {
    const chosen = hub.listening.find((l) => o.port === undefined || l.port === o.port);
    if (!chosen) return undefined;
    if (o.pingPath === null && !hub.bystanders.has(chosen.pid)) return undefined;
    return chosen;
  };

  let chosen: Extract<FromPreload, { type: 'listening' }>;
  try {
    chosen = await new Promise((resolve, reject) => {
      const onMessage = () => {
        const ready = isReady();
        if (ready) {
          done();
          resolve(ready);
        }
      };
      const timer = setTimeout(() => {
        done();
        const seen = ports();
        const where =
          seen.length === 0
            ? 'did not listen on any port'
            : `listened on ${seen.join(', ')}, not on --port ${o.port}`;
        reject(
          new LooplabError(
            ERROR_CODES.SERVER_START,
            `${o.label} ${where} within ${o.readyTimeoutMs / 1000} s${droppedText()}${tail()}`,
          ),
        );
      }, o.readyTimeoutMs);
      exited.then(({ code, signal }) => {
        done();
        reject(
          new LooplabError(
            ERROR_CODES.SERVER_START,
            `${o.label} exited before it listened (${signal ?? `code ${code}`})${tail()}`,
          ),
        );
      });
      function done() {
        clearTimeout(timer);
        hub.off('message', onMessage);
      }
      hub.on('message', onMessage);
    });
  } catch (err) {
    await stop();
    throw err;
  }

  const socket = hub.sockets.get(chosen.pid) as Socket;
  const channel = socketChannel(hub, socket, () => exit);
  const label = o.label;
  const origin = originOf(chosen.address, chosen.port);
  const bystanderPort = hub.bystanders.get(chosen.pid);
  return {
    pid: chosen.pid,
    origin,
    ping:
      o.pingPath === null
        ? { origin: `http://127.0.0.1:${bystanderPort}`, path: '/ping' }
        : { origin, path: o.pingPath },
    ...probeRequests(channel, label, tail),
    exited,
    tail,
    stop,
    otherPorts: () => ports().filter((p) => p !== chosen.port),
  };
}
