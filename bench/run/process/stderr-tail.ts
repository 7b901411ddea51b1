/**
 * The end of a server's stderr, kept for the reason of a failed run. However much the server
 * prints (one that floods stderr), what is kept is a few KiB, and what a reason quotes is its last
 * few lines, each cut to a readable length.
 */
import type { Readable } from 'node:stream';

const TAIL_CHARS = 4096;
const TAIL_LINES = 3;
const LINE_CHARS = 300;

/** What Node prints of an error that ended the process: `Error: …`, `TypeError [ERR_X]: …`. */
const THROWN = /^(?:[A-Z]\w*)?(?:Error|Exception)(?: \[\w+\])?: /;
/** Node's last line after an uncaught error, and the stack under it: nothing a reader needs. */
const NOISE = /^(?:at |Node\.js v\d)/;

/**
 * `: line | line | line`, the last lines of `text` (empty lines skipped), or '' for none. When it
 * ends with an uncaught error, its message and where it was thrown instead: the last lines of
 * Node's report of one are its stack's innermost frames and Node's version.
 */
export function tailText(text: string): string {
  const all = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const thrown = all.findLastIndex((line) => THROWN.test(line));
  const after = all.slice(thrown + 1);
  const ended =
    thrown >= 0 && after[0]?.startsWith('at ') === true && after.every((line) => NOISE.test(line));
  const lines = (ended ? all.slice(thrown, thrown + 2) : all.slice(-TAIL_LINES)).map((line) =>
    line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line,
  );
  return lines.length > 0 ? `: ${lines.join(' | ')}` : '';
}

/** Reads `stream` to its end, keeping only its last few KiB; returns what tailText makes of them. */
export function keepTail(stream: Readable | null | undefined): () => string {
  let kept = '';
  // Decoded as a stream: a character split across two chunks stays whole.
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    kept = (kept + chunk).slice(-TAIL_CHARS);
  });
  return () => tailText(kept);
}
