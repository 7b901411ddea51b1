/**
 * The end of a server's stderr, kept for the reason of a failed run. However much the server
 * prints (one that floods stderr), what is kept is a few KiB, and what a reason quotes is its last
 * few lines, each cut to a readable length.
 */
import type { Readable } from 'node:stream';

const TAIL_CHARS = 4096;
const TAIL_LINES = 3;
const LINE_CHARS = 300;

/** `: line | line | line`, the last lines of `text` (empty lines skipped), or '' for none. */
export function tailText(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-TAIL_LINES)
    .map((line) => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line));
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
