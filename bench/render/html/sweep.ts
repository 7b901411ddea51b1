/**
 * A sweep as one self-contained HTML page, as the bench report is (inline CSS and SVG, no
 * script, nothing fetched, the same CSP): what each variant took (knee and why, last good and
 * SLO rates, ceiling, M/D/1 at the knee), the curve (sweep-chart.ts), and each variant's steps
 * as a table under it, which is also the charts' data for a reader who cannot see them. Pure.
 */
import { formatNumber, plural } from '../../../core/numbers.ts';
import type { SweepReport, SweepVariant } from '../../sweep/types.ts';
import { chartBox, NARROW_WIDTH } from '../chart/box.ts';
import { esc } from '../chart/escape.ts';
import {
  ceilingText,
  failedRunLines,
  kneeRatioText,
  kneeText,
  lastGoodPerSec,
  numText,
  offeredText,
  optionsText,
  rateText,
  rateWords,
  runsNote,
  STEP_HEAD,
  shownSteps,
  targetText,
  theoryAtKneeText,
} from '../sweep-text.ts';
import { page, table, warningsBlock } from './render.ts';
import { achievedChart, latencyChart, SWEEP_CHART_CSS, sweepLegend } from './sweep-chart.ts';

const WIDE = 640;

function environmentList(report: SweepReport): string {
  const env = report.environment;
  const o = report.options;
  const items: [string, string][] = [
    ['Node', `${env.node} (V8 ${env.v8})`],
    [
      'machine',
      `${env.cpuModel} × ${env.cpuCount}, ${formatNumber(env.totalMemoryBytes / 1024 ** 3)} GiB, ${env.platform}/${env.arch}`,
    ],
    ['load average', env.loadAverage.map((x) => x.toFixed(2)).join(' / ')],
    ['looplab', `${env.looplabVersion}${env.gitCommit ? ` at ${env.gitCommit.slice(0, 12)}` : ''}`],
    ['sweep', optionsText(report)],
    [
      'load',
      `open model, ${o.arrivals} arrivals, up to ${plural(o.maxConnections, 'connection')}, timeout ${o.timeoutSec} s; /ping at ${o.pingRateHz}/s`,
    ],
    ['created', report.createdAt],
  ];
  return `<dl class="env">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

/** What a variant took, as a list: knee, last good rate, SLO rate, ceiling, theory. */
function summary(report: SweepReport, v: SweepVariant): string {
  const slo = report.options.slo;
  const items: [string, string][] = [
    ['knee', kneeText(v, report.options.k)],
    ['last good rate', rateWords(lastGoodPerSec(v))],
    ...(slo
      ? [
          [
            `SLO ${slo.text}`,
            v.slo?.medianPerSec == null ? 'no rate met it' : rateWords(v.slo.medianPerSec),
          ] as [string, string],
        ]
      : []),
    ['ceiling', ceilingText(v)],
  ];
  const theory = theoryAtKneeText(v);
  if (theory) items.push(['theory', theory]);
  for (const l of failedRunLines(v)) items.push(['failed', l]);
  return `<h3>${esc(v.label)}</h3><dl class="env">${items.map(([k, x]) => `<dt>${esc(k)}</dt><dd>${esc(x)}</dd>`).join('')}</dl>`;
}

// The Markdown's columns, and the prediction before who limited the step.
const HTML_STEP_HEAD = [...STEP_HEAD.slice(0, -1), 'M/D/1 mean (ms)', 'limited by'];

/** A variant's steps: the charts' data, and more. */
function stepsTable(v: SweepVariant): string {
  const rows = shownSteps(v).map((s) => {
    const theory = v.theory.find((t) => t.offeredPerSec === s.offeredPerSec);
    return [
      offeredText(s.offeredPerSec),
      rateText(s.achievedPerSec),
      numText(s.latencyMs?.p50 ?? null),
      numText(s.latencyMs?.p90 ?? null),
      numText(s.latencyMs?.p99 ?? null),
      numText(s.latencyMs?.p999 ?? null),
      numText(s.latencyMs?.max ?? null),
      numText(s.uncorrectedP99Ms),
      String(s.errors),
      String(s.timeouts),
      numText(s.elu),
      numText(s.lagP99Ms),
      numText(s.pingP99Ms),
      theory ? numText(theory.predictedMeanMs) : '–',
      s.limitedBy ?? '',
    ];
  });
  return table(`${v.label}: steps (${runsNote(v)})`, HTML_STEP_HEAD, rows);
}

/** The reasons a rate was not held, once each, with the rates. */
function limitedList(v: SweepVariant): string {
  const why = new Map<string, number[]>();
  for (const s of shownSteps(v))
    if (s.limitedBy !== null) {
      const text = `${s.limitedBy}: ${s.limitedWhy ?? `the ${s.limitedBy} could not hold the rate`}`;
      why.set(text, [...(why.get(text) ?? []), s.offeredPerSec]);
    }
  if (why.size === 0) return '';
  const items = [...why].map(
    ([text, rates]) => `<li>at ${esc(rates.map(offeredText).join(', '))} req/s, ${esc(text)}</li>`,
  );
  return `<ul class="diagnosis">${items.join('')}</ul>`;
}

function curve(report: SweepReport): string {
  const legend = sweepLegend(report);
  return [
    '<figure>',
    '<figcaption>Latency against offered rate (log–log; corrected for coordinated omission: timed from when each request was due). A vertical line is a ceiling, 1000 / the cost of one request; a ring is a knee.</figcaption>',
    chartBox(latencyChart(report, WIDE), latencyChart(report, NARROW_WIDTH), legend),
    '</figure>',
    '<figure>',
    '<figcaption>Achieved against offered rate: a rate held sits on the dashed diagonal; a server at its ceiling flattens under it.</figcaption>',
    chartBox(achievedChart(report, WIDE), achievedChart(report, NARROW_WIDTH)),
    '</figure>',
  ].join('\n');
}

export function renderSweepHtml(report: SweepReport): string {
  const title = `looplab sweep: ${targetText(report)}`;
  const ratio = kneeRatioText(report);
  const body = [
    `<header><h1>${esc(title)}</h1>`,
    environmentList(report),
    '</header>',
    report.complete ? '' : warningsBlock(['Interrupted: the page holds the steps that completed.']),
    warningsBlock(report.warnings),
    ratio ? `<p class="verdict">${esc(ratio)}.</p>` : '',
    ...report.variants.map((v) => summary(report, v)),
    '<section aria-labelledby="curve"><h2 id="curve">The curve</h2>',
    report.variants.some((v) => shownSteps(v).length > 0)
      ? curve(report)
      : '<p class="muted">No step completed: nothing to draw.</p>',
    '</section>',
    '<section aria-labelledby="steps"><h2 id="steps">Steps</h2>',
    ...report.variants.map((v) => stepsTable(v) + limitedList(v)),
    '</section>',
    '<footer><p class="muted">Each figure of a step is the median over its variant\'s completed runs; the JSON and the CSV hold every run. "p99 from send" times the same requests from when each was sent, as a closed-loop tool would. – means not measured. Written by looplab; works offline.</p></footer>',
  ];
  return page(title, `<main>${body.join('\n')}</main>`, SWEEP_CHART_CSS);
}
