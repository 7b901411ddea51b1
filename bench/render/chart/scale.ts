/**
 * Axis arithmetic for the charts: pure, so tick positions are tested exactly. Browser-safe, as
 * everything in bench/render/chart/ is: the live page loads it as it is.
 */

/** 1, 2 or 5 times a power of ten: the steps a person reads an axis in. */
export function niceStep(range: number, maxTicks: number): number {
  if (!(range > 0)) return 1;
  const raw = range / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  const nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10;
  return nice * power;
}

/** Ticks from 0 to the first nice value at or above `max`, at most about `maxTicks` of them. */
export function linearTicks(max: number, maxTicks = 5): number[] {
  const step = niceStep(max, maxTicks);
  const top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  // Rounded so that 0.1 + 0.2 prints as 0.3 on the axis.
  for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Powers of ten spanning [min, max], for a log axis; non-positive values are left out. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-3)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, 1e-3))));
  const ticks: number[] = [];
  for (let p = lo; p <= hi; p++) ticks.push(Number((10 ** p).toPrecision(12)));
  return ticks;
}

/** Maps a domain onto a pixel range, linearly. */
export function linear(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const span = d1 - d0 || 1;
  return (x) => r0 + ((x - d0) / span) * (r1 - r0);
}

/** Maps a positive domain onto a pixel range on a log scale; values below d0 sit at r0. */
export function log(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const l0 = Math.log10(d0);
  const span = Math.log10(d1) - l0 || 1;
  return (x) => r0 + ((Math.log10(Math.max(x, d0)) - l0) / span) * (r1 - r0);
}

/** A tick label: no trailing zeros, thousands separated. */
export function tickLabel(x: number): string {
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(3)));
}

/**
 * Ticks at nice steps inside [min, max], the domain left as it is: a sliding time window keeps
 * its edges where they are and its ticks where the clock's round numbers fall.
 */
export function ticksWithin(min: number, max: number, maxTicks = 5): number[] {
  if (!(max > min)) return [min];
  const step = niceStep(max - min, maxTicks);
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step / 1e6; i++)
    ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}
