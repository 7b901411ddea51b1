/**
 * The chat room of a WebSocket scenario: a `ws` WebSocketServer on the scenario server's own HTTP
 * server and port, so that the probe, the bystander's `/ping` and the stall watchdog see the same
 * process and the same event loop as ever.
 *
 * Every message a client sends goes to the variant's handler as a request (method `MESSAGE`, the
 * upgrade request's path, query and headers, the message as its body), and the answer's body is
 * broadcast to every connected client; an answer whose status is not 2xx goes back to its sender
 * alone. A sync handler's broadcast leaves in the same turn of the loop as the message arrived,
 * so while one message's handler runs, no other client's message moves.
 */
import type { IncomingMessage, Server } from 'node:http';
import { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import {
  type FrameKind,
  STAMP_BYTES,
  STAMPED_SUBPROTOCOL,
  splitStamped,
  stampedFrame,
} from '../message-frame.ts';
import { splitUrl } from '../request.ts';
import type { ScenarioRequest, ScenarioResponse } from '../types.ts';
import { type IdleTracker, workLedger } from './idle-tracker.ts';

export interface Room {
  /** Idle when no message is being handled, and none was for a quiet period. */
  idle: IdleTracker;
  /** Drops every client and stops accepting new ones. */
  close(): void;
}

type Handle = (req: ScenarioRequest) => ScenarioResponse | Promise<ScenarioResponse>;

/** The stamp of a message from a client that does not stamp: sender 0xffffffff, no driver's. */
const UNSTAMPED = Buffer.alloc(STAMP_BYTES, 0xff);

const bodyBytes = (body: string | Uint8Array) =>
  typeof body === 'string'
    ? Buffer.from(body)
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);

/**
 * Opens the room on `server`: WebSocket upgrades to any path; messages capped at `maxMessageBytes`
 * (past it, ws closes that connection with 1009, message too big).
 */
export async function openRoom(
  server: Server,
  handle: Handle,
  maxMessageBytes: number,
): Promise<Room> {
  // Loaded only by WebSocket scenarios: the other servers never pay for it.
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({
    server,
    perMessageDeflate: false,
    maxPayload: maxMessageBytes + STAMP_BYTES,
    handleProtocols: (offered) => (offered.has(STAMPED_SUBPROTOCOL) ? STAMPED_SUBPROTOCOL : false),
  });
  const ledger = workLedger();

  /** To every client (a broadcast), or to the sender alone (an error), stamped or plain. */
  const send = (
    to: Iterable<WebSocket>,
    kind: FrameKind,
    stamp: Buffer,
    body: string | Uint8Array,
    status = 200,
  ) => {
    let stamped: Buffer | undefined;
    for (const client of to) {
      if (client.readyState !== client.OPEN) continue;
      if (client.protocol === STAMPED_SUBPROTOCOL) {
        stamped ??= stampedFrame(kind, stamp, bodyBytes(body), status);
        client.send(stamped);
      } else client.send(body);
    }
  };

  const answer = (sender: WebSocket, stamp: Buffer, r: ScenarioResponse) => {
    ledger.ended();
    if (r.body instanceof Readable) {
      r.body.destroy();
      const error = { error: 'a message is answered with a string or bytes, not a stream' };
      return send([sender], 'error', stamp, JSON.stringify(error), 500);
    }
    const status = r.status ?? 200;
    if (status >= 200 && status < 300) send(wss.clients, 'broadcast', stamp, r.body);
    else send([sender], 'error', stamp, r.body, status);
  };
  const fail = (sender: WebSocket, stamp: Buffer, err: unknown) =>
    answer(sender, stamp, { status: 500, body: JSON.stringify({ error: String(err) }) });

  wss.on('connection', (socket: WebSocket, upgrade: IncomingMessage) => {
    const stamping = socket.protocol === STAMPED_SUBPROTOCOL;
    const { path, query } = splitUrl(upgrade.url ?? '/');
    // A protocol error closes the connection; unheard, it would crash the server.
    socket.on('error', () => {});
    socket.on('message', (data: Buffer) => {
      const split = stamping ? splitStamped(data) : { stamp: UNSTAMPED, message: data };
      if (!split) return void socket.close(1002, 'a stamped message is shorter than its stamp');
      ledger.started();
      try {
        const result = handle({
          method: 'MESSAGE',
          path,
          query,
          headers: upgrade.headers,
          body: split.message,
        });
        // As with HTTP: a sync handler's answer leaves without an await in between.
        if (result instanceof Promise)
          result.then(
            (r) => answer(socket, split.stamp, r),
            (err) => fail(socket, split.stamp, err),
          );
        else answer(socket, split.stamp, result);
      } catch (err) {
        fail(socket, split.stamp, err);
      }
    });
  });

  return {
    idle: ledger.tracker(),
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
