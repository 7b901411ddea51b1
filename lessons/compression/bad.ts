/**
 * A known-bad solution to exercise 8 (verify must fail it): it awaits a timer's turn first, then
 * calls gzipSync anyway. The handler looks asynchronous; the compression still holds the loop.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';

export default async function handle(_ctx: unknown, req: { body: Buffer }) {
  await nextTurn();
  return { contentType: 'application/gzip', body: gzipSync(req.body) };
}
