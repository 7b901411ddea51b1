/**
 * A sweep comparison's formats, in a lookup table like compare's: each returns a string and
 * writes nothing. The columns are compare's; under each variant, the medians and the per-run
 * values a reader checks the verdict by ("knee 48 → 39 req/s (-18.8%)").
 */
import { jsonText } from '../../core/json.ts';
import { mdCode, mdText } from '../../core/markdown-text.ts';
import { formatNumber, formatPct, plural, signedPct } from '../../core/numbers.ts';
import { plainLine } from '../../core/plain-text.ts';
import { heldByItsSteps } from '../compare/compare.ts';
import type {
  SweepComparison,
  SweepMetricComparison,
  SweepMetricName,
  SweepSide,
} from '../compare/sweeps.ts';
import { rateText } from '../sweep/rates.ts';
import { type CompareLabels, formatP, markdownVerdictTable } from './compare.ts';
import { pad } from './table.ts';
import type { TableStyle } from './terminal-style.ts';

const PLAIN: TableStyle = { bold: (s) => s, dim: (s) => s };

const METRIC_LABEL: Record<SweepMetricName, string> = {
  kneePerSec: 'knee (req/s)',
  sloPerSec: 'SLO rate (req/s)',
};

const SHORT: Record<SweepMetricName, string> = { kneePerSec: 'knee', sloPerSec: 'SLO rate' };

const HEADER = [
  'metric',
  'base (runs)',
  'head (runs)',
  'change',
  '95% CI',
  'p',
  'p Holm',
  'detectable',
  'verdict',
];

const meanText = (s: SweepSide) => (s.mean === null ? '–' : `${formatNumber(s.mean)} (${s.n})`);

function cells(row: SweepMetricComparison): string[] {
  const ci = row.changeCi95;
  return [
    METRIC_LABEL[row.metric],
    meanText(row.base),
    meanText(row.head),
    row.change === null ? '–' : signedPct(row.change),
    ci ? `${signedPct(ci[0])} … ${signedPct(ci[1])}` : '–',
    formatP(row.p),
    `${formatP(row.pAdjusted)} ${row.stars}`.trimEnd(),
    row.minDetectableChange === null ? '–' : formatPct(row.minDetectableChange),
    row.verdict === 'regression' ? 'REGRESSION' : row.verdict,
  ];
}

const medianText = (s: SweepSide) => (s.medianPerSec === null ? '–' : rateText(s.medianPerSec));
const runsText = (s: SweepSide) =>
  s.perRun.length === 0 ? '–' : s.perRun.map((x) => (x === null ? '–' : rateText(x))).join(', ');

/** `knee 48 → 39 req/s (-18.8%)`: the medians, as sweep prints them. */
export function kneeMoved(row: SweepMetricComparison): string {
  const b = row.base.medianPerSec;
  const h = row.head.medianPerSec;
  const change = b !== null && h !== null && b !== 0 ? ` (${signedPct((h - b) / b)})` : '';
  return `${SHORT[row.metric]} ${medianText(row.base)} → ${medianText(row.head)} req/s${change}`;
}

/** kneeMoved, then each run's value: `…, median; per run 48, 50, 47 → 39, 40, 38`. */
export function movedText(row: SweepMetricComparison): string {
  return `${kneeMoved(row)}, median; per run ${runsText(row.base)} → ${runsText(row.head)}`;
}

/** One line: how many capacity regressions, among how many tests, judged how. */
export function sweepHeadline(c: SweepComparison): string {
  const n = c.regressions.length;
  const list = c.regressions.map((r) => `${r.label} ${kneeMoved(r)}`).join('; ');
  const verdict =
    n === 0 ? 'no capacity regression' : `${plural(n, 'capacity regression')}: ${list}`;
  const inconclusive = c.rows.filter((r) => r.verdict === 'inconclusive');
  const grid = inconclusive.filter((r) => heldByItsSteps({ ...r, judged: true })).length;
  const parts = [
    inconclusive.length - grid > 0 &&
      `${inconclusive.length - grid} too noisy or too few runs (more --runs narrow it)`,
    grid > 0 && `${grid} held by the rate grid (a finer --rates narrows it)`,
  ].filter(Boolean);
  const note =
    inconclusive.length > 0
      ? `; ${inconclusive.length} of ${c.rows.length} inconclusive: ${parts.join('; ')}`
      : '';
  return `${verdict} (${plural(c.tests, 'test')}; Welch's t-test, Holm-corrected at alpha ${c.alpha})${note}`;
}

