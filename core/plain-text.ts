/**
 * Text from a report, a file name or a stack frame, made safe for a terminal: a crafted report
 * must not clear the screen, recolour it, move the cursor, or reverse the text a reader sees.
 * Pure; used at the edge, just before a string reaches a terminal.
 */
import { stripVTControlCharacters } from 'node:util';

/**
 * C0 controls but tab and newline, DEL, C1 controls (0x9b alone starts a CSI sequence), and the
 * bidirectional marks, overrides and isolates, and the Unicode line separators, that make text read in another order than it is stored.
 */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `s` without escape sequences or control characters; tab and newline kept. */
export function plainText(s: string): string {
  return stripVTControlCharacters(s).replace(CONTROL, '');
}

/** A copy of `value` with every string in it (object keys too) made plain: a parsed report. */
export function plainStrings<T>(value: T): T {
  if (typeof value === 'string') return plainText(value) as T;
  if (Array.isArray(value)) return value.map(plainStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [plainText(k), plainStrings(v)]),
    ) as T;
  }
  return value;
}
