/**
 * Lines over time, one per series: the report's lag timeline and every chart of the live page.
 * Several charts line up when they are given the same domains; a point whose value is null is a
 * gap in its line, never a zero. Bands shade an x-range with a label (a loop that fell silent),
 * markers draw a labelled vertical line (a knob that changed). Laid out at the width asked for,
 * so the live page draws at its real size and the report can offer a narrow layout whose text
 * stays readable on a phone.
 */
import { esc } from './escape.ts';
import { linear, linearTicks, log, logTicks, tickLabel, ticksWithin } from './scale.ts';
import { chartId, f, seriesClass, svgOpen, tickCount } from './svg.ts';

export interface LineSeries {
  label: string;
  /** [x, y] in the order drawn; y null is a gap. */
  points: readonly (readonly [number, number | null])[];
  /**
   * Its look, when several lines belong to one thing (a variant's p50, p99 and /ping in one
   * colour, each in its own dash): the palette's colour (null: neutral, as a reference line),
   * the dash pattern (0 solid … 3), and faint for a line that is context. Default: the series'
   * own index for both, as every chart drew before.
   */
  colour?: number | null;
  dash?: number;
  faint?: boolean;
}

/** A shaded x-range, e.g. "no word from sync's loop for 412 ms". */
export interface Band {
  x0: number;
  x1: number;
  /** Written at the band's top; '' draws the band alone. */
  label: string;
  /** The series it belongs to, for its colour; none: neutral. */
  series?: number;
}

/** A vertical line at `x`, e.g. "ms 20 → 50". */
export interface Marker {
  x: number;
  label: string;
  /** The series it belongs to, for its colour; none: neutral. */
  series?: number;
}

/** A labelled point, e.g. a curve's knee. */
export interface Highlight {
  x: number;
  y: number;
  label: string;
  series: number;
}

export interface LineChartSpec {
  title: string;
  xUnit: string;
  yUnit: string;
  series: readonly LineSeries[];
  /** The width to lay out at, in user units (the live page passes its pixels). */
  width: number;
  /** The plot's own height; 200 when not given. */
  plotHeight?: number;
  /** Shared domains: charts given the same ones line up. Default: from 0 to the data's largest. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** A log y axis, for figures that span orders of magnitude; values ≤ 0 sit on its floor. */
  logY?: boolean;
  /** A log x axis, for rates stepped geometrically (10, 20, 40 … 640); x must be > 0. */
  logX?: boolean;
  highlights?: readonly Highlight[];
  bands?: readonly Band[];
  markers?: readonly Marker[];
}

/** About how wide a label is at 11 px, per character (as the bands' words reckon it). */
const CHAR_PX = 6;

/**
 * The markers' lines and words, from the newest back: words that would run past the plot's
 * right edge end at the line instead, and words that would run into the newer marker's are
 * left out, the line keeping them as its tooltip (two changes a second apart, on the live page,
 * wrote one over the other).
 */
function markerMarks(
  markers: readonly Marker[],
  x: (v: number) => number,
  right: number,
  bottom: number,
): string[] {
  const out: string[] = [];
  let freeUntil = Number.POSITIVE_INFINITY;
  for (const m of [...markers].sort((a, b) => b.x - a.x)) {
    const px = f(x(m.x));
    const wide = CHAR_PX * m.label.length;
    const atEnd = px + 3 + wide > right;
    const [from, to] = atEnd ? [px - 3 - wide, px - 3] : [px + 3, px + 3 + wide];
    const worded = m.label !== '' && to <= freeUntil - 4;
    if (worded) freeUntil = from;
    const cls = `marker${m.series === undefined ? '' : ` ${seriesClass(m.series)}`}`;
    const line = `<line class="${cls}" x1="${px}" x2="${px}" y1="${TOP - 4}" y2="${bottom}"`;
    out.unshift(
      worded
        ? `${line}/><text class="marker-label" x="${f(atEnd ? px - 3 : px + 3)}"${atEnd ? ' text-anchor="end"' : ''} y="${TOP - 6}">${esc(m.label)}</text>`
        : `${line}><title>${esc(m.label)}</title></line>`,
    );
  }
  return out;
}

