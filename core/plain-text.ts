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

/** Line breaks and tabs, with the blanks around them: one space in a one-line text. */
const BREAKS = /[ ]*[\t\n\v\f\r\u0085\u2028\u2029]+[ ]*/g;
/** The controls left once the breaks are spaces: shown, not dropped (see plainLine). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const SHOWN = /[\u0000-\u001f\u007f-\u009f]/g;
/** The bidirectional marks, overrides and isolates: dropped, as plainText drops them. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `s` on one line, for a table row or any line a name is part of: escape sequences and
 * bidirectional marks dropped, each run of line breaks and tabs one space (a newline in a name
 * would start a row of its own, a tab shift its cells), and any other control shown as `\xNN`,
 * so that two names that differ only by one never look alike.
 */
export function plainLine(s: string): string {
  return stripVTControlCharacters(s)
    .replace(BIDI, '')
    .replace(BREAKS, ' ')
    .replace(SHOWN, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * A copy of `value` with every string in it (object keys too) on one plain line (plainLine): a
 * parsed report, whose strings a terminal table shows in its rows.
 */
export function plainStrings<T>(value: T): T {
  if (typeof value === 'string') return plainLine(value) as T;
  if (Array.isArray(value)) return value.map(plainStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [plainLine(k), plainStrings(v)]),
    ) as T;
  }
  return value;
}
