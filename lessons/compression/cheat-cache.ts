/**
 * A cheating solution to exercise 8 (verify must fail it): it compresses each distinct body once,
 * on the threadpool, and answers every later copy of it from memory. The load sends three bodies
 * in turn, so after the first three requests nothing is compressed at all. Its answers are right
 * and its loop is free; only the CPU time each request costs can tell.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const compressed = new Map<string, Promise<Buffer>>();

export default async function handle(_ctx: unknown, req: { body: Buffer }) {
  const key = createHash('sha1').update(req.body).digest('hex');
  let answer = compressed.get(key);
  if (!answer) {
    answer = gzipAsync(req.body);
    compressed.set(key, answer);
  }
  return { contentType: 'application/gzip', body: await answer };
}
