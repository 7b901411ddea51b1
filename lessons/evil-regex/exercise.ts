/**
 * Exercise 6, evil-regex (looplab lesson 6).
 *
 * Each request carries a path in its query string (`/?path=...`), and the handler says whether
 * it matches PATH. PATH nests one quantifier inside another: on a path such as `/a/a/…/a`
 * followed by a newline it backtracks through every way of splitting the slashes, twice as many
 * for every `/a`, and the event loop is stuck in it meanwhile.
 *
 * TODO: rewrite PATH so that it matches exactly the same strings, without nested quantifiers.
 * Keep the response exactly as it is. Then check it under load:  npx looplab verify 6
 */

interface Request {
  query: Readonly<Record<string, string | undefined>>;
}

interface Response {
  status?: number;
  contentType?: string;
  body: string;
}

// TODO: nested quantifiers: exponential backtracking on a near-match.
const PATH = /(\/.+)+$/;

export default function handle(_ctx: unknown, req: Request): Response {
  const path = req.query.path ?? '';
  if (path.length > 256)
    return { status: 400, body: JSON.stringify({ error: 'path longer than 256' }) };
  return { body: JSON.stringify({ path, matches: PATH.test(path) }) };
}
