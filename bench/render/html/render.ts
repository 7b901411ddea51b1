/**
 * The HTML report: one self-contained page (inline CSS, inline SVG, no script, nothing fetched)
 * per report, or base and head side by side. Pure: a report in, a string out.
 */
import { formatNumber, formatRate, plural, signedPct } from '../../../core/numbers.ts';
import type { Comparison } from '../../compare/compare.ts';
import { groupByScenario } from '../../report/build.ts';
import { NO_PROBE_TEXT } from '../../report/diagnosis.ts';
import { METRICS, type MetricName } from '../../report/metrics.ts';
import { inWholeMs } from '../../report/resolution.ts';
import type { Environment, Report, ResultEntry } from '../../report/types.ts';
import { type BarGroup, barChart, groupedLogBarChart } from '../chart/bar-chart.ts';
import { chartBox, NARROW_WIDTH } from '../chart/box.ts';
import { esc } from '../chart/escape.ts';
import { legendHtml } from '../chart/legend.ts';
import { type LineChartSpec, lineChart } from '../chart/line-chart.ts';
import { headline } from '../compare.ts';
import {
  entryHeading,
  formatParams,
  formatWholeMs,
  measuredMessages,
  roundingNote,
} from '../metric-text.ts';
import { ceilingText } from '../micro.ts';
import { stallsBlock } from './stalls.ts';
import { CSS } from './style.ts';

// No script may run and nothing may load: the page works offline and cannot phone home.
const CSP = "default-src 'none'; style-src 'unsafe-inline'";

/** A whole page around `body`: the CSP, the stylesheet (and `css`, a page's own rules), no script. */
export function page(title: string, body: string, css = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="color-scheme" content="light dark">
<title>${esc(title)}</title><style>${CSS}${css}</style></head>
<body>${body}</body></html>
`;
}

export function table(
  caption: string,
  head: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const tr = rows.map(
    (r) =>
      `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`,
  );
  return `<div class="table-wrap"><table><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${tr.join('')}</tbody></table></div>`;
}

/** The width the report's charts are laid out at on a wide screen; narrower ones get NARROW_WIDTH. */
const WIDE = 640;

/** A chart at both widths, the CSS showing the one that fits (chart/box.ts). */
const bothWidths = (draw: (width: number) => string, legend = '') =>
  chartBox(draw(WIDE), draw(NARROW_WIDTH), legend);

export function figure(caption: string, svg: string, data: string): string {
  return `<figure><figcaption>${esc(caption)}</figcaption>${svg}<details><summary>The chart's data as a table</summary>${data}</details></figure>`;
}

const num = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : formatNumber(x);

/** A WebSocket scenario's throughput is its deliveries; an HTTP one's, its requests. */
function throughputFigure(entries: readonly ResultEntry[]): string {
  const [metric, what, unit] = measuredMessages(entries)
    ? (['messagesDeliveredPerSec', 'Messages delivered per second', 'msg/s'] as const)
    : (['requestsPerSec', 'Requests per second', 'req/s'] as const);
  const bars = entries.map((e, i) => ({
    label: e.variant,
    value: e.summary[metric].mean,
    interval: e.summary[metric].ci95,
    series: i,
  }));
  const rows = entries.map((e) => {
    const s = e.summary[metric];
    return [e.variant, num(s.mean), num(s.ci95?.[0]), num(s.ci95?.[1]), String(s.n)];
  });
  return figure(
    `${what} (mean; whiskers: 95% confidence interval over runs)`,
    bothWidths((w) => barChart(`${what} by variant`, unit, bars, formatRate, w)),
    table(what, ['variant', `mean (${unit})`, '95% CI low', '95% CI high', 'runs'], rows),
  );
}

const PERCENTILES: MetricName[] = [
  'latencyP50Ms',
  'latencyP90Ms',
  'latencyP99Ms',
  'pingP50Ms',
  'pingP99Ms',
];

const MESSAGE_PERCENTILES: MetricName[] = [
  'deliveryP50Ms',
  'deliveryP99Ms',
  'pingP50Ms',
  'pingP99Ms',
];