function oneSided(c: SweepComparison): string[] {
  const out: string[] = [];
  if (c.onlyInBase.length > 0) out.push(`only in base, not compared: ${c.onlyInBase.join(', ')}`);
  if (c.onlyInHead.length > 0) out.push(`only in head, not compared: ${c.onlyInHead.join(', ')}`);
  return out;
}

const LEGEND =
  'knee: the first offered rate past the knee; SLO rate: the highest that met --slo; higher is better for both. ' +
  'base and head: the means of the runs (the medians below); change: (head - base) / base, with its 95% Fieller interval; ' +
  'stars on the Holm-adjusted p: * < 0.05, ** < 0.01, *** < 0.001; a regression is significant and beyond its threshold, ' +
  'even with each run’s rate anywhere between the step it reads and its neighbour (the rate grid is a rounding).';

function groups(c: SweepComparison): [string, SweepMetricComparison[]][] {
  const byLabel = new Map<string, SweepMetricComparison[]>();
  for (const row of c.rows) byLabel.set(row.label, [...(byLabel.get(row.label) ?? []), row]);
  return [...byLabel.entries()];
}

/** A terminal table per variant, the knees moved, the headline, then the warnings. */
export function formatSweepCompareTable(
  c: SweepComparison,
  labels: CompareLabels,
  style: TableStyle = PLAIN,
): string {
  const out = [style.dim(`base: ${labels.base}   head: ${labels.head}   (sweeps)`), ''];
  for (const [label, rows] of groups(c)) {
    out.push(style.bold(plainLine(label)), pad([HEADER, ...rows.map(cells)]));
    for (const row of rows) out.push(movedText(row));
    out.push('');
  }
  if (c.rows.length === 0) out.push('nothing to compare: no variant is in both sweeps', '');
  out.push(...oneSided(c), ...c.warnings.map((w) => `warning: ${w}`));
  out.push(`${c.regressions.length > 0 ? '✗' : '✓'} ${sweepHeadline(c)}`, style.dim(LEGEND), '');
  return out.join('\n');
}

/** GitHub-flavoured Markdown for a pull request or a step summary. */
export function formatSweepCompareMarkdown(c: SweepComparison, labels: CompareLabels): string {
  const mark = c.regressions.length > 0 ? '❌' : '✅';
  const out = [
    '## looplab compare (sweeps)',
    '',
    `${mark} **${mdText(sweepHeadline(c))}**`,
    '',
    `Base ${mdCode(labels.base)} · head ${mdCode(labels.head)}`,
    '',
  ];
  if (c.rows.length > 0) {
    out.push(
      ...markdownVerdictTable(
        'variant',
        HEADER,
        c.rows.map((row) => ({
          label: row.label,
          cells: cells(row),
          regression: row.verdict === 'regression',
        })),
      ),
    );
    out.push('');
    for (const row of c.rows) out.push(`- ${mdText(`${row.label}: ${movedText(row)}`)}`);
    out.push('');
  } else {
    out.push('Nothing to compare: no variant is in both sweeps.', '');
  }
  for (const line of oneSided(c)) out.push(`- ${mdText(line)}`);
  for (const w of c.warnings) out.push(`> ⚠️ ${mdText(w)}`, '');
  out.push(`_${mdText(LEGEND)}_`, '');
  return out.join('\n');
}

export function formatSweepCompareJson(c: SweepComparison, labels: CompareLabels): string {
  return jsonText({ base: labels.base, head: labels.head, ...c });
}

export const sweepCompareFormats = {
  table: (c: SweepComparison, labels: CompareLabels) => formatSweepCompareTable(c, labels),
  markdown: formatSweepCompareMarkdown,
  json: formatSweepCompareJson,
} as const;
