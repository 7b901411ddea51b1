/**
 * Report formats, in a lookup table as mitata does: each returns a string and writes nothing.
 */

import type { Report, ResultEntry } from '../report/build.ts';
import { METRICS, type MetricName } from '../report/metrics.ts';
import type { BenchOptions } from '../run/options.ts';
import type { Summary } from '../stats/descriptive.ts';

/** The metrics a person reads; the JSON report holds all of them. */
const SHOWN: MetricName[] = [
  'requestsPerSec',
  'latencyP50Ms',
  'latencyP99Ms',
  'pingP99Ms',
  'lagP99Ms',
  'lagMaxMs',
  'elu',
  'cpuUserMs',
  'rssMaxBytes',
  'errors',
  'timeouts',
];

const UNIT_SUFFIX: Record<string, string> = {
  'req/s': '',
  ms: ' (ms)',
  bytes: ' (MiB)',
  ratio: '',
  count: '',
  'B/s': ' (B/s)',
};

/** A metric in the unit a person reads: bytes as MiB. */
export function scale(name: MetricName, x: number): number {
  return METRICS[name].unit === 'bytes' ? x / 1024 ** 2 : x;
}

export function formatNumber(x: number): string {
  const abs = Math.abs(x);
  if (x === 0) return '0';
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** `mean ±half-width of the 95% interval`, or the bare mean when there is no interval. */
export function formatSummary(name: MetricName, s: Summary): string {
  if (s.mean === null) return '–';
  // Whole counts (errors, timeouts) read as counts, not as 0.00.
  const whole = METRICS[name].unit === 'count' && Number.isInteger(s.mean);
  const mean = whole ? String(s.mean) : formatNumber(scale(name, s.mean));
  if (!s.ci95) return mean;
  return `${mean} ±${formatNumber(scale(name, (s.ci95[1] - s.ci95[0]) / 2))}`;
}

/** `throughput (req/s)`, `peak RSS (MiB)`: the label with the unit it is shown in. */
export function metricLabel(name: MetricName): string {
  const spec = METRICS[name];
  return `${spec.label}${spec.unit === 'req/s' ? ' (req/s)' : (UNIT_SUFFIX[spec.unit] ?? '')}`;
}

function groupByScenario(results: readonly ResultEntry[]): Map<string, ResultEntry[]> {
  const groups = new Map<string, ResultEntry[]>();
  for (const r of results) groups.set(r.scenario, [...(groups.get(r.scenario) ?? []), r]);
  return groups;
}

function paramsText(entry: ResultEntry): string {
  return Object.entries(entry.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** The options a scenario's heading quotes. */
export type HeadingOptions = Pick<BenchOptions, 'durationSec' | 'connections'>;

function runsText(o: HeadingOptions, entries: readonly ResultEntry[]): string {
  const completed = Math.min(...entries.map((e) => e.summary.requestsPerSec.n));
  return `${plural(completed, 'run')} × ${o.durationSec} s, ${o.connections} connections`;
}

/** Aligns rows of cells in columns: the first left, the rest right. */
export function pad(cells: string[][]): string {
  const widths =
    cells[0]?.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length))) ?? [];
  return cells
    .map((row) =>
      row
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('   '),
    )
    .join('\n');
}

export interface TableStyle {
  bold(s: string): string;
  dim(s: string): string;
}

const PLAIN: TableStyle = { bold: (s) => s, dim: (s) => s };

/** Wraps text in an ANSI SGR code when `enabled`; the one place looplab writes colour. */
export const ansi =
  (enabled: boolean) =>
  (code: string, s: string): string =>
    enabled ? `\x1b[${code}m${s}\x1b[0m` : s;

/** Bold and dim for the terminal table, or nothing when colour is off. */
export function terminalStyle(color: boolean): TableStyle {
  const paint = ansi(color);
  return { bold: (s) => paint('1', s), dim: (s) => paint('2', s) };
}

/** `1 run`, `3 runs`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One scenario's terminal table and its verdict, ending with a blank line. */
export function formatScenarioTable(
  entries: readonly ResultEntry[],
  verdict: string | undefined,
  options: HeadingOptions,
  style: TableStyle = PLAIN,
): string {
  const first = entries[0] as ResultEntry;
  const out = [
    style.bold(first.scenario) +
      style.dim(`  ${paramsText(first)}  ·  ${runsText(options, entries)}`),
  ];
  const rows = [['', ...entries.map((e) => e.variant)]];
  for (const name of SHOWN)
    rows.push([metricLabel(name), ...entries.map((e) => formatSummary(name, e.summary[name]))]);
  out.push(pad(rows));
  if (verdict) out.push(`→ ${verdict}`);
  out.push('', '');
  return out.join('\n');
}

/** What follows the tables: the warnings, and how to read ±. */
export function formatTableFooter(warnings: readonly string[], style: TableStyle = PLAIN): string {
  const out = warnings.length > 0 ? [...warnings.map((w) => `warning: ${w}`), ''] : [];
  out.push(style.dim('± is the half-width of the 95% confidence interval over runs.'));
  return out.join('\n');
}

/** A terminal table per scenario, then its verdict and any warnings. */
export function formatTable(report: Report, style: TableStyle = PLAIN): string {
  const tables = [...groupByScenario(report.results)].map(([scenario, entries]) =>
    formatScenarioTable(
      entries,
      report.verdicts.find((v) => v.scenario === scenario)?.text,
      report.options,
      style,
    ),
  );
  return tables.join('') + formatTableFooter(report.warnings, style);
}

/** GitHub-flavoured Markdown, for a pull request or a step summary. */
export function formatMarkdown(report: Report): string {
  const e = report.environment;
  const out: string[] = [
    '## looplab benchmark',
    '',
    `Node ${e.node} · ${e.cpuModel} × ${e.cpuCount} · ${e.platform}/${e.arch} · ` +
      `${plural(report.options.runs, 'run')} per variant × ${report.options.durationSec} s, ${report.options.connections} connections, ` +
      `${report.options.warmupSec} s warm-up`,
    '',
  ];
  for (const [scenario, entries] of groupByScenario(report.results)) {
    const first = entries[0] as ResultEntry;
    out.push(
      `### ${scenario}`,
      '',
      `Parameters: \`${paramsText(first)}\` · ${runsText(report.options, entries)}`,
      '',
    );
    out.push(`| metric | ${entries.map((x) => x.variant).join(' | ')} |`);
    out.push(`|---|${entries.map(() => '---:').join('|')}|`);
    for (const name of SHOWN) {
      out.push(
        `| ${metricLabel(name)} | ${entries.map((x) => formatSummary(name, x.summary[name])).join(' | ')} |`,
      );
    }
    const verdict = report.verdicts.find((v) => v.scenario === scenario);
    if (verdict) out.push('', `**Verdict:** ${verdict.text}`);
    out.push('');
  }
  if (report.warnings.length > 0) out.push(...report.warnings.map((w) => `> ⚠️ ${w}`), '');
  out.push('_± is the half-width of the 95% confidence interval over runs._', '');
  return out.join('\n');
}

/** How looplab writes JSON, to a file or stdout: indented, one trailing newline. */
export const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export const formats = {
  table: (report: Report) => formatTable(report),
  markdown: formatMarkdown,
  json: (report: Report) => jsonText(report),
} as const;

export type FormatName = keyof typeof formats;