/** The loop's lag, corrected for coordinated omission and raw, beside the latencies it causes. */
const LAG_PERCENTILES: MetricName[] = ['lagP50Ms', 'lagP99Ms', 'lagRawP50Ms', 'lagRawP99Ms'];

function latencyFigure(entries: readonly ResultEntry[]): string {
  const messages = measuredMessages(entries);
  const percentiles = [...(messages ? MESSAGE_PERCENTILES : PERCENTILES), ...LAG_PERCENTILES];
  const groups: BarGroup[] = percentiles.map((name) => ({
    label: METRICS[name].label,
    bars: entries.map((e, i) => ({ label: e.variant, value: e.summary[name].mean, series: i })),
  }));
  const rows = percentiles.map((name) => [
    METRICS[name].label,
    ...entries.map((e) => {
      const m = e.summary[name].mean;
      return m !== null && inWholeMs(e, name) ? formatWholeMs(m) : num(m);
    }),
  ]);
  const rounding = roundingNote(entries);
  const work = messages
    ? 'Delivery latency of the broadcasts'
    : `Latency of the work (${entries[0]?.target ? 'each path' : '/'})`;
  return (
    figure(
      `${work}, of the bystander /ping, and the event loop's lag (corrected for coordinated omission, and raw), percentiles (mean over runs)`,
      bothWidths(
        (w) => groupedLogBarChart('Latency percentiles by variant', 'ms', groups, formatNumber, w),
        legendHtml(
          entries.map((e) => e.variant),
          'box',
        ),
      ),
      table(
        'Latency percentiles (ms)',
        ['percentile', ...entries.map((e) => `${e.variant} (ms)`)],
        rows,
      ),
    ) + (rounding ? `<p class="muted">Latency: ${esc(rounding)}.</p>` : '')
  );
}

function timelineFigure(entries: readonly ResultEntry[]): string {
  if (entries.every((e) => e.target?.probe === false)) {
    return `<h3>Event-loop lag over the measured window</h3><p class="muted">${esc(NO_PROBE_TEXT)}</p>`;
  }
  const picked = entries.map((e) => ({
    entry: e,
    run: e.runs.find((r) => r.state === 'completed' && r.timeline.length > 0),
  }));
  const series: LineChartSpec['series'] = picked.map(({ entry, run }) => ({
    label: run ? `${entry.variant} (run ${run.run})` : `${entry.variant} (no timeline)`,
    points:
      run?.state === 'completed'
        ? run.timeline.map((p) => [p.tMs / 1000, p.lagMaxMs] as const)
        : [],
  }));
  const rows = picked.flatMap(({ entry, run }) =>
    run?.state === 'completed'
      ? run.timeline.map((p) => [
          entry.variant,
          formatNumber(p.tMs / 1000),
          formatNumber(p.lagMaxMs),
          formatNumber(p.elu),
        ])
      : [[entry.variant, '–', '–', '–']],
  );
  return figure(
    'Event-loop lag over the measured window (largest delay per interval; first completed run of each variant)',
    bothWidths(
      (width) =>
        lineChart({
          title: 'Event-loop lag timeline',
          xUnit: 'seconds into the window',
          yUnit: 'lag (ms)',
          series,
          width,
        }),
      legendHtml(
        series.map((s) => s.label),
        'line',
      ),
    ),
    table(
      'Event-loop lag timeline',
      ['variant', 'time (s)', 'largest lag (ms)', 'utilisation'],
      rows,
    ),
  );
}

function ceilingLine(report: Report, entries: readonly ResultEntry[]): string {
  const scenario = entries[0]?.scenario;
  const c = report.ceilings?.find((x) => x.scenario === scenario);
  const sync = entries.find((e) => e.variant === 'sync')?.summary.requestsPerSec.mean;
  if (!c) return '';
  const unit = measuredMessages(entries) ? 'msg/s' : 'req/s';
  const measured =
    sync === null || sync === undefined ? '' : `sync ${ceilingText(sync, c.ceilingPerSec, unit)}: `;
  return `<p>${esc(measured)}one call of <em>${esc(c.operation)}</em> costs ${esc(formatNumber(c.meanMs))} ms ±${esc(formatNumber(c.rmePct))}% (tinybench, ${esc(plural(c.samples, 'call'))}), so one event loop can finish at most ${esc(formatRate(c.ceilingPerSec))} ${unit}.</p>`;
}

