/**
 * A chart's legend, in HTML beside the <svg> rather than inside it: a list wraps by itself at any
 * width, so a long name (`/satisfies?spaces=6000 (run 1)`) neither runs off the chart nor over its
 * neighbour, and its text keeps the page's size instead of shrinking with the drawing. Each entry
 * shows the series' mark (colour and dash, or a box), so colour is never the only cue.
 */
import { esc } from './escape.ts';
import { seriesClass } from './svg.ts';

/** One entry's mark: a short dashed line for a line chart, a filled box for a bar chart. */
function swatch(i: number, kind: 'line' | 'box'): string {
  const mark =
    kind === 'line'
      ? `<line class="line ${seriesClass(i)} dash${i % 4}" x1="1" x2="27" y1="6" y2="6"/>`
      : `<rect class="${seriesClass(i)}" x="8" y="0" width="12" height="12"/>`;
  return `<svg class="swatch" viewBox="0 0 28 12" aria-hidden="true">${mark}</svg>`;
}

export function legendHtml(labels: readonly string[], kind: 'line' | 'box'): string {
  const items = labels.map((label, i) => `<li>${swatch(i, kind)}${esc(label)}</li>`);
  return `<ul class="legend">${items.join('')}</ul>`;
}
