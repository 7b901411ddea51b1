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