// Room above the plot for the y unit and the markers' labels, so neither sits on the top tick.
const TOP = 36;
const LEFT = 56;
const RIGHT = 16;
const AXIS = 36;

/** The non-null points of every series: what the default domains are read from. */
const measured = (series: readonly LineSeries[]) =>
  series.flatMap((s) => s.points.filter((p): p is [number, number] => p[1] !== null));

/** The y axis: its ticks and the scale that maps onto [bottom, top]. */
function yAxis(spec: LineChartSpec, bottom: number) {
  const values = measured(spec.series).map((p) => p[1]);
  if (spec.logY) {
    const positive = values.filter((v) => v > 0);
    const lo = spec.yDomain?.[0] ?? Math.min(...positive, 1);
    const hi = spec.yDomain?.[1] ?? Math.max(...positive, 1);
    const ticks = logTicks(lo, hi);
    return { ticks, y: log(ticks[0] ?? 0.001, ticks.at(-1) ?? 1, bottom, TOP) };
  }
  const hi = spec.yDomain?.[1] ?? Math.max(0, ...values);
  const ticks = linearTicks(hi || 1, 5);
  return { ticks, y: linear(0, ticks.at(-1) ?? 1, bottom, TOP) };
}

/** The x axis: a given domain is kept exactly (a sliding window), else 0 to a nice top. */
function xScale(spec: LineChartSpec) {
  const n = tickCount(spec.width - LEFT - RIGHT);
  const right = spec.width - RIGHT;
  if (spec.logX) {
    const xs = measured(spec.series)
      .map((p) => p[0])
      .filter((v) => v > 0);
    const lo = spec.xDomain?.[0] ?? Math.min(...xs, 1);
    const hi = spec.xDomain?.[1] ?? Math.max(...xs, 1);
    const ticks = logTicks(lo, hi);
    return { ticks, x: log(ticks[0] ?? 0.001, ticks.at(-1) ?? 1, LEFT, right) };
  }
  if (spec.xDomain) {
    const [d0, d1] = spec.xDomain;
    return { ticks: ticksWithin(d0, d1, n), x: linear(d0, d1, LEFT, right) };
  }
  const ticks = linearTicks(Math.max(0, ...measured(spec.series).map((p) => p[0])) || 1, n);
  return { ticks, x: linear(0, ticks.at(-1) ?? 1, LEFT, right) };
}

/** A series' path, broken at each null; a point alone between gaps gets a dot. */
function seriesMarks(
  s: LineSeries,
  i: number,
  x: (v: number) => number,
  y: (v: number) => number,
  clip: string,
): string {
  let d = '';
  const dots: string[] = [];
  const pts = s.points;
  for (let j = 0; j < pts.length; j++) {
    const p = pts[j] as readonly [number, number | null];
    if (p[1] === null) continue;
    const starts = j === 0 || pts[j - 1]?.[1] === null;
    d += `${starts ? 'M' : 'L'}${f(x(p[0]))} ${f(y(p[1]))}`;
    const ends = j === pts.length - 1 || pts[j + 1]?.[1] === null;
    if (starts && ends)
      dots.push(
        `<circle class="dot ${seriesClass(i)}" cx="${f(x(p[0]))}" cy="${f(y(p[1]))}" r="3"/>`,
      );
  }
  const colour =
    s.colour === undefined ? seriesClass(i) : s.colour === null ? 'neutral' : seriesClass(s.colour);
  const look = `${colour} dash${(s.dash ?? i) % 4}${s.faint ? ' faint' : ''}`;
  return `<path class="line ${look}" d="${d}"${clip}/>${dots.join('').replaceAll(`dot ${seriesClass(i)}`, `dot ${colour}`)}`;
}

