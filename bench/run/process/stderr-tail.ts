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
/** The line Node puts above such a report: where it was thrown, when that is in a source file. */
const SOURCE_LINE = /^(?:file:\/\/|\/)\S+:\d+$/;

const cut = (line: string) => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line);

/**
 * `: line | line | line`, the last lines of `text` (empty lines skipped), or '' for none. When
 * Node reported an uncaught error (its message, then `at` frames), that message and where it was
 * thrown instead: the first frame in the app's own code, else the source line Node printed above
 * the report (a syntax error's); the end of Node's report is internal frames and its version.
 */
export function tailText(text: string): string {
  const all = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const thrown = all.findLastIndex(
    (line, i) => THROWN.test(line) && all[i + 1]?.startsWith('at ') === true,
  );
  if (thrown < 0) {
    const last = all.slice(-TAIL_LINES).map(cut);
    return last.length > 0 ? `: ${last.join(' | ')}` : '';
  }
  const frames = all.slice(thrown + 1).filter((line) => line.startsWith('at '));
  const own = frames.find((line) => !/\(?node:/.test(line));
  const source = all.slice(0, thrown).findLast((line) => SOURCE_LINE.test(line));
  const where = own ?? source;
  return `: ${[all[thrown] as string, ...(where ? [where] : [])].map(cut).join(' | ')}`;
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
