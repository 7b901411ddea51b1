/**
 * The probe, preloaded into a user's own server (`bench --cmd`), so that it needs no code change.
 *
 * The harness starts the app with `node --import <this file>` (or the same in NODE_OPTIONS for
 * `npm start`, `tsx server.ts` and the like) and its config in the LOOPLAB_PRELOAD environment
 * variable. Without that variable this module does nothing, so the npm, shell and tsx processes
 * a command passes through load it at no cost.
 *
 * It finds the app's port from inside: it wraps `net.Server.prototype.listen`, which every
 * node:http, Express and Fastify server goes through, and waits for the 'listening' event, so
 * whatever port and host the app picked (port 0, PORT, a fixed one) is the one reported. Then it
 * starts the probe, reports the port over a Unix socket of the harness's, and answers the same
 * probe messages as a scenario child (answer.ts).
 *
 * It must not change what the app does: it adds no signal or 'message' handler, leaves
 * `process.send` alone (the socket is its own channel), and every handle it opens is unref'd, so
 * the app exits exactly when it would without it.
 */
import { createServer, Server as HttpServer, type IncomingMessage } from 'node:http';
import net from 'node:net';
import { isMainThread } from 'node:worker_threads';
import { type IdleTracker, trackIdle } from '../server/idle-tracker.ts';
import { allIdle, answerProbe } from './answer.ts';
import { onJsonLines, writeJsonLine } from './json-lines.ts';
import { createProbe } from './probe.ts';
import { type FromPreload, PRELOAD_ENV, type PreloadConfig, type ToChild } from './protocol.ts';

const INSTALLED = Symbol.for('looplab.preload');
const QUESTION_MARK = 0x3f;

function readConfig(): PreloadConfig | null {
  const text = process.env[PRELOAD_ENV];
  if (!text) return null;
  try {
    return JSON.parse(text) as PreloadConfig;
  } catch {
    return null;
  }
}

/** A JSON-lines connection to the harness that never keeps the app alive. */
function connect(path: string, onMessage: (msg: ToChild) => void): (msg: FromPreload) => void {
  const socket = net.createConnection(path);
  socket.unref();
  // The harness gone (it was killed) is not the app's problem: the app goes on as it would.
  socket.on('error', () => {});
  onJsonLines(socket, (msg) => onMessage(msg as ToChild));
  // Writes before the connection is up are buffered by the socket.
  return (msg) => {
    if (!socket.destroyed) writeJsonLine(socket, msg);
  };
}

/**
 * Whether a request to `url` is the app's work, not the bystander's `pingPath` (its query
 * ignored). Called for every request the app serves, so it compares and never allocates.
 */
export function isWorkUrl(url: string, pingPath: string | null): boolean {
  if (pingPath === null || !url.startsWith(pingPath)) return true;
  return url.length !== pingPath.length && url.charCodeAt(pingPath.length) !== QUESTION_MARK;
}

function install(config: PreloadConfig): void {
  /** Servers the preload opened itself: never reported, never tracked. */
  const own = new WeakSet<net.Server>();
  const trackers: IdleTracker[] = [];
  let send: ((msg: FromPreload) => void) | null = null;
  let probeReady: Promise<void> = Promise.resolve();

  const isWork = (req: IncomingMessage) => isWorkUrl(req.url ?? '/', config.pingPath);

  /** The bystander's own route, on the app's loop but apart from its routes. */
  function serveBystander(report: (msg: FromPreload) => void): void {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('pong');
    });
    own.add(server);
    // Neither the server nor the bystander's keep-alive connections may hold the app open.
    server.on('connection', (socket) => socket.unref());
    server.unref();
    server.on('error', () => {});
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object')
        report({ type: 'bystander', pid: process.pid, port: address.port });
    });
  }

  function onListening(server: net.Server): void {
    const address = server.address();
    // A Unix socket or a pipe is not what the load generator can reach.
    if (!address || typeof address === 'string') return;
    // node:http's server, or one like it (https, a framework's own) that emits 'request'.
    if (server instanceof HttpServer || server.listenerCount('request') > 0) {
      trackers.push(trackIdle(server as HttpServer, isWork));
    }
    if (!send) {
      // Started at the first listen: start-up is never measured, and a process that never
      // listens (npm, a shell, tsx's own) never runs it. The app's files are shown relative to
      // the directory it runs in.
      const probe = createProbe(config.timelineIntervalMs, {
        ...(config.stalls && { stalls: { ...config.stalls, root: process.cwd() } }),
      });
      probeReady = probe.ready;
      const answer = answerProbe(probe, allIdle(trackers), (msg) => send?.(msg));
      send = connect(config.socket, answer);
      if (config.pingPath === null) serveBystander(send);
    }
    const listening: FromPreload = {
      type: 'listening',
      pid: process.pid,
      port: address.port,
      address: address.address,
      family: String(address.family),
    };
    // The harness loads the app once it hears of the port: by then the stall watchdog's thread
    // must be watching, or the first stalls would go unseen.
    void probeReady.then(() => send?.(listening));
  }

  const proto = net.Server.prototype as unknown as { listen: (...args: unknown[]) => unknown };
  const listen = proto.listen;
  proto.listen = function (this: net.Server, ...args: unknown[]) {
    // Added before the app's own callback (listen adds that one), so the port is reported first.
    if (!own.has(this)) this.once('listening', () => onListening(this));
    return listen.apply(this, args);
  };
}

const config = readConfig();
const global = globalThis as { [INSTALLED]?: true };
// The main thread's loop is the one that serves; a worker thread of the app is left alone.
if (config && isMainThread && !global[INSTALLED]) {
  global[INSTALLED] = true;
  install(config);
}
