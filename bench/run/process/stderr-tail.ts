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
  const thrown = all.findLastIndex((line, i) => THROWN.test(line) && endsNodeReport(all, i + 1));
  if (thrown < 0) {
    const last = all.slice(-TAIL_LINES).map(cut);
    return last.length > 0 ? `: ${last.join(' | ')}` : '';
  }
  const frames = all.slice(thrown + 1).filter((line) => line.startsWith('at '));
  const own = frames.find((line) => OWN_FRAME.test(line) && !line.includes('node_modules'));
  // Only just above the message: Node's own lines, not an earlier one of the server's.
  const source = all.slice(Math.max(0, thrown - 4), thrown).findLast((l) => SOURCE_LINE.test(l));
  const where = own ?? source;
  return `: ${[all[thrown] as string, ...(where ? [where] : [])].map(cut).join(' | ')}`;
}

/** A frame in a file (`at f (file:///app/x.js:3:7)`, `at /app/x.js:3:7`), not Node's or `<anonymous>`. */
const OWN_FRAME = /(?:\((?:file:\/\/|\/)[^)]*:\d+:\d+\)|at (?:file:\/\/|\/)\S*:\d+:\d+)$/;

/**
 * Whether the lines from `from` are the rest of Node's report of an uncaught error, and nothing
 * after it: `at` frames, the error's properties in braces, `Node.js vN`. A server that logged an
 * error and went on printing is not quoted by that error.
 */
function endsNodeReport(lines: readonly string[], from: number): boolean {
  let i = from;
  if (!lines[i]?.startsWith('at ')) return false;
  while (lines[i]?.startsWith('at ')) i++;
  if (lines[i - 1]?.endsWith('{')) {
    while (i < lines.length && lines[i] !== '}') i++;
    i++;
  }
  if (lines[i]?.startsWith('Node.js v')) i++;
  return i >= lines.length;
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
