/**
 * A sweep as CSV (RFC 4180: a header row, CRLF line ends, a field with a comma, a quote or a line
 * break quoted, its quotes doubled): one row per run × variant × step, every figure of the step
 * flattened into a column of its own, at the precision the JSON keeps. A figure not measured is
 * an empty cell, never 0. Pure. The columns are documented in docs/sweep-outputs.md.
 */
import type {
  LatencyPercentiles,
  SweepReport,
  SweepRun,
  SweepStep,
  SweepVariant,
} from '../sweep/types.ts';

type Cell = string | number | null;

const PERCENTILES: readonly Exclude<keyof LatencyPercentiles, 'min'>[] = [
  'p50',
  'p90',
  'p99',
  'p999',
  'max',
];

const latency = (prefix: string, pick: (s: SweepStep) => LatencyPercentiles | null) =>
  PERCENTILES.map((p) => [`${prefix}_${p}_ms`, (s: SweepStep) => pick(s)?.[p] ?? null] as const);

/** The step's columns, in order: name, and how to read it from a step. */
const STEP_COLUMNS: readonly (readonly [string, (s: SweepStep) => Cell])[] = [
  ['offered_per_sec', (s) => s.offeredPerSec],
  ['arrived_per_sec', (s) => s.arrivedPerSec],
  ['achieved_per_sec', (s) => s.achievedPerSec],
  ['due', (s) => s.due],
  ['sent', (s) => s.sent],
  ['answered', (s) => s.answered],
  ...latency('latency', (s) => s.latencyMs),
  ...latency('uncorrected_latency', (s) => s.uncorrectedLatencyMs),
  ['errors', (s) => s.errors],
  ['timeouts', (s) => s.timeouts],
  ['elu', (s) => s.elu],
  ['lag_p99_ms', (s) => s.lagP99Ms],
  ['ping_p99_ms', (s) => s.pingP99Ms],
  ['limited_by', (s) => s.limitedBy],
  ['limited_why', (s) => s.limitedWhy],
  ['generator_elu', (s) => s.generator.elu],
  ['generator_send_lag_p99_ms', (s) => s.generator.sendLagP99Ms],
  ['generator_send_lag_max_ms', (s) => s.generator.sendLagMaxMs],
  ['generator_connections', (s) => s.generator.connections],
  ['generator_max_connections', (s) => s.generator.maxConnections],
];

/** The columns that say which run, variant and step a row is. */
const ROW_COLUMNS: readonly (readonly [
  string,
  (v: SweepVariant, r: SweepRun, i: number) => Cell,
])[] = [
  ['variant', (v) => v.variant],
  ['run', (_, r) => r.run],
  ['run_state', (_, r) => r.state],
  ['step', (_, __, i) => i + 1],
];

/** Every column's name, in order: what docs/sweep-outputs.md lists. */
export const SWEEP_CSV_COLUMNS: readonly string[] = [
  ...ROW_COLUMNS.map(([name]) => name),
  ...STEP_COLUMNS.map(([name]) => name),
];

/** One field, quoted when RFC 4180 asks for it; null is an empty field. */
export function csvField(x: Cell): string {
  if (x === null) return '';
  const s = String(x);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const line = (cells: readonly Cell[]) => `${cells.map(csvField).join(',')}\r\n`;

export function formatSweepCsv(report: SweepReport): string {
  let out = line(SWEEP_CSV_COLUMNS);
  for (const v of report.variants)
    for (const r of v.runs)
      r.steps.forEach((s, i) => {
        out += line([
          ...ROW_COLUMNS.map(([, read]) => read(v, r, i)),
          ...STEP_COLUMNS.map(([, read]) => read(s)),
        ]);
      });
  return out;
}
