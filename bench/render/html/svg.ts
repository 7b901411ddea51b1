/**
 * Inline SVG charts, drawn by hand: no chart library, no script, nothing fetched. Each returns
 * one <svg> string whose colours come from the page's CSS (classes s0..s3 per series), so dark
 * mode and print need nothing here. Series also differ by dash pattern, not by colour alone.
 */
import { esc } from './escape.ts';
import { linear, linearTicks, log, logTicks, tickLabel } from './scale.ts';

const WIDTH = 640;
const LEFT = 150;
const RIGHT = 70;
const ROW = 26;
const AXIS = 34;

const f = (x: number) => Number(x.toFixed(1));
/** Series beyond the palette reuse it; the dash pattern and legend still tell them apart. */
const seriesClass = (i: number) => `s${i % 4}`;

function svgOpen(height: number, title: string, desc: string): string {
  const id = `c${Math.abs(hash(title + desc)).toString(36)}`;
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}t ${id}d" preserveAspectRatio="xMinYMin meet">` +
    `<title id="${id}t">${esc(title)}</title><desc id="${id}d">${esc(desc)}</desc>`
  );
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

function xAxis(
  ticks: number[],
  x: (v: number) => number,
  top: number,
  bottom: number,
  unit: string,
): string {
  const parts = ticks.map((t) => {
    const px = f(x(t));
    return (
      `<line class="grid" x1="${px}" x2="${px}" y1="${top}" y2="${bottom}"/>` +
      `<text class="tick" x="${px}" y="${bottom + 14}" text-anchor="middle">${esc(tickLabel(t))}</text>`
    );
  });
  return `${parts.join('')}<text class="unit" x="${WIDTH - RIGHT}" y="${bottom + 30}" text-anchor="end">${esc(unit)}</text>`;
}

const LEGEND_ITEM = 200;
/** What the last item of a row needs: its mark and a label of about 18 characters. */
const LEGEND_LAST_ITEM = 150;
const LEGEND_ROW = 18;
/** How many legend items fit on a row from `left`: at least one. */
const legendPerRow = (left: number) =>
  Math.max(1, Math.floor((WIDTH - left - LEGEND_LAST_ITEM) / LEGEND_ITEM) + 1);
/** The height the legend's rows past the first add to a chart. */
const extraLegendRows = (count: number, left: number) =>
  (Math.max(1, Math.ceil(count / legendPerRow(left))) - 1) * LEGEND_ROW;

/**
 * Rows of swatches naming the series, wrapped to the chart's width (four variants did not fit on
 * one row); shapes differ too, so colour is never the only cue.
 */
function legend(labels: readonly string[], y0: number, left: number, line: boolean): string {
  const perRow = legendPerRow(left);
  return labels
    .map((label, i) => {
      const lx = left + (i % perRow) * LEGEND_ITEM;
      const y = y0 + Math.floor(i / perRow) * LEGEND_ROW;
      const mark = line
        ? `<line class="line ${seriesClass(i)} dash${i % 4}" x1="${lx}" x2="${lx + 28}" y1="${y - 4}" y2="${y - 4}"/>`
        : `<rect class="${seriesClass(i)}" x="${lx + 14}" y="${y - 10}" width="12" height="12"/>`;
      return `${mark}<text class="label" x="${lx + 34}" y="${y}">${esc(label)}</text>`;
    })
    .join('');
}

export interface Bar {
  label: string;
  /** null: not measured; drawn as a label with no bar. */
  value: number | null;
  /** A 95% interval, drawn as a whisker. */
  interval?: [number, number] | null;
  /** The series this bar belongs to, for its colour. */
  series: number;
}

