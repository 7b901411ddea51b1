/**
 * Reference solution to exercise 6: `/\/.+$/`. `.+` already takes slashes, so a slash followed
 * by one or more characters up to the end (no line break) is exactly what the nested form
 * matched; without the nesting there is only one way to try each starting slash.
 */

interface Request {
  query: Readonly<Record<string, string | undefined>>;
}

const PATH = /\/.+$/;

export default function handle(_ctx: unknown, req: Request) {
  const path = req.query.path ?? '';
  if (path.length > 256)
    return { status: 400, body: JSON.stringify({ error: 'path longer than 256' }) };
  return { body: JSON.stringify({ path, matches: PATH.test(path) }) };
}
