import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** How long the work route must stay quiet, with the loop free, before the server counts as idle. */
const QUIET_MS = 25;
const POLL_MS = 5;

export interface IdleTracker {
  /** Calls `fn` once the server has no work in flight or waiting (see below). */
  whenIdle(fn: () => void): void;
  /** Calls `fn` once, when the next request to the work route arrives, before it is handled. */
  onNextWork(fn: () => void): void;
}

/**
 * Tells when a server has finished all the work a load left behind.
 *
 * When autocannon stops, its last requests are not all in flight: some sit in sockets, and some
 * in connections the kernel accepted but Node has not yet taken (it takes about one per loop
 * turn while the loop is blocked). Counting requests in flight sees none of those. So idle means:
 * no request to the work route in flight, no accepted connection that has not yet sent its first
 * request, and no work-route activity for a quiet period during which the loop was free to accept
 * anything still queued. `/ping` is not work: the bystander keeps pinging throughout.
 */
export function trackIdle(server: Server, isWork: (req: IncomingMessage) => boolean): IdleTracker {
  let working = 0;
  let unknownSockets = 0;
  let lastWorkAt = performance.now();
  const firstRequestSeen = new WeakSet<Socket>();
  let nextWork: (() => void)[] = [];

  server.on('connection', (socket: Socket) => {
    unknownSockets++;
    socket.once('close', () => {
      if (!firstRequestSeen.has(socket)) unknownSockets--;
    });
  });
  // Before the route handler, so a sync handler's work is counted before it runs.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!firstRequestSeen.has(req.socket)) {
      firstRequestSeen.add(req.socket);
      unknownSockets--;
    }
    if (!isWork(req)) return;
    const waiting = nextWork;
    nextWork = [];
    for (const fn of waiting) fn();
    working++;
    lastWorkAt = performance.now();
    res.once('close', () => {
      working--;
      lastWorkAt = performance.now();
    });
  });

  return {
    whenIdle(fn) {
      const check = () => {
        const quiet = performance.now() - lastWorkAt >= QUIET_MS;
        if (working === 0 && unknownSockets === 0 && quiet) fn();
        else setTimeout(check, POLL_MS);
      };
      check();
    },
    onNextWork(fn) {
      nextWork.push(fn);
    },
  };
}
