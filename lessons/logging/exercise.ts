/**
 * Exercise 10, logging (looplab lesson 10).
 *
 * Every request writes one line to a log file and answers once it is written. This handler
 * writes it with `writeSync` and, when `params.durable` is 1, waits for it to reach the disk
 * with `fdatasyncSync`: both system calls run on the event loop's thread, which waits inside
 * them. `ctx.logLine(req)` builds the line; `ctx.fd` is the log's file descriptor, and
 * `ctx.file` a FileHandle for the same file.
 *
 * TODO: write (and flush) the line without blocking the event loop, and answer once it is
 * written (and flushed), exactly as before. Then check it under load:  npx looplab verify 10
 */
import { fdatasyncSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

interface Context {
  params: { line: number; durable: number };
  fd: number;
  file: FileHandle;
  logLine(req: unknown): string;
}

interface Response {
  status?: number;
  contentType?: string;
  body: string;
}

export default async function handle(ctx: Context, req: unknown): Promise<Response> {
  const line = ctx.logLine(req);
  // TODO: the loop's thread waits inside these system calls.
  writeSync(ctx.fd, line);
  if (ctx.params.durable) fdatasyncSync(ctx.fd);
  return { body: JSON.stringify({ logged: line.length }) };
}
