/**
 * A chart as a page shows it: its drawing, laid out wide and narrow, and its legend in HTML.
 * Which layout shows is the CSS's choice (style.ts, a container query on the box's own width),
 * so a page with no script (the HTML report) still gets text that stays readable on a phone
 * instead of a wide drawing shrunk until its labels cannot be read.
 */
export function chartBox(wide: string, narrow: string | null, legend = ''): string {
  const layouts = narrow
    ? `<div class="chart-wide">${wide}</div><div class="chart-narrow">${narrow}</div>`
    : wide;
  return `<div class="chart-box">${layouts}${legend}</div>`;
}

/** The width of the narrow layout: a phone's width less the page's margins. */
export const NARROW_WIDTH = 340;