function diagnosisList(entries: readonly ResultEntry[]): string {
  const items = entries.flatMap((e) => {
    if (!e.diagnosis) return [];
    const cls =
      e.diagnosis.healthy === false ? 'unhealthy' : e.diagnosis.healthy ? 'healthy' : 'muted';
    return [
      `<li><strong>${esc(e.variant)}</strong>: <span class="${cls}">${esc(e.diagnosis.text)}</span></li>`,
    ];
  });
  return items.length > 0 ? `<h3>Diagnosis</h3><ul class="diagnosis">${items.join('')}</ul>` : '';
}

/** One scenario of one report: verdict, ceiling, diagnosis and the three charts. */
function scenarioBody(report: Report, entries: readonly ResultEntry[]): string {
  const scenario = entries[0]?.scenario;
  const verdict = report.verdicts.find((v) => v.scenario === scenario)?.text;
  return [
    entries[0]?.target
      ? `<p class="muted">Target: <code>${esc(entryHeading(entries[0]))}</code></p>`
      : `<p class="muted">Parameters: <code>${esc(formatParams(entries[0]?.params ?? {}) || 'none')}</code></p>`,
    verdict ? `<p class="verdict">${esc(verdict)}</p>` : '',
    ceilingLine(report, entries),
    diagnosisList(entries),
    stallsBlock(entries),
    throughputFigure(entries),
    latencyFigure(entries),
    timelineFigure(entries),
  ].join('\n');
}

