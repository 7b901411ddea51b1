/// <reference lib="dom" />
/**
 * Draws a LiveView into the page: the figures in words, a chart per figure with a line per
 * variant (one legend for all, one time window, so they read down a column), and the stall list.
 * The charts are laid out at their box's real width, so their text is never scaled.
 */
import { esc } from '../../render/chart/escape.ts';
import { legendHtml } from '../../render/chart/legend.ts';
import { lineChart } from '../../render/chart/line-chart.ts';
import { CHARTED, type ChartedKey, type LiveView } from './view-model.ts';

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/**
 * A Now cell: the loop's utilisation to two decimals (`1.00` beside `0.14`, digits that line up),
 * anything else as `figure` gives it.
 */
export function nowFigure(key: string, x: number | null): string {
  return key === 'elu' && x !== null ? x.toFixed(2) : figure(x);
}

/** 3 significant figures, no float noise; a dash for a figure not measured. */
export function figure(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(3)));
}

// A frame's /ping timeouts are a count, not a series worth a chart: they show here only.
type NowKey = ChartedKey | 'pingTimeouts' | 'offeredPerSec';
const NOW_COLUMNS: [NowKey, string][] = [
  ['requestsPerSec', 'req/s'],
  ['latencyP99Ms', 'latency p99 (ms)'],
  ['lagP99Ms', 'lag p99 (ms)'],
  ['lagMaxMs', 'lag max (ms)'],
  ['pingP99Ms', '/ping p99 (ms)'],
  ['pingTimeouts', '/ping timeouts'],
  ['elu', 'ELU'],
  ['cpuCores', 'CPU (cores)'],
  ['rssBytes', 'RSS (MiB)'],
];

/**
 * The Now table's columns: under an open-model load (`--rate`), the rate offered beside the rate
 * achieved, and the latency said to be timed from each request's due time.
 */
export function nowColumns(openModel: boolean): [NowKey, string][] {
  if (!openModel) return NOW_COLUMNS;
  return [
    ['offeredPerSec', 'offered/s'],
    ['requestsPerSec', 'answered/s'],
    ['latencyP99Ms', 'latency p99 from due (ms)'],
    ...NOW_COLUMNS.slice(2),
  ];
}

function drawNow(view: LiveView): void {
  const NOW_COLUMNS = nowColumns(view.session?.rate != null);
  const table = byId('now');
  const head = `<tr><th scope="col">variant</th>${NOW_COLUMNS.map(([, label]) => `<th scope="col">${esc(label)}</th>`).join('')}</tr>`;
  (table.querySelector('thead') as HTMLElement).innerHTML = head;
  const rows = view.variants.map((v) => {
    const frame = view.latest[v] ?? null;
    const cells = NOW_COLUMNS.map(([key, label]) => {
      const raw = frame ? (frame[key] ?? null) : null;
      const value = raw !== null && key === 'rssBytes' ? raw / 1024 ** 2 : raw;
      // data-label names the figure beside it when a narrow screen lays the row out as tiles.
      return `<td data-variant="${esc(v)}" data-metric="${key}" data-label="${esc(label)}" data-value="${value ?? ''}">${nowFigure(key, value)}</td>`;
    });
    // --alternate: the row under load says so; the others' load figures are dashes (idle).
    const turn = view.turn?.variant === v;
    return `<tr data-variant="${esc(v)}"${turn ? ' data-turn="yes"' : ''}><th scope="row">${esc(v)}${turn ? ' <span class="muted">(its turn)</span>' : ''}</th>${cells.join('')}</tr>`;
  });
  (table.querySelector('tbody') as HTMLElement).innerHTML = rows.join('');
}

let legendFor = '';
let laidOut = '';

