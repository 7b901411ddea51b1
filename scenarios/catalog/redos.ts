/**
 * redos: a regular expression that backtracks catastrophically, applied to a request field.
 *
 * `/(\/.+)+$/`, the example of the Node.js guide, nests a quantifier inside a quantifier. On a
 * string that almost matches (`/a/a/…/a` and a newline) the engine tries every way of sharing
 * the characters out between the groups before it can say no, and each `/a` more doubles that.
 * The engine runs on the loop's thread, so one such request holds every other request for as
 * long as it takes. `/\/.+$/` matches exactly the same strings, since `.+` already takes slashes,
 * and fails after at most a number of steps that grows with the square of the length; the field's
 * length cap bounds even that.
 */
import { defineScenario, type ScenarioRequest } from '../types.ts';
import { FIELD_MAX_CHARS, pathRequests } from './lib/redos-inputs.ts';

/** Nested quantifiers: exponential backtracking on a near-match. */
export const NESTED = /(\/.+)+$/;
/** The same language, without the nesting. */
export const FLAT = /\/.+$/;

function check(req: ScenarioRequest, regex: RegExp) {
  const path = req.query.path ?? '';
  if (path.length > FIELD_MAX_CHARS)
    return { status: 400, body: JSON.stringify({ error: `path longer than ${FIELD_MAX_CHARS}` }) };
  return { body: JSON.stringify({ path, matches: regex.test(path) }) };
}

export default defineScenario({
  id: 'redos',
  title: 'A backtracking regular expression vs a safe rewrite',
  teaches:
    'A regular expression with nested quantifiers can take exponential time on a crafted input, ' +
    'and it runs on the event loop: one evil request stalls every other. A rewrite without the ' +
    'nesting matches the same strings in time that stays small, as does capping the length of ' +
    'the input.',
  params: {
    evil: {
      default: 20,
      unit: 'count',
      integer: true,
      min: 1,
      // Each repetition doubles the cost: 24 is about 0.35 s a request on a slow 2-core machine.
      max: 24,
      description: "repetitions of '/a' in the evil input (each one doubles its cost)",
    },
  },
  requests: ({ evil }) => pathRequests(evil),
  operation: (_ctx, req) => check(req, NESTED),
  variants: {
    sync: {
      summary: `tests ${NESTED} (nested quantifiers) on the query's path`,
      handle: (_ctx, req) => check(req, NESTED),
    },
    async: {
      summary: `tests ${FLAT} (the same strings, no nesting) on the query's path`,
      handle: (_ctx, req) => check(req, FLAT),
    },
  },
});
