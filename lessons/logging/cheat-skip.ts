/**
 * A cheating solution to exercise 10 (verify must fail it): it builds the log line and answers
 * without writing it anywhere. Nothing waits, so the loop is free and the server fast: only the
 * log file, which no longer grows, can tell.
 */

interface Context {
  logLine(req: unknown): string;
}

export default async function handle(ctx: Context, req: unknown) {
  const line = ctx.logLine(req);
  return { body: JSON.stringify({ logged: line.length }) };
}
