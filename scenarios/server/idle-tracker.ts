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

/** The work in flight, counted where it starts and ends: an HTTP request, a WebSocket message. */
export interface WorkLedger {
  /** Before the work runs, so a sync handler's work is counted before it holds the loop. */
  started(): void;
  ended(): void;
  /** An idle tracker over this ledger; `extraBusy` adds a condition of the caller's. */
  tracker(extraBusy?: () => boolean): IdleTracker;
}

export function workLedger(): WorkLedger {
  let working = 0;
  let lastWorkAt = performance.now();
  let nextWork: (() => void)[] = [];
  return {
    started() {
      if (nextWork.length > 0) {
        const waiting = nextWork;
        nextWork = [];
        for (const fn of waiting) fn();
      }
      working++;
      lastWorkAt = performance.now();
    },
    ended() {
      working--;
      lastWorkAt = performance.now();
    },
    tracker: (extraBusy = () => false) => ({
      whenIdle(fn) {
        const check = () => {
          const quiet = performance.now() - lastWorkAt >= QUIET_MS;
          if (working === 0 && !extraBusy() && quiet) fn();
          else setTimeout(check, POLL_MS);
        };
        check();
      },
      onNextWork(fn) {
        nextWork.push(fn);
      },
    }),
  };
}

/**
 * Tells when a server has finished all the work a load left behind.
 *
 * When autocannon stops, its last requests are not all in flight: some sit in sockets, and some
 * in connections the kernel accepted but Node has not yet taken (it takes about one per loop
 * turn while the loop is blocked). Counting requests in flight sees none of those. So idle means:
 * no request to the work route in flight, no accepted connection that has not yet sent its first
 * request, and no work-route activity for a quiet period during which the loop was free to accept
 * anything still queued. `/ping` is not work: the bystander keeps pinging throughout. A
 * WebSocket upgrade is a first request too; the messages that follow it are counted apart.
 */
export function trackIdle(server: Server, isWork: (req: IncomingMessage) => boolean): IdleTracker {
  const ledger = workLedger();
  let unknownSockets = 0;
  const firstRequestSeen = new WeakSet<Socket>();
  const seen = (socket: Socket) => {
    if (firstRequestSeen.has(socket)) return;
    firstRequestSeen.add(socket);
    unknownSockets--;
  };

  server.on('connection', (socket: Socket) => {
    unknownSockets++;
    socket.once('close', () => {
      if (!firstRequestSeen.has(socket)) unknownSockets--;
    });
  });
  server.prependListener('upgrade', (req: IncomingMessage) => seen(req.socket));
  // This listener runs for every request of the app being measured, so it allocates nothing:
  // one 'close' listener shared by every response (a response closes once), and no lookup of
  // the socket once every accepted connection has sent its first request.
  const ended = () => ledger.ended();
  // Before the route handler, so a sync handler's work is counted before it runs.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (unknownSockets !== 0) seen(req.socket);
    if (!isWork(req)) return;
    ledger.started();
    res.on('close', ended);
  });
  return ledger.tracker(() => unknownSockets !== 0);
}
