/**
 * Horizontal bar charts, drawn by hand: no chart library, no script, nothing fetched. Laid out at
 * the width asked for: when wide, the labels stand left of their bars in a column as wide as the
 * longest; narrower, each label gets a line of its own above its bars, so a long name
 * (`/satisfies?spaces=6000`) is never cut and the bars keep the width they need.
 */
import { esc } from './escape.ts';
import { linear, linearTicks, log, logTicks } from './scale.ts';
import { chartId, f, seriesClass, svgOpen, tickCount, xAxis } from './svg.ts';

const ROW = 26;
const AXIS = 34;
/** A label's own line in the narrow layout. */
const LABEL_LINE = 16;

/** About how wide a label is drawn at 12 px, in user units: a generous average glyph. */
const labelWidth = (text: string) => text.length * 7;

/**
 * Where labels and bars go at `width`: beside each other when the longest label fits in 40% of
 * the width, its column as wide as it needs; else stacked, each label on a line above its bars.
 */
function layout(width: number, labels: readonly string[]) {
  const column = Math.max(150, 12 + Math.max(0, ...labels.map(labelWidth)));
  const beside = width >= 480 && column <= 0.4 * width;
  // Narrow: room left of the axis for half the first tick's label ("0.1").
  return { beside, left: beside ? column : 14, right: beside ? 70 : 56 };
}

/** A row's or group's label: right-aligned before the bars, or on its own line above them. */
function labelText(text: string, beside: boolean, left: number, y: number, height: number): string {
  return beside
    ? `<text class="label" x="${left - 6}" y="${f(y + height / 2 + 4)}" text-anchor="end">${esc(text)}</text>`
    : `<text class="label" x="${left}" y="${y + LABEL_LINE - 4}">${esc(text)}</text>`;
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
  width = 640,
): string {
  const { beside, left, right } = layout(
    width,
    bars.map((b) => b.label),
  );
  const rowH = beside ? ROW : ROW + LABEL_LINE;
  const top = 8;
  const bottom = top + bars.length * rowH;
  const max = Math.max(0, ...bars.flatMap((b) => [b.value ?? 0, b.interval?.[1] ?? 0]));
  const ticks = linearTicks(max || 1, tickCount(width - left - right));
  const x = linear(0, ticks.at(-1) ?? 1, left, width - right);
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    const label = labelText(b.label, beside, left, y, ROW);
    // The bar's own row: below its label when they are stacked.
    const by = beside ? y : y + LABEL_LINE;
    if (b.value === null) {
      return `${label}<text class="value" x="${left + 4}" y="${by + ROW / 2 + 4}">not measured</text>`;
    }
    const w = Math.max(1, x(b.value) - left);
    const bar = `<rect class="bar ${seriesClass(b.series)}" x="${left}" y="${by + 4}" width="${f(w)}" height="${ROW - 8}"/>`;
    const whisker = b.interval
      ? `<path class="whisker" d="M${f(x(b.interval[0]))} ${by + ROW / 2}H${f(x(b.interval[1]))}M${f(x(b.interval[0]))} ${by + 7}V${by + ROW - 7}M${f(x(b.interval[1]))} ${by + 7}V${by + ROW - 7}"/>`
      : '';
    const end = Math.max(x(b.value), b.interval ? x(b.interval[1]) : 0);
    const value = `<text class="value" x="${f(end + 4)}" y="${by + ROW / 2 + 4}">${esc(valueText(b.value))}</text>`;
    return label + bar + whisker + value;
  });
  const desc = bars
    .map(
      (b) => `${b.label}: ${b.value === null ? 'not measured' : `${valueText(b.value)} ${unit}`}`,
    )
    .join('; ');
  const id = chartId(title, desc, width);
  return `${svgOpen(id, width, bottom + AXIS, title, desc)}${xAxis(ticks, x, top, bottom, width - right, unit)}${rows.join('')}</svg>`;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

/**
 * Groups of horizontal bars on a log axis: latencies of a blocked and a free server differ by
 * orders of magnitude, and on a linear axis the free one would be an invisible sliver. The
 * series' names go in a legend beside the chart (legend.ts).
 */
export function groupedLogBarChart(
  title: string,
  unit: string,
  groups: readonly BarGroup[],
  valueText: (v: number) => string,
  width = 640,
): string {
  const { beside, left, right } = layout(
    width,
    groups.map((g) => g.label),
  );
  const top = 8;
  const barH = 14;
  const groupH = (g: BarGroup) => g.bars.length * barH + 12 + (beside ? 0 : LABEL_LINE);
  const bottom = top + groups.reduce((h, g) => h + groupH(g), 0);
  const values = groups.flatMap((g) =>
    g.bars.flatMap((b) => (b.value === null || b.value <= 0 ? [] : [b.value])),
  );
  const ticks = logTicks(Math.min(...values, 1), Math.max(...values, 1));
  const x = log(ticks[0] ?? 0.001, ticks.at(-1) ?? 1, left, width - right);
  let y = top;
  const rows = groups.map((g) => {
    const h = groupH(g);
    const parts = [labelText(g.label, beside, left, y, h)];
    const barsTop = beside ? y : y + LABEL_LINE;
    g.bars.forEach((b, i) => {
      const by = barsTop + 6 + i * barH;
      if (b.value === null) return;
      const w = Math.max(1, x(b.value) - left);
      parts.push(
        `<rect class="bar ${seriesClass(b.series)}" x="${left}" y="${by}" width="${f(w)}" height="${barH - 3}"><title>${esc(`${b.label}: ${valueText(b.value)} ${unit}`)}</title></rect>`,
        `<text class="value small" x="${f(left + w + 4)}" y="${by + barH - 4}">${esc(valueText(b.value))}</text>`,
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
  const id = chartId(title, desc, width);
  return `${svgOpen(id, width, bottom + AXIS, title, desc)}${xAxis(ticks, x, top, bottom, width - right, `${unit}, log scale`)}${rows.join('')}</svg>`;
}
