/**
 * What every chart shares: the <svg> element with its accessible title and description, pixel
 * rounding, series classes and the x axis. Charts return markup strings whose colours come from
 * the page's CSS (classes s0..s3 per series, see style.ts), so dark mode and print need nothing
 * here. Browser-safe: imports only from bench/render/chart/.
 */
import { esc } from './escape.ts';
import { tickLabel } from './scale.ts';

/** One decimal: enough for a pixel, and short markup. */
export const f = (x: number) => Number(x.toFixed(1));

/** Series beyond the palette reuse it; the dash pattern and legend still tell them apart. */
export const seriesClass = (i: number) => `s${i % 4}`;

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * A chart's id: the same chart laid out at two widths on one page (wide and narrow) gets two ids.
 */
export const chartId = (title: string, desc: string, width: number) =>
  `c${Math.abs(hash(`${width} ${title} ${desc}`)).toString(36)}`;

/** The <svg> opening tag, `width` × `height` user units, with its <title> and <desc>. */
export function svgOpen(
  id: string,
  width: number,
  height: number,
  title: string,
  desc: string,
): string {
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}t ${id}d" preserveAspectRatio="xMinYMin meet">` +
    `<title id="${id}t">${esc(title)}</title><desc id="${id}d">${esc(desc)}</desc>`
  );
}

/** Grid lines and labels of an x axis, with its unit under the right end. */
export function xAxis(
  ticks: readonly number[],
  x: (v: number) => number,
  top: number,
  bottom: number,
  unitX: number,
  unit: string,
): string {
  const parts = ticks.map((t) => {
    const px = f(x(t));
    return (
      `<line class="grid" x1="${px}" x2="${px}" y1="${top}" y2="${bottom}"/>` +
      `<text class="tick" x="${px}" y="${bottom + 14}" text-anchor="middle">${esc(tickLabel(t))}</text>`
    );
  });
  return `${parts.join('')}<text class="unit" x="${unitX}" y="${bottom + 30}" text-anchor="end">${esc(unit)}</text>`;
}

/** How many ticks an axis `px` long can label without crowding: one per ~70 px, at least 2. */
export const tickCount = (px: number) => Math.max(2, Math.floor(px / 70));
