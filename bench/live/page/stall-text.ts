/**
 * A stall's stack in words, for the live page: one line that names the code that held the loop,
 * `spin (busy-wait.ts:17) ← handle`, and the whole stack, a frame a line, for when it is opened.
 * Browser-safe (the page loads it as it is): the report's own wording (bench/report/stalls.ts)
 * lives below the page server's allowlist, and this one is shorter, for a list that scrolls.
 */
import type { StallEvent } from '../events.ts';

type Frame = StallEvent['frames'][number];

const base = (file: string) => file.slice(file.lastIndexOf('/') + 1);

/** `spin (busy-wait.ts:17)`, `pbkdf2Sync (node internals)`, `(anonymous) (line 4)`. */
function frameWhere(f: Frame, path: (file: string) => string): string {
  if (f.internal) return `${f.function} (node internals)`;
  if (f.file === null) return f.line === null ? f.function : `${f.function} (line ${f.line})`;
  return `${f.function} (${path(f.file)}${f.line === null ? '' : `:${f.line}`})`;
}

/**
 * The app's top frame with its place, and its caller by name: what a learner looks for first.
 * A stack of Node's frames alone is named by its top one.
 */
export function stallName(frames: readonly Frame[]): string {
  const own = frames.filter((f) => !f.internal);
  const [top, caller] = own.length > 0 ? own : frames;
  if (!top) return 'no stack';
  return `${frameWhere(top, base)}${caller ? ` ← ${caller.function}` : ''}`;
}

/** Every frame, top first, with its full path. */
export function stallStack(frames: readonly Frame[]): string[] {
  return frames.map((f) => frameWhere(f, (file) => file));
}
