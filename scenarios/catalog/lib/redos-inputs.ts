/**
 * What the redos scenario is sent: mostly ordinary paths, and one request in four an evil one.
 */
import type { RequestSpec } from '../../types.ts';

/** Longer fields are refused (400): a cap on input length bounds any regex's worst case. */
export const FIELD_MAX_CHARS = 256;

/** Paths a client would really send: some match, some do not. */
export const BENIGN_PATHS = ['/api/users/42', '/static/app.js', 'index.html'] as const;

/**
 * `/a` `repetitions` times, then a newline: it nearly matches `(\/.+)+$`, but `.` never takes the
 * newline and `$` is not before it, so the engine must try every split before it fails.
 */
export const evilPath = (repetitions: number): string => `${'/a'.repeat(repetitions)}\n`;

const request = (path: string): RequestSpec => ({ path: `/?path=${encodeURIComponent(path)}` });

export function pathRequests(evilRepetitions: number): RequestSpec[] {
  return [...BENIGN_PATHS.map(request), request(evilPath(evilRepetitions))];
}

/**
 * Paths that tell a wrong rewrite from the nested regex: each of `/\/.*$/`, `/\/.+/`,
 * `/^\/.+$/`, `/\/[^\n]+$/` and `/\/.+$/m` answers at least one of them differently.
 */
export const EDGE_PATHS = ['/', 'a/', '//', 'x\n/a', '/a\n', '/a\r', '/a\u2028', '/a\n/', ''];

/**
 * Paths the load never sends, for verify: the edge cases above, and three evil paths of a new
 * shape each time (letters drawn from `seed`, other line terminators, one that matches), with
 * two `/x` more than the load's, so four times its cost. A handler that remembers the answers it
 * has seen, or special-cases the load's evil path, meets them unprepared.
 */
export function unseenPaths(evilRepetitions: number, seed: number): string[] {
  let x = (seed | 0) ^ 0x9e3779b9;
  const letter = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return String.fromCharCode(97 + ((x >>> 0) % 26));
  };
  const head = Array.from({ length: evilRepetitions + 2 }, () => `/${letter()}`).join('');
  return [...EDGE_PATHS, `${head}\r`, `${head}\u2029`, `${head}\n/${letter()}`];
}

export const unseenRequests = (evilRepetitions: number, seed: number): RequestSpec[] =>
  unseenPaths(evilRepetitions, seed).map(request);
