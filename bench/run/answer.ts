/**
 * One answer of a scenario server, reduced to what equivalence compares: status, content type,
 * length and a SHA-256 of the body. A digest, not the body: a streamed answer can be 64 MiB.
 */
import { createHash } from 'node:crypto';
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

/** `GET /`, `POST / (512 KiB)`: a request as a person reads it in a message. */
export function describeRequest(r: OutgoingRequest): string {
  const size = r.body.length === 0 ? '' : ` (${r.body.length} bytes)`;
  return `${r.method} ${r.path.length > 60 ? `${r.path.slice(0, 57)}...` : r.path}${size}`;
}

/** Sends `request` to the server at `origin` (`http://127.0.0.1:port`) and digests the answer. */
export async function fetchAnswer(origin: string, request: OutgoingRequest): Promise<Answer> {
  // Loaded on first use, not at every start of the CLI.
  const { request: send } = await import('undici');
  const res = await send(`${origin}${request.path}`, {
    method: request.method as 'GET',
    headers: { ...request.headers },
    ...(request.body.length > 0 && { body: request.body }),
  });
  const hash = createHash('sha256');
  let bytes = 0;
  let start = Buffer.alloc(0);
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (start.length < BODY_START_CHARS * 4) start = Buffer.concat([start, chunk.subarray(0, 480)]);
    bytes += chunk.length;
  }
  return {
    status: res.statusCode,
    contentType: String(res.headers['content-type'] ?? ''),
    bytes,
    sha256: hash.digest('hex'),
    bodyStart: start.toString('utf8').slice(0, BODY_START_CHARS),
  };
}

export const sameAnswer = (a: Answer, b: Answer): boolean =>
  a.status === b.status &&
  a.contentType === b.contentType &&
  a.bytes === b.bytes &&
  a.sha256 === b.sha256;
