/**
 * The per-run metrics of a report: their names, units and which direction is better.
 *
 * The unit is in every name (`lagP99Ms`, `rssMaxBytes`) so that no reader has to guess.
 */

export interface MetricSpec {
  unit: 'req/s' | 'msg/s' | 'B/s' | 'ms' | 'count' | 'ratio' | 'bytes';
  better: 'higher' | 'lower';
  label: string;
  /** false: shown by compare, never judged (a total that grows with the work served). */
  judged?: false;
}

export const METRICS = {
  requestsPerSec: { unit: 'req/s', better: 'higher', label: 'throughput' },
  bytesPerSec: { unit: 'B/s', better: 'higher', label: 'bytes/s' },
  latencyP50Ms: { unit: 'ms', better: 'lower', label: 'latency p50' },
  latencyP90Ms: { unit: 'ms', better: 'lower', label: 'latency p90' },
  latencyP99Ms: { unit: 'ms', better: 'lower', label: 'latency p99' },
  latencyMaxMs: { unit: 'ms', better: 'lower', label: 'latency max' },
  ttfbP50Ms: { unit: 'ms', better: 'lower', label: 'first byte p50' },
  ttfbP99Ms: { unit: 'ms', better: 'lower', label: 'first byte p99' },
  messagesSentPerSec: { unit: 'msg/s', better: 'higher', label: 'messages sent' },
  messagesDeliveredPerSec: { unit: 'msg/s', better: 'higher', label: 'messages delivered' },
  deliveryP50Ms: { unit: 'ms', better: 'lower', label: 'delivery p50' },
  deliveryP99Ms: { unit: 'ms', better: 'lower', label: 'delivery p99' },
  deliveryMaxMs: { unit: 'ms', better: 'lower', label: 'delivery max' },
  messagesLate: { unit: 'count', better: 'lower', label: 'late messages' },
  messagesDropped: { unit: 'count', better: 'lower', label: 'dropped messages' },
  errors: { unit: 'count', better: 'lower', label: 'errors' },
  timeouts: { unit: 'count', better: 'lower', label: 'timeouts' },
  non2xx: { unit: 'count', better: 'lower', label: 'non-2xx' },
  pingP50Ms: { unit: 'ms', better: 'lower', label: '/ping p50' },
  pingP99Ms: { unit: 'ms', better: 'lower', label: '/ping p99' },
  pingMaxMs: { unit: 'ms', better: 'lower', label: '/ping max' },
  pingErrors: { unit: 'count', better: 'lower', label: '/ping errors' },
  // Corrected for coordinated omission (scenarios/probe/lag-histograms.ts); the raw ones beside.
  lagP50Ms: { unit: 'ms', better: 'lower', label: 'loop lag p50' },
  lagP99Ms: { unit: 'ms', better: 'lower', label: 'loop lag p99' },
  lagRawP50Ms: { unit: 'ms', better: 'lower', label: 'raw loop lag p50' },
  lagRawP99Ms: { unit: 'ms', better: 'lower', label: 'raw loop lag p99' },
  lagMaxMs: { unit: 'ms', better: 'lower', label: 'loop lag max' },
  elu: { unit: 'ratio', better: 'lower', label: 'loop utilisation' },
  // Totals over the window: under closed-loop load a variant that serves more uses more, so
  // compare shows them but judges the CPU each request cost instead.
  cpuUserMs: { unit: 'ms', better: 'lower', label: 'CPU user', judged: false },
  cpuSystemMs: { unit: 'ms', better: 'lower', label: 'CPU system', judged: false },
  cpuPerRequestMs: { unit: 'ms', better: 'lower', label: 'CPU per request' },
  rssMaxBytes: { unit: 'bytes', better: 'lower', label: 'peak RSS' },
  // Counted by the upstream a scenario calls (scenarios/upstream/); null for every other scenario.
  upstreamCallsPerRequest: { unit: 'ratio', better: 'lower', label: 'upstream calls/request' },
  upstreamConnectionsPerRequest: {
    unit: 'ratio',
    better: 'lower',
    label: 'upstream connections/request',
  },
  upstreamAnswerP50Ms: { unit: 'ms', better: 'lower', label: 'upstream answer p50' },
  // Calls waiting together: one per connection when a request makes them one after another.
  upstreamMaxInFlight: { unit: 'count', better: 'higher', label: 'upstream calls at once, max' },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;

/** Whether compare judges a metric; a total over the window is shown, not judged. */
export const isJudged = (name: MetricName): boolean =>
  (METRICS[name] as MetricSpec).judged !== false;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** The metrics only a WebSocket scenario's runs measure (null for HTTP). */
export const MESSAGE_METRICS: readonly MetricName[] = [
  'messagesSentPerSec',
  'messagesDeliveredPerSec',
  'deliveryP50Ms',
  'deliveryP99Ms',
  'deliveryMaxMs',
  'messagesLate',
  'messagesDropped',
];

/**
 * Metrics added after the first reports were written: optional in the schema, so those reports
 * still read, and filled in as not measured when they are read (read.ts).
 */
export const LATER_METRICS: readonly MetricName[] = [
  // Schema version 2; read.ts moves a version-1 report's lag figures here (they were raw).
  'lagRawP50Ms',
  'lagRawP99Ms',
  'ttfbP50Ms',
  'ttfbP99Ms',
  ...MESSAGE_METRICS,
  'upstreamCallsPerRequest',
  'upstreamConnectionsPerRequest',
  'upstreamAnswerP50Ms',
  'upstreamMaxInFlight',
  'cpuPerRequestMs',
];

/**
 * Metrics whose run field every report has, but whose summary came later: optional among the
 * summaries only, and summarised when an older report is read (read.ts).
 */
export const LATER_SUMMARIES: readonly MetricName[] = ['pingErrors'];

/** Shown in a table only where some variant measured them: the scenarios with an upstream. */
export const UPSTREAM_METRICS: readonly MetricName[] = [
  'upstreamCallsPerRequest',
  'upstreamConnectionsPerRequest',
  'upstreamAnswerP50Ms',
  'upstreamMaxInFlight',
];
