/**
 * One answer of a scenario server, reduced to what equivalence compares: status, content type,
 * length and a SHA-256 of the body. A digest, not the body: a streamed answer can be 64 MiB. A
 * WebSocket scenario's answer is the frame its room sends back to the message's sender.
 */
import { createHash } from 'node:crypto';
import { readFrame, STAMPED_SUBPROTOCOL, stampedMessage } from '../../scenarios/message-frame.ts';
import type { OutgoingRequest } from '../../scenarios/request.ts';

export interface Answer {
  status: number;
  contentType: string;
  bytes: number;
  sha256: string;
  /** The first characters of the body as text, to show a person what differed. */
  bodyStart: string;
}

const BODY_START_CHARS = 120;

/** How long an answer may take, whole, unless the caller says otherwise (verify's `--timeout`). */
export const ANSWER_TIMEOUT_MS = 10_000;

/** An answer that did not come, whole, in time: the server may be stuck, not gone. */
export class AnswerTimeoutError extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`);
    this.name = 'AnswerTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** `GET /`, `POST / (512 KiB)`: a request as a person reads it in a message. */
export function describeRequest(r: OutgoingRequest): string {
  const size = r.body.length === 0 ? '' : ` (${r.body.length} bytes)`;
  return `${r.method} ${r.path.length > 60 ? `${r.path.slice(0, 57)}...` : r.path}${size}`;
}

/**
 * Sends `request` to the server at `origin` (`http://127.0.0.1:port`) and digests the answer.
 *
 * @throws {AnswerTimeoutError} when the whole answer takes longer than `timeoutMs`: a handler
 *   that never settles would otherwise be waited for until undici's own 300 s headers timeout.
 */
export async function fetchAnswer(
  origin: string,
  request: OutgoingRequest,
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<Answer> {
  // Loaded on first use, not at every start of the CLI.
  const { request: send } = await import('undici');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await send(`${origin}${request.path}`, {
      method: request.method as 'GET',
      headers: { ...request.headers },
      ...(request.body.length > 0 && { body: request.body }),
      signal: abort.signal,
    });
    const hash = createHash('sha256');
    let bytes = 0;
    let start = Buffer.alloc(0);
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (start.length < BODY_START_CHARS * 4)
        start = Buffer.concat([start, chunk.subarray(0, 480)]);
      bytes += chunk.length;
    }
    return {
      status: res.statusCode,
      contentType: String(res.headers['content-type'] ?? ''),
      bytes,
      sha256: hash.digest('hex'),
      bodyStart: start.toString('utf8').slice(0, BODY_START_CHARS),
    };
  } catch (err) {
    throw abort.signal.aborted ? new AnswerTimeoutError(timeoutMs) : err;
  } finally {
    clearTimeout(timer);
  }
}

export const sameAnswer = (a: Answer, b: Answer): boolean =>
  a.status === b.status &&
  a.contentType === b.contentType &&
  a.bytes === b.bytes &&
  a.sha256 === b.sha256;

/** Asks a server for answers one request at a time, over its own protocol. */
export interface Answerer {
  answer(request: OutgoingRequest): Promise<Answer>;
  close(): void;
}

/** The digest of a whole body, as `fetchAnswer` makes of a streamed one. */
function digestOf(status: number, contentType: string, body: Buffer): Answer {
  return {
    status,
    contentType,
    bytes: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    bodyStart: body
      .subarray(0, BODY_START_CHARS * 4)
      .toString('utf8')
      .slice(0, BODY_START_CHARS),
  };
}

/**
 * A WebSocket room's answers: one stamped client sends each request's body as a message and
 * digests the frame that comes back to it, the broadcast (status 200) or an error for it alone.
 * A frame has no content type, so that is left empty on both sides of a comparison.
 *
 * @throws {Error} when the client cannot connect; {AnswerTimeoutError} when an answer takes
 *   longer than `timeoutMs`.
 */
export async function openRoomAnswerer(
  origin: string,
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<Answerer> {
  const { WebSocket } = await import('ws');
  const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/`, STAMPED_SUBPROTOCOL, {
    perMessageDeflate: false,
  });
  await new Promise<void>((resolve, reject) => {
    // A server whose loop is held never completes the upgrade.
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new AnswerTimeoutError(timeoutMs));
    }, timeoutMs);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  socket.on('error', () => {});
  let seq = 0;
  return {
    answer: (request) =>
      new Promise<Answer>((resolve, reject) => {
        const mine = seq++;
        const timer = setTimeout(() => {
          socket.off('message', onMessage);
          reject(new AnswerTimeoutError(timeoutMs));
        }, timeoutMs);
        const onMessage = (data: Buffer) => {
          const frame = readFrame(data);
          if (frame?.stamp.sender !== 0 || frame.stamp.seq !== mine) return;
          clearTimeout(timer);
          socket.off('message', onMessage);
          resolve(digestOf(frame.status, '', frame.body));
        };
        socket.on('message', onMessage);
        socket.send(stampedMessage({ sender: 0, seq: mine, sentAtMs: 0 }, request.body));
      }),
    close: () => socket.terminate(),
  };
}

/** HTTP answers, each request on its own. */
export function httpAnswerer(origin: string, timeoutMs = ANSWER_TIMEOUT_MS): Answerer {
  return { answer: (request) => fetchAnswer(origin, request, timeoutMs), close: () => {} };
}

/** The answerer of a scenario's protocol; each answer may take `timeoutMs`. */
export const openAnswerer = (
  origin: string,
  protocol: 'http' | 'websocket' = 'http',
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<Answerer> =>
  protocol === 'websocket'
    ? openRoomAnswerer(origin, timeoutMs)
    : Promise.resolve(httpAnswerer(origin, timeoutMs));
