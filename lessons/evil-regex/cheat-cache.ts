/**
 * A cheating solution to exercise 6 (verify must fail it): it keeps the nested regular
 * expression and remembers its verdict for every path it has seen. The load sends four paths in
 * turn, so the evil one backtracks once and is answered from memory from then on: the loop looks
 * free. Any path it has not seen yet, evil, still holds the loop as long as before.
 */

interface Request {
  query: Readonly<Record<string, string | undefined>>;
}

const PATH = /(\/.+)+$/;
const seen = new Map<string, boolean>();

export default function handle(_ctx: unknown, req: Request) {
  const path = req.query.path ?? '';
  if (path.length > 256)
    return { status: 400, body: JSON.stringify({ error: 'path longer than 256' }) };
  let matches = seen.get(path);
  if (matches === undefined) {
    matches = PATH.test(path);
    seen.set(path, matches);
  }
  return { body: JSON.stringify({ path, matches }) };
}
