/**
 * The sweep's two charts, on one log-scaled offered-rate axis so they line up: latency against
 * offered rate (log y; per variant the corrected p99, its p50 lighter, the p99 timed from the
 * send dashed, the /ping p99 dotted, the M/D/1 prediction; the ceiling as a vertical line, the
 * knee ringed), and achieved against offered with the diagonal a held rate sits on. Drawn by the
 * report's line chart; the variants' colours and the lines' dashes are told apart in the legend,
 * so colour is never the only cue. Pure.
 */
import type { SweepReport } from '../../sweep/types.ts';
import { esc } from '../chart/escape.ts';
import { type Highlight, type LineSeries, lineChart, type Marker } from '../chart/line-chart.ts';
import { seriesClass } from '../chart/svg.ts';
import { offeredText, type ShownStep, shownSteps } from '../sweep-text.ts';

/** The lines drawn for each variant, in the legend's order: name, dash, faint. */
const LINES = [
  { what: 'p99 (corrected)', dash: 0, faint: false },
  { what: 'p50 (corrected)', dash: 0, faint: true },
  { what: 'p99 timed from the send', dash: 1, faint: false },
  { what: '/ping p99', dash: 2, faint: false },
  { what: 'M/D/1 mean (predicted)', dash: 3, faint: true },
] as const;

/** The page's rules for these charts: faint and neutral lines, coloured ceilings, ringed knees. */
export const SWEEP_CHART_CSS = `
svg .line.faint{opacity:.45}svg .line.neutral{stroke:var(--muted)}
svg .marker.s0{stroke:var(--s0)}svg .marker.s1{stroke:var(--s1)}svg .marker.s2{stroke:var(--s2)}svg .marker.s3{stroke:var(--s3)}
svg circle.highlight{fill:var(--bg);stroke-width:2.5}
`;

/** The offered rates' span, widened to take in each ceiling: the shared x domain. */
export function rateDomain(report: SweepReport): [number, number] {
  const xs = [
    ...report.variants.flatMap((v) => shownSteps(v).map((s) => s.offeredPerSec)),
    ...report.variants.flatMap((v) => (v.ceiling ? [v.ceiling.perSec] : [])),
  ].filter((x) => x > 0);
  return xs.length === 0 ? [1, 10] : [Math.min(...xs), Math.max(...xs)];
}

const points = (steps: readonly ShownStep[], y: (s: ShownStep) => number | null) =>
  steps.map((s) => [s.offeredPerSec, y(s)] as const);

/** Each variant's ceiling, in its colour. */
const ceilings = (report: SweepReport): Marker[] =>
  report.variants.flatMap((v, i) =>
    v.ceiling
      ? [
          {
            x: v.ceiling.perSec,
            label: `${v.variant} ceiling ${offeredText(v.ceiling.perSec)}/s`,
            series: i,
          },
        ]
      : [],
  );

/** The latency chart's lines: per variant each of LINES it has figures for. */
export function latencySeries(report: SweepReport): LineSeries[] {
  return report.variants.flatMap((v, i) => {
    const steps = shownSteps(v);
    const figures: ((s: ShownStep) => number | null)[] = [
      (s) => s.latencyMs?.p99 ?? null,
      (s) => s.latencyMs?.p50 ?? null,
      (s) => s.uncorrectedP99Ms,
      (s) => s.pingP99Ms,
    ];
    const lines: LineSeries[] = figures.map((y, j) => ({
      label: `${v.variant} ${LINES[j]?.what}`,
      points: points(steps, y),
      colour: i,
      dash: LINES[j]?.dash ?? 0,
      faint: LINES[j]?.faint ?? false,
    }));
    if (v.theory.length > 0)
      lines.push({
        label: `${v.variant} ${LINES[4].what}`,
        points: v.theory.map((t) => [t.offeredPerSec, t.predictedMeanMs] as const),
        colour: i,
        dash: LINES[4].dash,
        faint: true,
      });
    return lines;
  });
}

/** Each variant's knee, ringed on its p99 line. */
function knees(report: SweepReport): Highlight[] {
  return report.variants.flatMap((v, i) => {
    const at = v.knee.medianPerSec;
    const p99 = shownSteps(v).find((s) => s.offeredPerSec === at)?.latencyMs?.p99 ?? null;
    return at === null || p99 === null
      ? []
      : [{ x: at, y: p99, label: `${v.variant} knee ${offeredText(at)}/s`, series: i }];
  });
}

export function latencyChart(report: SweepReport, width: number): string {
  return lineChart({
    title: 'Latency against offered rate',
    xUnit: 'offered rate (req/s, log)',
    yUnit: 'latency (ms, log)',
    series: latencySeries(report),
    width,
    plotHeight: 260,
    logX: true,
    logY: true,
    xDomain: rateDomain(report),
    markers: ceilings(report),
    highlights: knees(report),
  });
}

export function achievedChart(report: SweepReport, width: number): string {
  const [lo, hi] = rateDomain(report);
  const series: LineSeries[] = [
    ...report.variants.map((v, i) => ({
      label: `${v.variant} achieved`,
      points: points(shownSteps(v), (s) => s.achievedPerSec),
      colour: i,
      dash: 0,
    })),
    // Where every held rate sits: achieved = offered.
    {
      label: 'achieved = offered',
      points: [[lo, lo] as const, [hi, hi] as const],
      colour: null,
      dash: 1,
    },
  ];
  return lineChart({
    title: 'Achieved against offered rate',
    xUnit: 'offered rate (req/s, log)',
    yUnit: 'achieved (req/s, log)',
    series,
    width,
    plotHeight: 160,
    logX: true,
    logY: true,
    xDomain: [lo, hi],
    yDomain: [lo, hi],
    markers: ceilings(report),
  });
}

function swatch(cls: string): string {
  return `<svg class="swatch" viewBox="0 0 28 12" aria-hidden="true"><line class="line ${cls}" x1="1" x2="27" y1="6" y2="6"/></svg>`;
}

/** Which colour is which variant, and which dash is which figure. */
export function sweepLegend(report: SweepReport): string {
  const variants = report.variants.map(
    (v, i) => `<li>${swatch(`${seriesClass(i)} dash0`)}${esc(v.label)}</li>`,
  );
  const hasTheory = report.variants.some((v) => v.theory.length > 0);
  const lines = LINES.filter((l) => hasTheory || l.dash !== 3).map(
    (l) => `<li>${swatch(`neutral dash${l.dash}${l.faint ? ' faint' : ''}`)}${esc(l.what)}</li>`,
  );
  return `<ul class="legend">${variants.join('')}</ul><ul class="legend">${lines.join('')}<li>${swatch('neutral dash1')}achieved = offered (lower chart)</li></ul>`;
}
