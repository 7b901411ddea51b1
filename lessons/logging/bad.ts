/**
 * A known-bad solution to exercise 10 (verify must fail it): it awaits first, then writes and
 * flushes synchronously anyway. The handler looks asynchronous; the loop still waits inside
 * writeSync and fdatasyncSync.
 */
import { fdatasyncSync, writeSync } from 'node:fs';

interface Context {
  params: { durable: number };
  fd: number;
  logLine(req: unknown): string;
}

export default async function handle(ctx: Context, req: unknown) {
  await Promise.resolve();
  const line = ctx.logLine(req);
  writeSync(ctx.fd, line);
  if (ctx.params.durable) fdatasyncSync(ctx.fd);
  return { body: JSON.stringify({ logged: line.length }) };
}
