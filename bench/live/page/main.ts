/// <reference lib="dom" />
/**
 * The live page's entry: reads the token from its own address, follows /events (server-sent
 * events; the browser resumes with Last-Event-ID after a drop, and a reload gets the history from
 * looplab's ring buffer), folds each event into the view model, and redraws at most once a frame,
 * and four times a second while running, so a silence's band grows even when no event comes.
 */
import type { LiveEvent } from '../events.ts';
import { setUpControls } from './controls.ts';
import { draw, setUpStallList } from './draw.ts';
import { addEvent, createModel, viewAt } from './view-model.ts';

const EVENT_TYPES: LiveEvent['type'][] = [
  'session',
  'frame',
  'stall',
  'marker',
  'turn',
  'state',
  'warning',
];
const TICK_MS = 250;

const token = new URLSearchParams(location.search).get('token') ?? '';
const model = createModel();
const controls = setUpControls(token);
// The saved copy comes from looplab, which holds the whole history (the page may have opened late).
(document.getElementById('save') as HTMLAnchorElement).href =
  `/save?token=${encodeURIComponent(token)}`;
setUpStallList();
const main = document.getElementById('live') as HTMLElement;

/** When the newest event arrived here: the session's clock runs on from it while running. */
let lastArrival = performance.now();
let frames = 0;
let pending = false;

/** The session's elapsed time now: the newest event's, plus what has passed since it came. */
const nowMs = () =>
  model.lastElapsedMs + (model.state === 'running' ? performance.now() - lastArrival : 0);

/**
 * Each variant's newest frame as first drawn: how long after its window closed (by the server's
 * clock, on this same machine) it reached the page, and the page had drawn it. Kept on the Now
 * table's row as data-frame-elapsed-ms, data-arrived-delay-ms and data-drawn-delay-ms, so a test
 * can read the frame-to-page delay, and tell the page's own share of it.
 */
const drawnDelays = new Map<
  string,
  { elapsedMs: number; arrivedMs: number | null; delayMs: number }
>();
/** When each variant's newest frame arrived (Date.now()). */
const arrivals = new Map<string, { elapsedMs: number; at: number }>();

function redraw(): void {
  pending = false;
  const view = viewAt(model, nowMs());
  draw(view);
  const start = model.session?.startEpochMs;
  if (start === undefined) return;
  const drawnAt = Date.now();
  for (const row of document.querySelectorAll<HTMLElement>('#now tbody tr[data-variant]')) {
    const variant = row.dataset.variant ?? '';
    const frame = view.latest[variant];
    if (!frame) continue;
    let drawn = drawnDelays.get(variant);
    if (drawn?.elapsedMs !== frame.elapsedMs) {
      const arrived = arrivals.get(variant);
      drawn = {
        elapsedMs: frame.elapsedMs,
        arrivedMs:
          arrived?.elapsedMs === frame.elapsedMs ? arrived.at - (start + frame.elapsedMs) : null,
        delayMs: drawnAt - (start + frame.elapsedMs),
      };
      drawnDelays.set(variant, drawn);
    }
    row.dataset.frameElapsedMs = String(drawn.elapsedMs);
    row.dataset.arrivedDelayMs =
      drawn.arrivedMs === null ? '' : String(Math.round(drawn.arrivedMs));
    row.dataset.drawnDelayMs = String(Math.round(drawn.delayMs));
  }
}

function schedule(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(redraw);
}

function receive(event: LiveEvent): void {
  addEvent(model, event);
  lastArrival = performance.now();
  if (event.type === 'session') {
    controls.showSession(event);
    controls.showState(event.state);
  } else if (event.type === 'state') {
    controls.showState(event.state);
  } else if (event.type === 'frame') {
    frames++;
    main.dataset.frames = String(frames);
    arrivals.set(event.variant, { elapsedMs: event.elapsedMs, at: Date.now() });
  }
  schedule();
}

const source = new EventSource(`/events?token=${encodeURIComponent(token)}`);
for (const type of EVENT_TYPES)
  source.addEventListener(type, (m) => receive(JSON.parse((m as MessageEvent<string>).data)));
const status = document.getElementById('status') as HTMLElement;
source.addEventListener('error', () => {
  status.textContent =
    source.readyState === EventSource.CLOSED
      ? 'looplab closed the stream'
      : 'no connection to looplab; retrying…';
});
setInterval(() => {
  if (model.state === 'running') schedule();
}, TICK_MS);
addEventListener('resize', schedule);