function environmentList(env: Environment, report: Report): string {
  const o = report.options;
  const items: [string, string][] = [
    ['Node', `${env.node} (V8 ${env.v8})`],
    [
      'machine',
      `${env.cpuModel} × ${env.cpuCount}, ${formatNumber(env.totalMemoryBytes / 1024 ** 3)} GiB, ${env.platform}/${env.arch}`,
    ],
    ['load average', env.loadAverage.map((x) => x.toFixed(2)).join(' / ')],
    [
      'threadpool',
      env.uvThreadpoolSize === null ? 'libuv default (4)' : String(env.uvThreadpoolSize),
    ],
    ...(env.nodeOptions ? [['NODE_OPTIONS', env.nodeOptions] as [string, string]] : []),
    ['looplab', `${env.looplabVersion}${env.gitCommit ? ` at ${env.gitCommit.slice(0, 12)}` : ''}`],
    [
      'runs',
      `${plural(o.runs, 'run')} per variant × ${o.durationSec} s after ${o.warmupSec} s warm-up, ${o.connections} connections, /ping at ${o.pingRateHz}/s`,
    ],
    ['created', report.createdAt],
  ];
  return `<dl class="env">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

export function warningsBlock(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return `<div class="verdict warn" role="note"><strong>Warnings</strong><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`;
}

/** One report as a self-contained HTML page. */
export function renderReportHtml(report: Report): string {
  const sections = [...groupByScenario(report.results)].map(
    ([scenario, entries]) =>
      `<section aria-labelledby="sc-${esc(scenario)}"><h2 id="sc-${esc(scenario)}">${esc(scenario)}</h2>\n${scenarioBody(report, entries)}</section>`,
  );
  const body = [
    '<header><h1>looplab benchmark</h1>',
    environmentList(report.environment, report),
    '</header>',
    warningsBlock(report.warnings),
    ...sections,
    '<footer><p class="muted">± and whiskers are 95% confidence intervals over runs (Student\'s t). Written by looplab; works offline.</p></footer>',
  ];
  return page(`looplab report ${report.createdAt}`, `<main>${body.join('\n')}</main>`);
}

/**
 * The part of compare's Comparison (bench/compare.ts, `compareReports`) that the diff page shows;
 * structural, so a Comparison passes as it is.
 */
const CHANGE_METRICS: MetricName[] = [
  'requestsPerSec',
  'latencyP99Ms',
  'deliveryP99Ms',
  'pingP99Ms',
  'lagP99Ms',
  'lagRawP99Ms',
  'lagMaxMs',
  'elu',
];

/** Mean head vs mean base per variant and metric: what the page shows without compare's statistics. */
function changeTable(base: readonly ResultEntry[], head: readonly ResultEntry[]): string {
  const rows: string[][] = [];
  for (const h of head) {
    const b = base.find((x) => x.variant === h.variant);
    if (!b) continue;
    for (const name of CHANGE_METRICS) {
      // Absent in an older report; null where neither measured it (an HTTP scenario's delivery).
      const bm = b.summary[name]?.mean ?? null;
      const hm = h.summary[name]?.mean ?? null;
      if (bm === null && hm === null) continue;
      const change = bm === null || hm === null || bm === 0 ? '–' : signedPct(hm / bm - 1);
      rows.push([
        `${h.variant} ${METRICS[name].label}`,
        num(bm),
        num(hm),
        change,
        METRICS[name].better,
      ]);
    }
  }
  return table(
    'Change of the means, head vs base (no statistics: see looplab compare)',
    ['metric', 'base', 'head', 'change', 'better'],
    rows,
  );
}

/** compare's verdict per metric: the change, its 95% interval, stars and why. */
function compareTable(rows: Comparison['rows']): string {
  const cells = rows.map((r) => [
    `${r.variant} ${METRICS[r.metric].label}`,
    r.change === null ? '–' : `${signedPct(r.change)}${r.stars}`,
    r.changeCi95 ? `${signedPct(r.changeCi95[0])} to ${signedPct(r.changeCi95[1])}` : '–',
    r.verdict,
    r.reason,
  ]);
  return table(
    "compare's verdicts, head vs base (Welch's t-test, Holm-corrected)",
    ['metric', 'change', '95% CI', 'verdict', 'why'],
    cells,
  );
}

/**
 * Two reports side by side, scenario by scenario, with compare's verdicts when given, else the
 * plain change of each mean.
 */
export function renderDiffHtml(base: Report, head: Report, comparison?: Comparison): string {
  const baseGroups = groupByScenario(base.results);
  const headGroups = groupByScenario(head.results);
  const scenarios = [...new Set([...baseGroups.keys(), ...headGroups.keys()])];
  const column = (label: string, report: Report, entries: ResultEntry[] | undefined) =>
    `<div><h3>${esc(label)}</h3>${entries ? scenarioBody(report, entries) : '<p class="muted">not in this report</p>'}</div>`;
  const sections = scenarios.map((scenario) => {
    const b = baseGroups.get(scenario);
    const h = headGroups.get(scenario);
    const rows = comparison?.rows.filter((r) => r.scenario === scenario) ?? [];
    const changes = comparison ? compareTable(rows) : b && h ? changeTable(b, h) : '';
    return [
      `<section aria-labelledby="sc-${esc(scenario)}"><h2 id="sc-${esc(scenario)}">${esc(scenario)}</h2>`,
      changes,
      `<div class="side">${column('base', base, b)}${column('head', head, h)}</div></section>`,
    ].join('\n');
  });
  const body = [
    '<header><h1>looplab: base vs head</h1>',
    `<div class="side"><div><h3>base</h3>${environmentList(base.environment, base)}</div><div><h3>head</h3>${environmentList(head.environment, head)}</div></div>`,
    '</header>',
    // The gate's answer first, as compare prints it: the page is often opened to learn just that.
    comparison
      ? `<p class="verdict"><strong>${comparison.regressions.length > 0 ? '✗' : '✓'} ${esc(headline(comparison))}</strong></p>`
      : '',
    warningsBlock([
      ...(comparison?.warnings ?? []),
      ...base.warnings.map((w) => `base: ${w}`),
      ...head.warnings.map((w) => `head: ${w}`),
    ]),
    ...sections,
  ];
  return page(`looplab: ${base.createdAt} vs ${head.createdAt}`, `<main>${body.join('\n')}</main>`);
}