/** Lines on one shared time axis, one per series; the legend goes beside it (legend.ts). */
export function lineChart(spec: LineChartSpec): string {
  const { width, series } = spec;
  const plotH = spec.plotHeight ?? 200;
  const bottom = TOP + plotH;
  const { ticks: xTicks, x } = xScale(spec);
  const { ticks: yTicks, y } = yAxis(spec, bottom);
  const right = width - RIGHT;
  const desc = series
    .map((s) => {
      const values = s.points.flatMap((p) => (p[1] === null ? [] : [p[1]]));
      return values.length === 0
        ? `${s.label}: no points`
        : `${s.label}: ${values.length} points, peak ${tickLabel(Math.max(...values))} ${spec.yUnit}`;
    })
    .join('; ');
  const id = chartId(spec.title, desc, width);
  const clipRef = ` clip-path="url(#${id}p)"`;
  const grid = [
    `<clipPath id="${id}p"><rect x="${LEFT}" y="${TOP}" width="${f(right - LEFT)}" height="${plotH}"/></clipPath>`,
    ...yTicks.map(
      (t) =>
        `<line class="grid" x1="${LEFT}" x2="${right}" y1="${f(y(t))}" y2="${f(y(t))}"/>` +
        `<text class="tick" x="${LEFT - 6}" y="${f(y(t) + 4)}" text-anchor="end">${esc(tickLabel(t))}</text>`,
    ),
    ...xTicks.map(
      (t) =>
        `<text class="tick" x="${f(x(t))}" y="${bottom + 14}" text-anchor="middle">${esc(tickLabel(t))}</text>`,
    ),
    `<text class="unit" x="${right}" y="${bottom + 30}" text-anchor="end">${esc(spec.xUnit)}</text>`,
    `<text class="unit" x="4" y="14">${esc(spec.yUnit)}</text>`,
  ];
  // Bands under the lines; their labels over them (a line drawn across the words made them hard
  // to read), staggered over three rows so two bands at once stay legible.
  const bandLabels: string[] = [];
  const bands = (spec.bands ?? []).map((b, i) => {
    const x0 = f(x(b.x0));
    const w = f(Math.max(1, x(b.x1) - x(b.x0)));
    // Words that would run past the plot's right edge end at it instead (about 6 units a
    // character at the label's 11 px).
    const where =
      x0 + 3 + CHAR_PX * b.label.length > right
        ? `x="${f(right - 3)}" text-anchor="end"`
        : `x="${f(x0 + 3)}"`;
    const cls = b.series === undefined ? 'band' : `band ${seriesClass(b.series)}`;
    // Charts stacked under one that says it may leave the words out: the band says enough.
    if (b.label)
      bandLabels.push(
        `<text class="band-label" ${where} y="${TOP + 14 + (i % 3) * 14}"${clipRef}>${esc(b.label)}</text>`,
      );
    return `<rect class="${cls}" x="${x0}" y="${TOP}" width="${w}" height="${plotH}"${clipRef}><title>${esc(b.label)}</title></rect>`;
  });
  const markers = markerMarks(
    (spec.markers ?? []).filter((m) => x(m.x) >= LEFT - 0.5 && x(m.x) <= right + 0.5),
    x,
    right,
    bottom,
  );
  const lines = series.map((s, i) => seriesMarks(s, i, x, y, clipRef));
  // Over the lines, a ring the line shows through, its label above it.
  const highlights = (spec.highlights ?? []).map((h) => {
    const [px, py] = [f(x(h.x)), f(y(h.y))];
    return (
      `<circle class="highlight ${seriesClass(h.series)}" cx="${px}" cy="${py}" r="5"><title>${esc(h.label)}</title></circle>` +
      `<text class="marker-label" x="${f(px + 7)}" y="${f(py - 7)}">${esc(h.label)}</text>`
    );
  });
  return `${svgOpen(id, width, bottom + AXIS, spec.title, desc)}${grid.join('')}${bands.join('')}${markers.join('')}${lines.join('')}${highlights.join('')}${bandLabels.join('')}</svg>`;
}
