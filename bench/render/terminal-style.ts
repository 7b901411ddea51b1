/**
 * Colour for the terminal, and only there: styles are passed in, so every formatter stays pure
 * and prints plain text for pipes, files and NO_COLOR.
 */

export interface TableStyle {
  bold(s: string): string;
  dim(s: string): string;
}

export const PLAIN_STYLE: TableStyle = { bold: (s) => s, dim: (s) => s };

/** Wraps text in an ANSI SGR code when `enabled`; the one place looplab writes colour. */
export const ansi =
  (enabled: boolean) =>
  (code: string, s: string): string =>
    enabled ? `\x1b[${code}m${s}\x1b[0m` : s;

/** Bold and dim for the terminal table, or nothing when colour is off. */
export function terminalStyle(color: boolean): TableStyle {
  const paint = ansi(color);
  return { bold: (s) => paint('1', s), dim: (s) => paint('2', s) };
}
