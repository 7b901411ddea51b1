/**
 * A metric as a person reads it: its label with the unit it is shown in, its value scaled to
 * that unit, a summary as `mean ±half-width`. Pure; shared by the table, the Markdown, the HTML,
 * compare and the lessons.
 */
import { formatNumber } from '../../core/numbers.ts';
import { MESSAGE_METRICS, METRICS, type MetricName, UPSTREAM_METRICS } from '../report/metrics.ts';
import { inWholeMs, LATENCY_METRICS } from '../report/resolution.ts';
import type { ResultEntry } from '../report/types.ts';
import type { Summary } from '../stats/descriptive.ts';

/** What every table shows of the loop, the bystander and the server's costs. */
const LOOP_METRICS: readonly MetricName[] = [
  'pingP99Ms',
  'lagP99Ms',
  'lagRawP99Ms',
  'lagMaxMs',
  'elu',
  'cpuUserMs',
  // Beside the total, which grows with the work served: what each request cost.
  'cpuPerRequestMs',
  'rssMaxBytes',
];

/** The metrics a person reads in a table; the JSON report holds all of them. */
export const SHOWN_METRICS: readonly MetricName[] = [
  'requestsPerSec',
  'latencyP50Ms',
  'latencyP99Ms',
  'ttfbP50Ms',
  ...LOOP_METRICS,
  'errors',
  'timeouts',
];

/** A WebSocket scenario's table: its messages where an HTTP one shows its requests. */
export const SHOWN_MESSAGE_METRICS: readonly MetricName[] = [
  ...MESSAGE_METRICS,
  ...LOOP_METRICS,
  'errors',
];

/** Whether these entries measured messages (a WebSocket scenario) rather than requests. */
export const measuredMessages = (entries: readonly Pick<ResultEntry, 'summary'>[]): boolean =>
  entries.some((e) => (e.summary.messagesSentPerSec?.n ?? 0) > 0);

/**
 * The rows of one scenario's table: its messages or its requests, then the upstream's metrics
 * when a variant measured them (a scenario that calls an upstream), so other tables gain no empty
 * rows.
 */
export function shownMetrics(entries: readonly Pick<ResultEntry, 'summary'>[]): MetricName[] {
  if (measuredMessages(entries)) return [...SHOWN_MESSAGE_METRICS];
  const measured = (name: MetricName) => entries.some((e) => (e.summary[name]?.n ?? 0) > 0);
  // Failed pings count at the timeout in the /ping percentiles: when there were any, say so.
  const pingsFailed = entries.some((e) => (e.summary.pingErrors?.max ?? 0) > 0);
  return [
    ...SHOWN_METRICS,
    ...(pingsFailed ? (['pingErrors'] as const) : []),
    ...UPSTREAM_METRICS.filter(measured),
  ];
}

const UNIT_SUFFIX: Record<string, string> = {
  'req/s': ' (req/s)',
  'msg/s': ' (msg/s)',
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

/**
 * A figure recorded in whole milliseconds, as precise as it is: a whole value whole (`1`, not
 * `1.00`), a mean of several one decimal under 10 ms (`1.3`), else as any number.
 */
export function formatWholeMs(x: number): string {
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return Math.abs(x) < 10 ? x.toFixed(1) : formatNumber(x);
}

/**
 * `mean ±half-width of the 95% interval`, or the bare mean when there is no interval. With
 * `wholeMs` (autocannon's latencies), as formatWholeMs, and no `±0`: runs that all read one
 * whole millisecond still differ by up to one, which a zero-width interval would hide.
 */
export function formatSummary(name: MetricName, s: Summary, wholeMs = false): string {
  if (s.mean === null) return '–';
  if (wholeMs) {
    const half = s.ci95 ? (s.ci95[1] - s.ci95[0]) / 2 : 0;
    return half > 0 ? `${formatWholeMs(s.mean)} ±${formatWholeMs(half)}` : formatWholeMs(s.mean);
  }
  // Whole counts (errors, timeouts) read as counts, not as 0.00.
  const whole = METRICS[name].unit === 'count' && Number.isInteger(s.mean);
  const mean = whole ? String(s.mean) : formatNumber(scale(name, s.mean));
  if (!s.ci95) return mean;
  return `${mean} ±${formatNumber(scale(name, (s.ci95[1] - s.ci95[0]) / 2))}`;
}

/** An entry's summary of `name` as a table cell: whole-ms latencies as whole milliseconds. */
export function formatEntrySummary(
  entry: Pick<ResultEntry, 'runs' | 'summary'>,
  name: MetricName,
): string {
  return formatSummary(name, entry.summary[name], inWholeMs(entry, name));
}

/**
 * Under 10 ms a latency rounded down to whole milliseconds is off by 10% or more, and it can
 * read below the first byte, which is timed to the µs (latency 1 beside first byte 1.77): then
 * a table says how it rounds; '' when no entry's whole-ms latency is that small.
 */
export function roundingNote(entries: readonly Pick<ResultEntry, 'runs' | 'summary'>[]): string {
  const decides = entries.some((e) => {
    if (!inWholeMs(e, 'latencyP50Ms')) return false;
    const latency = e.summary.latencyP50Ms.mean;
    const firstByte = e.summary.ttfbP50Ms?.mean ?? null;
    return latency !== null && (latency < 10 || (firstByte !== null && latency < firstByte));
  });
  return decides
    ? 'autocannon records latency in whole milliseconds, rounded down (1 means 1 to 2 ms); first byte and /ping are timed to the µs'
    : '';
}

/** `throughput (req/s)`, `peak RSS (MiB)`: the label with the unit it is shown in. */
export function metricLabel(name: MetricName): string {
  const spec = METRICS[name];
  return `${spec.label}${UNIT_SUFFIX[spec.unit] ?? ''}`;
}

/** A metric's value with its unit, as a learner reads it: `4.48 ms`, `454 req/s`. */
export function formatMetric(metric: MetricName, x: number | null): string {
  if (x === null) return 'not measured';
  const unit = METRICS[metric].unit;
  if (unit === 'bytes') return `${formatNumber(x / 1024 ** 2)} MiB`;
  // Whole counts read as counts, as in the tables: 10 calls, not 10.0; a latency autocannon
  // recorded in whole milliseconds, as one: 1 ms, not 1.00 ms.
  if (unit === 'count' && Number.isInteger(x)) return String(x);
  if (LATENCY_METRICS.includes(metric) && Number.isInteger(x)) return `${formatWholeMs(x)} ms`;
  if (unit === 'ratio' || unit === 'count') return formatNumber(x);
  return `${formatNumber(x)} ${unit}`;
}

/** `ms=20 chunk=10000`: a scenario's parameters as they are written on the command line. */
/** What a table's heading says of an entry: a scenario's parameters, an app's command or URL. */
export function entryHeading(entry: Pick<ResultEntry, 'params' | 'target'>): string {
  if (!entry.target) return formatParams(entry.params);
  return entry.target.command ?? entry.target.url ?? '';
}

export function formatParams(params: Readonly<Record<string, number>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
