/**
 * A known-bad solution to exercise 6 (verify must fail it): it makes the inner quantifier lazy.
 * That changes the order in which the engine tries the ways of splitting the slashes, not how
 * many there are: on the evil path it still tries them all before it fails.
 */

interface Request {
  query: Readonly<Record<string, string | undefined>>;
}

const PATH = /(\/.+?)+$/;

export default function handle(_ctx: unknown, req: Request) {
  const path = req.query.path ?? '';
  if (path.length > 256)
    return { status: 400, body: JSON.stringify({ error: 'path longer than 256' }) };
  return { body: JSON.stringify({ path, matches: PATH.test(path) }) };
}
