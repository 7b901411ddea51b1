import type { IncomingMessage } from 'node:http';

const EMPTY = Buffer.alloc(0);

/**
 * Reads a request's whole body, or gives up once it is larger than `maxBytes` (null: the caller
 * answers 413).
 *
 * A request without a body (no content-length, no transfer-encoding: RFC 9112, 6.3) gets its
 * empty body at once, not on a later tick: a GET is then handled exactly as before bodies were
 * read, in the same turn of the loop that parsed it. A declared length past the cap is refused
 * before a byte of the body is read.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
): Buffer | null | Promise<Buffer | null> {
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return EMPTY;
  if (declared !== undefined && Number(declared) > maxBytes) return null;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        req.off('data', onData);
        // Drained, not kept: the connection closes after the 413.
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(bytes > maxBytes ? null : Buffer.concat(chunks, bytes)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client went away before its body ended'));
    });
  });
}
