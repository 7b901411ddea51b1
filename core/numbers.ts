/** Rounds to `digits` decimals; reports keep what the measurement can support, not float noise. */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
