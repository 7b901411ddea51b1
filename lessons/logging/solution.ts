/**
 * Reference solution to exercise 10: the FileHandle's write and datasync run on libuv's
 * threadpool, so the loop serves other requests while a line is written and flushed, and several
 * requests' flushes can be under way at once. (looplab's `async` variant goes further: it batches
 * the lines that queue meanwhile into one write and one flush.)
 */
import type { FileHandle } from 'node:fs/promises';

interface Context {
  params: { durable: number };
  file: FileHandle;
  logLine(req: unknown): string;
}

export default async function handle(ctx: Context, req: unknown) {
  const line = ctx.logLine(req);
  await ctx.file.write(line);
  if (ctx.params.durable) await ctx.file.datasync();
  return { body: JSON.stringify({ logged: line.length }) };
}
