/**
 * Numbers as reports keep them and as a person reads them: the one home of looplab's number and
 * unit formatting, so a figure reads the same in the terminal, the Markdown, the HTML and a lesson.
 */

/** Rounds to `digits` decimals; reports keep what the measurement can support, not float noise. */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Three significant figures at most, thousands separated: `0.25`, `12.3`, `456`, `7,890`. */
export function formatNumber(x: number): string {
  const abs = Math.abs(x);
  if (x === 0) return '0';
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** `4.5 ms` under ten milliseconds, `231 ms` above. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** A rate such as requests per second: `46.8`, `1,234`. */
export function formatRate(x: number): string {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  // A rate that one decimal would show as 0.0 is not none: two significant figures (0.00028).
  if (x > 0 && x < 0.05) return formatSignificant(x);
  return x.toFixed(1);
}

/** Two significant figures, in plain notation: 0.00028, 0.5, 3.3, 1,200. */
export function formatSignificant(x: number): string {
  return Number(x.toPrecision(2)).toLocaleString('en-US', { maximumFractionDigits: 20 });
}

/** How many times: `9.7x`, `12x`. */
export function formatRatio(r: number): string {
  return r < 10 ? `${r.toFixed(1)}x` : `${Math.round(r)}x`;
}

/** A fraction as a whole percentage: 0.957 → `96%`. */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** A fraction as a percentage to three significant figures: 0.1 → `10%`, 0.025 → `2.5%`. */
export function formatPct(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

/** A relative change with its sign: `+12.3%`, `-4.56%`, `0%`. */
export function signedPct(x: number): string {
  const text = formatPct(x);
  return x > 0 ? `+${text}` : text;
}

/** `1 run`, `3 runs`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
