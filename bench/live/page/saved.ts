/// <reference lib="dom" />
/**
 * The saved copy's entry: the page's own model and drawing (view-model.ts, draw.ts), fed the
 * events the file holds instead of a stream, and drawn once at the moment it was saved. No
 * controls, no stream, no request of any kind: the copy opens offline, from a file. It redraws
 * on a resize only, so the charts are laid out at their box's real width, as on the live page.
 */
import type { LiveEvent } from '../events.ts';
import { draw, setUpStallList } from './draw.ts';
import type { SavedData } from './html.ts';
import { addEvent, createModel, viewAt } from './view-model.ts';

const data = JSON.parse(
  (document.getElementById('saved-data') as HTMLElement).textContent ?? '{}',
) as SavedData;
const model = createModel();
let frames = 0;
for (const event of data.events as LiveEvent[]) {
  addEvent(model, event);
  if (event.type === 'frame') frames++;
}
setUpStallList();

let pending = false;
function redraw(): void {
  pending = false;
  draw(viewAt(model, data.nowMs));
}
redraw();
// As the live page marks it: every frame the copy holds is drawn.
(document.getElementById('live') as HTMLElement).dataset.frames = String(frames);
addEventListener('resize', () => {
  if (pending) return;
  pending = true;
  requestAnimationFrame(redraw);
});