/** Horizontal bars from zero, one per row, with interval whiskers and the value at the end. */
export function barChart(
  title: string,
  unit: string,
  bars: readonly Bar[],
  valueText: (v: number) => string,
): string {
  const top = 8;
  const bottom = top + bars.length * ROW;
  const max = Math.max(0, ...bars.flatMap((b) => [b.value ?? 0, b.interval?.[1] ?? 0]));
  const ticks = linearTicks(max || 1);
  const x = linear(0, ticks.at(-1) ?? 1, LEFT, WIDTH - RIGHT);
  const rows = bars.map((b, i) => {
    const y = top + i * ROW;
    const label = `<text class="label" x="${LEFT - 6}" y="${y + ROW / 2 + 4}" text-anchor="end">${esc(b.label)}</text>`;
    if (b.value === null) {
      return `${label}<text class="value" x="${LEFT + 4}" y="${y + ROW / 2 + 4}">not measured</text>`;
    }
    const w = Math.max(1, x(b.value) - LEFT);
    const bar = `<rect class="bar ${seriesClass(b.series)}" x="${LEFT}" y="${y + 4}" width="${f(w)}" height="${ROW - 8}"/>`;
    const whisker = b.interval
      ? `<path class="whisker" d="M${f(x(b.interval[0]))} ${y + ROW / 2}H${f(x(b.interval[1]))}M${f(x(b.interval[0]))} ${y + 7}V${y + ROW - 7}M${f(x(b.interval[1]))} ${y + 7}V${y + ROW - 7}"/>`
      : '';
    const end = Math.max(x(b.value), b.interval ? x(b.interval[1]) : 0);
    const value = `<text class="value" x="${f(end + 4)}" y="${y + ROW / 2 + 4}">${esc(valueText(b.value))}</text>`;
    return label + bar + whisker + value;
  });
  const desc = bars
    .map(
      (b) => `${b.label}: ${b.value === null ? 'not measured' : `${valueText(b.value)} ${unit}`}`,
    )
    .join('; ');
  return `${svgOpen(bottom + AXIS, title, desc)}${xAxis(ticks, x, top, bottom, unit)}${rows.join('')}</svg>`;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

/**
 * Groups of horizontal bars on a log axis: latencies of a blocked and a free server differ by
 * orders of magnitude, and on a linear axis the free one would be an invisible sliver.
 */
export function groupedLogBarChart(
  title: string,
  unit: string,
  seriesLabels: readonly string[],
  groups: readonly BarGroup[],
  valueText: (v: number) => string,
): string {
  const top = 8;
  const barH = 14;
  const groupH = (g: BarGroup) => g.bars.length * barH + 12;
  const bottom = top + groups.reduce((h, g) => h + groupH(g), 0);
  const values = groups.flatMap((g) =>
    g.bars.flatMap((b) => (b.value === null || b.value <= 0 ? [] : [b.value])),
  );
  const ticks = logTicks(Math.min(...values, 1), Math.max(...values, 1));
  const x = log(ticks[0] ?? 0.001, ticks.at(-1) ?? 1, LEFT, WIDTH - RIGHT);
  let y = top;
  const rows = groups.map((g) => {
    const h = groupH(g);
    const parts = [
      `<text class="label" x="${LEFT - 6}" y="${f(y + h / 2 + 4)}" text-anchor="end">${esc(g.label)}</text>`,
    ];
    g.bars.forEach((b, i) => {
      const by = y + 6 + i * barH;
      if (b.value === null) return;
      const w = Math.max(1, x(b.value) - LEFT);
      parts.push(
        `<rect class="bar ${seriesClass(b.series)}" x="${LEFT}" y="${by}" width="${f(w)}" height="${barH - 3}"><title>${esc(`${b.label}: ${valueText(b.value)} ${unit}`)}</title></rect>`,
        `<text class="value small" x="${f(LEFT + w + 4)}" y="${by + barH - 4}">${esc(valueText(b.value))}</text>`,
      );
    });
    y += h;
    return parts.join('');
  });
  const desc = groups
    .map(
      (g) =>
        `${g.label}: ${g.bars.map((b) => `${b.label} ${b.value === null ? 'not measured' : valueText(b.value)}`).join(', ')}`,
    )
    .join('; ');
  const height = bottom + AXIS + 24 + extraLegendRows(seriesLabels.length, LEFT - 14);
  return `${svgOpen(height, title, desc)}${xAxis(ticks, x, top, bottom, `${unit}, log scale`)}${rows.join('')}${legend(seriesLabels, bottom + AXIS + 16, LEFT - 14, false)}</svg>`;
}

export interface Series {
  label: string;
  points: readonly (readonly [number, number])[];
}

/** Lines on one shared time axis, one per series, with a legend. */
export function lineChart(
  title: string,
  xUnit: string,
  yUnit: string,
  series: readonly Series[],
): string {
  // Room above the plot for the y unit, so it never sits on the top tick.
  const top = 36;
  const plotH = 200;
  const bottom = top + plotH;
  const left = 56;
  const right = 16;
  const all = series.flatMap((s) => s.points);
  const xTicks = linearTicks(Math.max(0, ...all.map((p) => p[0])) || 1, 8);
  const yTicks = linearTicks(Math.max(0, ...all.map((p) => p[1])) || 1, 5);
  const x = linear(0, xTicks.at(-1) ?? 1, left, WIDTH - right);
  const y = linear(0, yTicks.at(-1) ?? 1, bottom, top);
  const grid = [
    ...yTicks.map(
      (t) =>
        `<line class="grid" x1="${left}" x2="${WIDTH - right}" y1="${f(y(t))}" y2="${f(y(t))}"/>` +
        `<text class="tick" x="${left - 6}" y="${f(y(t) + 4)}" text-anchor="end">${esc(tickLabel(t))}</text>`,
    ),
    ...xTicks.map(
      (t) =>
        `<text class="tick" x="${f(x(t))}" y="${bottom + 14}" text-anchor="middle">${esc(tickLabel(t))}</text>`,
    ),
    `<text class="unit" x="${WIDTH - right}" y="${bottom + 30}" text-anchor="end">${esc(xUnit)}</text>`,
    `<text class="unit" x="4" y="18">${esc(yUnit)}</text>`,
  ];
  const lines = series.map((s, i) => {
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${f(x(p[0]))} ${f(y(p[1]))}`).join('');
    // A single point draws no line: mark it.
    const dot =
      s.points.length === 1 && s.points[0]
        ? `<circle class="dot ${seriesClass(i)}" cx="${f(x(s.points[0][0]))}" cy="${f(y(s.points[0][1]))}" r="3"/>`
        : '';
    return `<path class="line ${seriesClass(i)} dash${i % 4}" d="${d}"/>${dot}`;
  });
  const legendY = bottom + 48;
  const desc = series
    .map(
      (s) =>
        `${s.label}: ${s.points.length} points, peak ${tickLabel(Math.max(0, ...s.points.map((p) => p[1])))} ${yUnit}`,
    )
    .join('; ');
  const height = legendY + 10 + extraLegendRows(series.length, left);
  return `${svgOpen(height, title, desc)}${grid.join('')}${lines.join('')}${legend(
    series.map((x) => x.label),
    legendY,
    left,
    true,
  )}</svg>`;
}
