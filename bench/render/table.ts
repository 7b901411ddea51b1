/**
 * The terminal table of a report: one table per scenario, its verdict, its ceiling and diagnosis
 * lines, then the warnings. Pure: returns a string and writes nothing.
 */
import { formatMs, formatPct, plural } from '../../core/numbers.ts';
import { plainLine } from '../../core/plain-text.ts';
import { groupByScenario } from '../report/build.ts';
import type {
  BenchOptions,
  MicroResult,
  Report,
  ResultEntry,
  SentinelSummary,
} from '../report/types.ts';
import {
  entryHeading,
  formatEntrySummary,
  measuredMessages,
  metricLabel,
  shownMetrics,
} from './metric-text.ts';
import { scenarioNotes } from './notes.ts';
import { PLAIN_STYLE, type TableStyle } from './terminal-style.ts';

/** The options a scenario's heading quotes. */
export type HeadingOptions = Pick<BenchOptions, 'durationSec' | 'connections'>;

/**
 * `3 runs × 3 s, 10 connections`: how many runs completed, and how each was loaded; a WebSocket
 * scenario's clients and rate are among its parameters. A variant that completed fewer (its
 * other runs failed) is named: `1 run × 1 s (/fault: 0 completed), …`.
 */
export function runsText(o: HeadingOptions, entries: readonly ResultEntry[]): string {
  const most = Math.max(...entries.map((e) => e.summary.requestsPerSec.n));
  const fewer = entries
    .filter((e) => e.summary.requestsPerSec.n < most)
    .map((e) => `${e.variant}: ${e.summary.requestsPerSec.n}`);
  const short = fewer.length > 0 ? ` (${fewer.join(', ')} completed)` : '';
  const load = measuredMessages(entries) ? 'over WebSocket' : `${o.connections} connections`;
  return `${plural(most, 'run')} × ${o.durationSec} s${short}, ${load}`;
}

/**
 * Aligns rows of cells in columns: the first left, the rest right. Each cell on one plain line
 * (plainLine): a name with a newline or a tab in it would break its row.
 */
export function pad(rawCells: string[][]): string {
  const cells = rawCells.map((row) => row.map(plainLine));
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

/** One scenario's terminal table and its verdict, ending with a blank line. */
export function formatScenarioTable(
  entries: readonly ResultEntry[],
  verdict: string | undefined,
  options: HeadingOptions,
  style: TableStyle = PLAIN_STYLE,
): string {
  const first = entries[0] as ResultEntry;
  const out = [
    style.bold(plainLine(first.scenario)) +
      style.dim(plainLine(`  ${entryHeading(first)}  ·  ${runsText(options, entries)}`)),
  ];
  const rows = [['', ...entries.map((e) => e.variant)]];
  for (const name of shownMetrics(entries))
    rows.push([metricLabel(name), ...entries.map((e) => formatEntrySummary(e, name))]);
  out.push(pad(rows));
  if (verdict) out.push(`→ ${verdict}`);
  out.push('', '');
  return out.join('\n');
}

/** One scenario as bench prints it once its runs are done: the table, then the ceiling and diagnosis lines. */
export function formatScenario(
  entries: readonly ResultEntry[],
  verdict: string | undefined,
  ceiling: MicroResult | undefined,
  options: HeadingOptions,
  style: TableStyle = PLAIN_STYLE,
): string {
  return `${formatScenarioTable(entries, verdict, options, style).trimEnd()}\n${scenarioNotes(entries, ceiling)}`;
}

/** `machine speed: sentinel 1.31 ms a run, CV 2.1% over 12 runs (…)`, or '' without one. */
export function sentinelText(sentinel: SentinelSummary | undefined): string {
  if (!sentinel || sentinel.meanMs === null) return '';
  const took = `machine speed: the sentinel took ${formatMs(sentinel.meanMs)} a run`;
  if (sentinel.cv === null) return `${took} (one run: no noise figure)`;
  return `${took}, CV ${formatPct(sentinel.cv)} over ${plural(sentinel.n, 'run')} (the machine's own noise over this benchmark)`;
}

/** What follows the tables: the warnings, the machine's speed, and how to read ±. */
export function formatTableFooter(
  warnings: readonly string[],
  style: TableStyle = PLAIN_STYLE,
  sentinel?: SentinelSummary,
): string {
  const out = warnings.length > 0 ? [...warnings.map((w) => `warning: ${w}`), ''] : [];
  const machine = sentinelText(sentinel);
  if (machine) out.push(style.dim(machine));
  out.push(style.dim('± is the half-width of the 95% confidence interval over runs.'));
  return out.join('\n');
}

/** A terminal table per scenario with its verdict, ceiling and diagnosis, then the footer. */
export function formatTable(
  report: Report,
  style: TableStyle = PLAIN_STYLE,
  footer = true,
): string {
  const blocks = [...groupByScenario(report.results)].map(
    ([scenario, entries]) =>
      `${formatScenario(
        entries,
        report.verdicts.find((v) => v.scenario === scenario)?.text,
        report.ceilings?.find((c) => c.scenario === scenario),
        report.options,
        style,
      )}\n`,
  );
  return (
    blocks.join('') + (footer ? formatTableFooter(report.warnings, style, report.sentinel) : '')
  );
}
