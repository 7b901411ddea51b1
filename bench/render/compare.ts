/**
 * Comparison formats, in a lookup table like the report's: each returns a string and writes
 * nothing. `gab` is github-action-benchmark's custom JSON, which splits by direction.
 */
import { jsonText } from '../../core/json.ts';
import { mdCode, mdText } from '../../core/markdown-text.ts';
import { formatNumber, formatPct, plural, signedPct } from '../../core/numbers.ts';
import { plainLine } from '../../core/plain-text.ts';
import {
  type Comparison,
  heldByRounding,
  type MetricComparison,
  type VariantKey,
} from '../compare/compare.ts';
import { METRICS } from '../report/metrics.ts';
import { WHOLE_MS } from '../report/resolution.ts';
import { studentTQuantile } from '../stats/student-t.ts';
import { formatWholeMs, metricLabel, scale } from './metric-text.ts';
import { pad } from './table.ts';
import type { TableStyle } from './terminal-style.ts';

/** What the reader needs to know of where the two reports came from. */
export interface CompareLabels {
  base: string;
  head: string;
}

const PLAIN: TableStyle = { bold: (s) => s, dim: (s) => s };

function value(row: MetricComparison, x: number | null, resolution: number): string {
  if (x === null) return '–';
  return resolution >= WHOLE_MS ? formatWholeMs(x) : formatNumber(scale(row.metric, x));
}

export function formatP(p: number | null): string {
  if (p === null) return '–';
  if (p < 0.001) return '<0.001';
  return Number(p.toPrecision(2)).toString();
}

function ciText(row: MetricComparison): string {
  const ci = row.changeCi95;
  return ci ? `${signedPct(ci[0])} … ${signedPct(ci[1])}` : '–';
}

function verdictText(row: MetricComparison): string {
  return row.verdict === 'regression' ? 'REGRESSION' : row.verdict;
}

/** The cells of one row, shared by the terminal and the Markdown tables. */
function cells(row: MetricComparison): string[] {
  return [
    metricLabel(row.metric),
    `${value(row, row.base.mean, row.base.resolution)} (${row.base.n})`,
    `${value(row, row.head.mean, row.head.resolution)} (${row.head.n})`,
    row.change === null ? '–' : signedPct(row.change),
    ciText(row),
    formatP(row.p),
    `${formatP(row.pAdjusted)} ${row.stars}`.trimEnd(),
    row.minDetectableChange === null ? '–' : formatPct(row.minDetectableChange),
    verdictText(row),
  ];
}

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

function groups(c: Comparison): [VariantKey, MetricComparison[]][] {
  const byKey = new Map<string, [VariantKey, MetricComparison[]]>();
  for (const row of c.rows) {
    const k = `${row.scenario} ${row.variant}`;
    const group = byKey.get(k) ?? [{ scenario: row.scenario, variant: row.variant }, []];
    group[1].push(row);
    byKey.set(k, group);
  }
  return [...byKey.values()];
}

/** One line: how many regressions, among how many tests, judged how. */
export function headline(c: Comparison): string {
  const n = c.regressions.length;
  const verdict = n === 0 ? 'no regression' : `${plural(n, 'regression')}: ${regressionList(c)}`;
  return `${verdict} (${plural(c.tests, 'test')}; ${testText(c)}, Holm-corrected at alpha ${c.alpha})${inconclusiveNote(c)}`;
}

/** Which test the comparison used, in words: a reader must know what the p-values mean. */
export function testText(c: Comparison): string {
  if (c.test === 'welch') return "Welch's t-test";
  const differences = c.rows.some((r) => r.test === 'paired-difference');
  return `paired t-test on the per-pair log ratios${differences ? ' (on the differences where a pair has a 0)' : ''}`;
}

/** "No regression" from data too noisy to see one must not read as a clean bill of health. */
function inconclusiveNote(c: Comparison): string {
  const rows = c.rows.filter((r) => r.verdict === 'inconclusive');
  if (rows.length === 0) return '';
  // More runs narrow noise, never rounding: say which of the two held the verdict back.
  const rounded = rows.filter((r) => heldByRounding(r)).length;
  const noisy = rows.length - rounded;
  const both = noisy > 0 && rounded > 0;
  const parts = [
    noisy > 0 &&
      `${both ? `${noisy} ` : ''}too noisy to rule out a change beyond the threshold (more --runs narrow it; see "detectable")`,
    rounded > 0 &&
      `${both ? `${rounded} ` : ''}held by rounding (more --runs do not narrow it; a finer clock does: run both sides again with the current looplab, which times latency to the µs)`,
  ].filter(Boolean);
  return `; ${rows.length} of ${c.rows.length} inconclusive: ${parts.join('; ')}`;
}

function regressionList(c: Comparison): string {
  return c.regressions
    .map((r) => `${r.scenario} ${r.variant} ${r.metric} ${signedPct(r.change ?? 0)}`)
    .join(', ');
}

function oneSided(c: Comparison): string[] {
  const list = (keys: VariantKey[]) => keys.map((k) => `${k.scenario} ${k.variant}`).join(', ');
  const out: string[] = [];
  if (c.onlyInBase.length > 0) out.push(`only in base, not compared: ${list(c.onlyInBase)}`);
  if (c.onlyInHead.length > 0) out.push(`only in head, not compared: ${list(c.onlyInHead)}`);
  return out;
}

const LEGEND_REST =
  'stars on the Holm-adjusted p: * < 0.05, ** < 0.01, *** < 0.001; ' +
  'detectable: the smallest change these runs would find 80% of the time; a regression is significant and beyond its threshold.';

