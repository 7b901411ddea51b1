/**
 * The WebSocket load driver: a room of clients on the harness's thread, never in the server's
 * process, each sending stamped messages at a steady rate, and every one timing every broadcast
 * it receives.
 *
 * The load is open: a client sends when its message is due, whether or not the room has kept up,
 * as people in a chat do. So a server that falls behind cannot slow the load down and hide its
 * delay, the trap of closed-loop load generators (coordinated omission). Each message carries its
 * sender, its number and its send time (scenarios/message-frame.ts); every receiver, its sender
 * included, times the broadcast from that stamp on the same clock. The bookkeeping is pure
 * (message-tally.ts); this module only owns the sockets and the timers.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import {
  readFrame,
  STAMPED_SUBPROTOCOL,
  stampedMessage,
} from '../../../scenarios/message-frame.ts';
import type { MessageLoad } from '../../../scenarios/types.ts';
import type { LoadResult } from '../../report/types.ts';
import { LatencyHistogram } from '../../stats/histogram.ts';
import type { LoadDriver } from './driver.ts';
import { dueBy, MessageWindow, sendIntervalMs, sendsIn } from './message-tally.ts';

export interface MessageLoadOptions extends MessageLoad {
  /** The server's origin, `http://127.0.0.1:1234`: the room is at its `/`. */
  origin: string;
  /** What the clients send, in rotation across the room. */
  messages: readonly Buffer[];
  /** A delivery later than this after its send is dropped; the most the driver waits at the end. */
  timeoutSec: number;
  signal?: AbortSignal;
}

/**
 * Sends that go out this much later than due, at the 99th percentile, mean the driver's own loop
 * could not keep the pace: its timings then include its own delay.
 */
export const BEHIND_SCHEDULE_MS = 10;

/** Connects every client; rejects, closing those that did connect, if one cannot. */
async function connect(o: MessageLoadOptions, timeoutMs: number): Promise<WebSocket[]> {
  // Loaded on first use: only WebSocket scenarios need it.
  const { WebSocket } = await import('ws');
  const url = `${o.origin.replace(/^http/, 'ws')}/`;
  const sockets = Array.from(
    { length: o.clients },
    () => new WebSocket(url, STAMPED_SUBPROTOCOL, { perMessageDeflate: false }),
  );
  try {
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`a client could not connect to ${url} in ${timeoutMs} ms`)),
              timeoutMs,
            );
            socket.once('open', () => {
              clearTimeout(timer);
              if (socket.protocol === STAMPED_SUBPROTOCOL) resolve();
              else
                reject(new Error(`${url} did not accept the ${STAMPED_SUBPROTOCOL} subprotocol`));
            });
            socket.once('error', (err) => {
              clearTimeout(timer);
              reject(new Error(`a client could not connect to ${url}: ${err.message}`));
            });
          }),
      ),
    );
  } catch (err) {
    for (const s of sockets) s.terminate();
    throw err;
  }
  return sockets;
}

/**
 * Opens the room: `clients` connections, kept open through warm-up and window alike.
 *
 * @throws {Error} when a client cannot connect within the timeout.
 */
export async function openMessageDriver(o: MessageLoadOptions): Promise<LoadDriver> {
  const timeoutMs = o.timeoutSec * 1000;
  const sockets = await connect(o, timeoutMs);
  const interval = sendIntervalMs(o.clients, o.ratePerSec);
  let window: MessageWindow | null = null;
  let nextSeq = 0;
  let closing = false;
  let connectionErrors = 0;
  // Woken on every delivery while the end of a window waits for the last ones.
  let onDelivery: (() => void) | null = null;

  for (const [receiver, socket] of sockets.entries()) {
    socket.on('message', (data: Buffer) => {
      const now = performance.now();
      const frame = readFrame(data);
      if (!frame || !window) return;
      window.received(receiver, frame.kind, frame.stamp, data.length, now);
      onDelivery?.();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!closing) connectionErrors++;
      onDelivery?.();
    });
  }

  const run = (
    durationSec: number,
    drive: { onTick?: (n: number) => void; settle?: boolean; onStart?: () => void } = {},
  ) =>
    new Promise<LoadResult>((resolve) => {
      const durationMs = durationSec * 1000;
      const total = sendsIn(durationMs, interval);
      const current = new MessageWindow({
        clients: o.clients,
        lateMs: o.lateMs,
        timeoutMs,
        firstSeq: nextSeq,
      });
      window = current;
      const errorsAtStart = connectionErrors;
      const sendLag = new LatencyHistogram();
      const started = performance.now();
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      let ticker: NodeJS.Timeout | undefined;
      let done = false;

      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(ticker);
        onDelivery = null;
        o.signal?.removeEventListener('abort', finish);
        nextSeq += sent;
        resolve(result(current, durationMs, connectionErrors - errorsAtStart, sendLag));
      };
      const settle = () => {
        if (!drive.settle || current.complete || o.signal?.aborted) return finish();
        // The last message's deliveries may take up to the timeout; stop as soon as all are in.
        const deadline = setTimeout(finish, timeoutMs);
        onDelivery = () => {
          if (current.complete || sockets.every((s) => s.readyState !== s.OPEN)) {
            clearTimeout(deadline);
            finish();
          }
        };
      };
      const pump = () => {
        const now = performance.now();
        const due = dueBy(now - started, interval, total);
        while (sent < due) {
          const j = sent++;
          const sender = j % o.clients;
          const socket = sockets[sender] as WebSocket;
          const message = o.messages[j % o.messages.length] as Buffer;
          sendLag.record(now - started - j * interval);
          const seq = current.sent();
          if (socket.readyState === socket.OPEN)
            socket.send(stampedMessage({ sender, seq, sentAtMs: performance.now() }, message));
        }
        if (sent >= total) return settle();
        timer = setTimeout(pump, Math.max(0, started + sent * interval - performance.now()));
      };
      o.signal?.addEventListener('abort', finish, { once: true });
      if (drive.onTick) {
        const onTick = drive.onTick;
        ticker = setInterval(() => onTick(current.counts().answered), 1000);
      }
      drive.onStart?.();
      pump();
    });

  return {
    run,
    async close() {
      closing = true;
      for (const s of sockets) s.terminate();
    },
  };
}

/** One window's counts as a load result: its messages are the requests, answered to their sender. */
function result(
  w: MessageWindow,
  durationMs: number,
  connectionErrors: number,
  sendLag: LatencyHistogram,
): LoadResult {
  const c = w.counts();
  const rt = (p: number) => c.roundTrip.percentile(p) ?? 0;
  return {
    elapsedMs: durationMs,
    requestsTotal: c.answered,
    bytesTotal: c.bytesReceived,
    latencyP50Ms: rt(50),
    latencyP90Ms: rt(90),
    latencyP99Ms: rt(99),
    latencyMaxMs: c.roundTrip.maxMs ?? 0,
    errors: connectionErrors,
    timeouts: c.sent - c.answered,
    non2xx: c.errors,
    ttfbMs: [],
    messages: {
      sent: c.sent,
      delivered: c.delivered,
      late: c.late,
      dropped: c.dropped,
      deliveryP50Ms: c.delivery.percentile(50),
      deliveryP99Ms: c.delivery.percentile(99),
      deliveryMaxMs: c.delivery.maxMs,
      behindSchedule: (sendLag.percentile(99) ?? 0) > BEHIND_SCHEDULE_MS,
    },
  };
}
