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
  'state',
  'warning',
];
const TICK_MS = 250;

const token = new URLSearchParams(location.search).get('token') ?? '';
const model = createModel();
const controls = setUpControls(token);
setUpStallList();
const main = document.getElementById('live') as HTMLElement;

/** When the newest event arrived here: the session's clock runs on from it while running. */
let lastArrival = performance.now();
let frames = 0;
let pending = false;

/** The session's elapsed time now: the newest event's, plus what has passed since it came. */
const nowMs = () =>
  model.lastElapsedMs + (model.state === 'running' ? performance.now() - lastArrival : 0);

function redraw(): void {
  pending = false;
  draw(viewAt(model, nowMs()));
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
    // How late the frame reached the page after its window closed (same machine, same clock).
    const start = model.session?.startEpochMs;
    if (start !== undefined)
      main.dataset.lastDelayMs = String(Math.round(Date.now() - (start + event.elapsedMs)));
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