function legend(c: Comparison): string {
  const change =
    c.test === 'paired'
      ? 'change: the geometric mean of head / base over the pairs of runs side by side, - 1, with its 95% interval'
      : 'change: (head - base) / base, with its 95% Fieller interval';
  const rounded = c.rows.some((r) => Math.max(r.base.resolution, r.head.resolution) >= WHOLE_MS)
    ? " Latency is autocannon's, in whole milliseconds rounded down (1 means 1 to 2 ms); the tests add that rounding (step² / 12, one shared error for runs that read alike), and a verdict stands only if it holds with every value anywhere in its step."
    : '';
  const notJudged = c.rows.some((r) => r.verdict === 'not-judged')
    ? ' not-judged: a total over the window, which grows with the work served; CPU per request is judged instead.'
    : '';
  return `${change}; ${LEGEND_REST}${rounded}${notJudged}`;
}

/** A terminal table per scenario variant, the headline, then what was not compared and the warnings. */
export function formatCompareTable(
  c: Comparison,
  labels: CompareLabels,
  style: TableStyle = PLAIN,
): string {
  const out = [style.dim(`base: ${labels.base}   head: ${labels.head}`), ''];
  for (const [key, rows] of groups(c)) {
    out.push(
      style.bold(plainLine(`${key.scenario} ${key.variant}`)),
      pad([HEADER, ...rows.map(cells)]),
      '',
    );
  }
  if (c.rows.length === 0)
    out.push('nothing to compare: no scenario variant is in both reports', '');
  out.push(...oneSided(c), ...c.warnings.map((w) => `warning: ${w}`));
  out.push(`${c.regressions.length > 0 ? '✗' : '✓'} ${headline(c)}`, style.dim(legend(c)), '');
  return out.join('\n');
}

/** GitHub-flavoured Markdown for a pull request or a step summary. */
export function formatCompareMarkdown(c: Comparison, labels: CompareLabels): string {
  const mark = c.regressions.length > 0 ? '❌' : '✅';
  const out = [
    '## looplab compare',
    '',
    `${mark} **${mdText(headline(c))}**`,
    '',
    `Base ${mdCode(labels.base)} · head ${mdCode(labels.head)}`,
    '',
  ];
  if (c.rows.length > 0) {
    out.push(
      ...markdownVerdictTable(
        'scenario',
        HEADER,
        c.rows.map((row) => ({
          label: `${row.scenario} ${row.variant}`,
          cells: cells(row),
          regression: row.verdict === 'regression',
        })),
      ),
      '',
    );
  } else {
    out.push('Nothing to compare: no scenario variant is in both reports.', '');
  }
  for (const line of oneSided(c)) out.push(`- ${mdText(line)}`);
  for (const w of c.warnings) out.push(`> ⚠️ ${mdText(w)}`, '');
  out.push(`_${mdText(legend(c))}_`, '');
  return out.join('\n');
}

/**
 * A comparison's rows as a Markdown table: a label column, then `header`'s columns (the first
 * left-aligned, the rest right), the last cell (the verdict) in bold for a regression.
 */
export function markdownVerdictTable(
  labelHead: string,
  header: readonly string[],
  rows: readonly { label: string; cells: readonly string[]; regression: boolean }[],
): string[] {
  const lines = [
    `| ${labelHead} | ${header.join(' | ')} |`,
    `|---|---|${header
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  ];
  for (const row of rows) {
    const [first, ...rest] = row.cells.map(mdText);
    const verdict = row.regression ? `**${rest.at(-1)}**` : rest.at(-1);
    lines.push(
      `| ${mdText(row.label)} | ${first} | ${[...rest.slice(0, -1), verdict].join(' | ')} |`,
    );
  }
  return lines;
}

export function formatCompareJson(c: Comparison, labels: CompareLabels): string {
  return jsonText({ base: labels.base, head: labels.head, ...c });
}

/** One entry of github-action-benchmark's custom JSON (its `customBiggerIsBetter` / `customSmallerIsBetter` tools). */
export interface GabEntry {
  name: string;
  unit: string;
  value: number;
  /** `±` the half-width of the head's 95% interval. */
  range?: string;
  extra: string;
}

/** The head report's means, split by direction, with base, change and verdict in `extra`. */
export function gabEntries(c: Comparison): {
  biggerIsBetter: GabEntry[];
  smallerIsBetter: GabEntry[];
} {
  const biggerIsBetter: GabEntry[] = [];
  const smallerIsBetter: GabEntry[] = [];
  for (const row of c.rows) {
    const { mean, sd, n } = row.head;
    if (mean === null) continue;
    const half = sd === null ? null : (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
    const entry: GabEntry = {
      name: `${row.scenario} ${row.variant} ${row.metric}`,
      unit: METRICS[row.metric].unit,
      value: mean,
      ...(half !== null && { range: `±${Number(half.toPrecision(3))}` }),
      extra:
        `base ${row.base.mean === null ? '–' : Number(row.base.mean.toPrecision(6))} (${row.base.n} runs), head ${n} runs; ` +
        `change ${row.change === null ? '–' : signedPct(row.change)}, 95% CI ${ciText(row)}, ` +
        `p Holm ${formatP(row.pAdjusted)}; ${row.verdict}`,
    };
    (row.better === 'higher' ? biggerIsBetter : smallerIsBetter).push(entry);
  }
  return { biggerIsBetter, smallerIsBetter };
}

export const compareFormats = {
  table: (c: Comparison, labels: CompareLabels) => formatCompareTable(c, labels),
  markdown: formatCompareMarkdown,
  json: formatCompareJson,
} as const;

export type CompareFormatName = keyof typeof compareFormats | 'gab';
