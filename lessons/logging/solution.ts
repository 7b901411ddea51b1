/**
 * Reference solution to exercise 10: one writer for the log. A line that arrives while a write
 * (and flush) is under way waits in memory; then every waiting line goes out in one write and one
 * datasync, on libuv's threadpool, and each request is answered once its own line is written (and
 * flushed), the guarantee writeSync gave. One write at a time, because Node's fs documentation
 * calls several `filehandle.write()` calls on one file, none awaited, unsafe
 * (https://nodejs.org/api/fs.html#filehandlewritestring-position-encoding).
 */
import type { FileHandle } from 'node:fs/promises';

interface Context {
  params: { durable: number };
  file: FileHandle;
  logLine(req: unknown): string;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

let lines: string[] = [];
let waiters: Waiter[] = [];
let writing = false;

/** Writes (and flushes) batch after batch until no line waits; only one runs at a time. */
async function writeBatches(ctx: Context): Promise<void> {
  writing = true;
  while (lines.length > 0) {
    const batch = lines.join('');
    const answered = waiters;
    lines = [];
    waiters = [];
    try {
      await ctx.file.write(batch);
      if (ctx.params.durable) await ctx.file.datasync();
      for (const w of answered) w.resolve();
    } catch (err) {
      for (const w of answered) w.reject(err);
    }
  }
  writing = false;
}

export default async function handle(ctx: Context, req: unknown) {
  const line = ctx.logLine(req);
  await new Promise<void>((resolve, reject) => {
    lines.push(line);
    waiters.push({ resolve, reject });
    if (!writing) void writeBatches(ctx);
  });
  return { body: JSON.stringify({ logged: line.length }) };
}