function drawCharts(view: LiveView): void {
  const box = byId('charts');
  const names = view.variants.join('\n');
  if (names !== legendFor) {
    legendFor = names;
    byId('legend').innerHTML = legendHtml(view.variants, 'line');
  }
  if (laidOut !== 'yes') {
    laidOut = 'yes';
    box.innerHTML = CHARTED.map(
      (c) =>
        `<figure data-metric="${c.key}"><figcaption>${esc(c.title)} <span class="muted">(${esc(c.unit)}${c.logY ? ', log scale' : ''})</span></figcaption><div class="chart-slot"></div></figure>`,
    ).join('');
  }
  const markers = view.markers.map((m) => ({ x: m.elapsedMs / 1000, label: m.text }));
  CHARTED.forEach((c, i) => {
    const slot = box.querySelector(`figure[data-metric="${c.key}"] .chart-slot`) as HTMLElement;
    // Every chart shades the silences; the first says what the newest one is (older labels
    // would pile up over each other, and the Now table and stall list keep the history).
    const bands = view.silences.map((s) => ({
      x0: s.fromMs / 1000,
      x1: s.toMs / 1000,
      label: i === 0 && s.newest ? s.label : '',
      series: view.variants.indexOf(s.variant),
    }));
    // Frames drawn, and none measured this figure (a lesson's runs read /ping per run, not per
    // frame): say so, where empty axes would look like a figure still to come.
    const points = view.variants.flatMap((v) => view.series[v]?.[c.key] ?? []);
    if (points.length > 0 && points.every(([, y]) => y === null)) {
      slot.innerHTML = `<p class="muted not-measured">Not measured in these frames.</p>`;
      return;
    }
    slot.innerHTML = lineChart({
      title: c.title,
      xUnit: 's since start',
      yUnit: c.unit,
      series: view.variants.map((v) => ({ label: v, points: view.series[v]?.[c.key] ?? [] })),
      width: Math.max(240, Math.round(slot.clientWidth)),
      plotHeight: 150,
      xDomain: view.windowS,
      logY: c.logY,
      bands,
      markers,
    });
  });
}

/** Stalls already drawn (by key), and those a reader opened, kept open across redraws. */
let stallsDrawn = '';
const opened = new Set<string>();
const stallKey = (s: LiveView['stalls'][number]) => `${s.variant}@${s.elapsedMs}`;

function drawStalls(view: LiveView): void {
  const keys = `${view.stalls.map(stallKey).join(' ')} +${view.olderStalls}`;
  if (keys === stallsDrawn) return;
  stallsDrawn = keys;
  const list = byId('stalls');
  list.innerHTML =
    view.stalls.length === 0
      ? '<li class="muted">No stall yet.</li>'
      : view.stalls
          .map((s, i) => {
            const key = stallKey(s);
            const open = opened.has(key);
            return `<li><button type="button" aria-expanded="${open}" aria-controls="stack-${i}" data-key="${esc(key)}"><strong>${esc(s.variant)}</strong> ${figure(s.ms)} ms at ${figure(s.elapsedMs / 1000)} s: <code>${esc(s.name)}</code></button><ol class="frames" id="stack-${i}"${open ? '' : ' hidden'}>${s.stack.map((f) => `<li>${esc(f)}</li>`).join('')}</ol></li>`;
          })
          .join('') +
        (view.olderStalls > 0 ? `<li class="muted older">and ${view.olderStalls} older</li>` : '');
}

/** One listener for the whole list: a click or Enter on a stall shows or hides its stack. */
export function setUpStallList(): void {
  byId('stalls').addEventListener('click', (ev) => {
    const button = (ev.target as HTMLElement).closest('button');
    if (!button) return;
    const key = button.dataset.key ?? '';
    const stack = document.getElementById(button.getAttribute('aria-controls') ?? '');
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    if (stack) stack.hidden = !open;
    if (open) opened.add(key);
    else opened.delete(key);
  });
}

function drawWarnings(view: LiveView): void {
  byId('warnings').innerHTML = view.warnings
    .map((w) => `<li>${w.variant ? `<strong>${esc(w.variant)}</strong>: ` : ''}${esc(w.text)}</li>`)
    .join('');
}

export function draw(view: LiveView): void {
  const s = view.session;
  byId('scenario').textContent = s
    ? s.lesson
      ? `· lesson ${s.lesson.number}, ${s.lesson.title} (${s.scenario})`
      : `· ${s.scenario ?? 'your server'}`
    : '';
  byId('shared-loop').hidden = !s?.sharedLoop;
  const status = byId('status');
  status.dataset.state = view.state;
  // The state alone is announced; the clock ticks silently beside it.
  const said = `${view.state}${view.stateReason ? ` (${view.stateReason})` : ''}`;
  if (status.textContent !== said) status.textContent = said;
  const turn = view.turn
    ? ` · ${view.turn.variant}'s turn, ${figure(Math.max(0, view.nowMs - view.turn.fromMs) / 1000)} s`
    : '';
  byId('clock').textContent =
    `${figure(view.nowMs / 1000)} s${s?.alternate ? ` · variants take turns under load${turn}` : ''}`;
  drawWarnings(view);
  drawNow(view);
  drawCharts(view);
  drawStalls(view);
}
