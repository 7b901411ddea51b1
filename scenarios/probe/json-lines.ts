/**
 * The framing of the preload's socket (`bench --cmd`): one JSON object a line, both ways.
 *
 * Whatever is on the other end may be broken or hostile (an app can connect to the socket its
 * environment names and write anything), so a line is parsed defensively: a line that is not a
 * JSON object, or one that grows past a cap, ends that connection, and no other.
 */
import type { Socket } from 'node:net';

const MIB = 1024 * 1024;

/**
 * The longest line read by default: the harness's commands to the preload are a few dozen
 * characters, so 1 MiB leaves room to spare and bounds what a peer can make us hold.
 */
export const MAX_LINE_CHARS = MIB;

/**
 * The longest line the harness reads from the preload. A `probe:data` line carries the whole
 * window's lag timeline, about 50 characters a point: an hour at the default 100 ms is 36,000
 * points (1.8 MB), at `--timeline-interval 10` ten times that. A smaller cap would fail such
 * long runs; the reading is linear (LineBuffer), so the cap costs memory, not time.
 */
export const PROBE_DATA_LINE_CHARS = 64 * MIB;

/**
 * Splits text that arrives in chunks into lines, searching each character for the newline once:
 * a line's earlier chunks are kept aside and joined when its newline comes, never searched
 * again, so a long line costs time in proportion to its length, not to its square.
 */
export class LineBuffer {
  private parts: string[] = [];
  private partsChars = 0;
  /** Characters searched for a newline so far: each character that arrived, exactly once. */
  scannedChars = 0;

  private readonly maxChars: number;

  constructor(maxChars: number) {
    this.maxChars = maxChars;
  }

  /**
   * The lines `chunk` completes, in order; `null` last where a line is longer than the cap,
   * found complete or still waiting for its newline. Nothing after a `null` is read.
   */
  push(chunk: string): (string | null)[] {
    const lines: (string | null)[] = [];
    for (let from = 0; ; ) {
      const newline = chunk.indexOf('\n', from);
      const end = newline < 0 ? chunk.length : newline;
      this.scannedChars += (newline < 0 ? end : end + 1) - from;
      const length = this.partsChars + end - from;
      if (length > this.maxChars) {
        this.parts = [];
        this.partsChars = 0;
        lines.push(null);
        return lines;
      }
      if (end > from) this.parts.push(chunk.slice(from, end));
      if (newline < 0) {
        this.partsChars = length;
        return lines;
      }
      lines.push(this.parts.join(''));
      this.parts = [];
      this.partsChars = 0;
      from = newline + 1;
    }
  }
}

/**
 * Calls `fn` with each JSON object that arrives on `socket`, whole, in order. A line that is not
 * one, or a line longer than `maxChars`, destroys the socket and calls `onBad` with why, once.
 */
export function onJsonLines(
  socket: Socket,
  fn: (msg: object) => void,
  onBad: (why: string) => void = () => {},
  maxChars = MAX_LINE_CHARS,
): void {
  socket.setEncoding('utf8');
  const buffer = new LineBuffer(maxChars);
  let dropped = false;
  const drop = (why: string) => {
    dropped = true;
    socket.destroy();
    onBad(why);
  };
  socket.on('data', (chunk: string) => {
    if (dropped) return;
    for (const line of buffer.push(chunk)) {
      if (line === null) return drop(`a line longer than ${sizeText(maxChars)}`);
      if (!line) continue;
      const msg = parseObject(line);
      if (typeof msg === 'string') return drop(msg);
      fn(msg);
      if (dropped) return;
    }
  });
}

const sizeText = (chars: number) => (chars >= MIB ? `${chars / MIB} MiB` : `${chars} characters`);

/** The object on `line`, or why it is none, with the start of the line to show. */
export function parseObject(line: string): object | string {
  const shown = JSON.stringify(line.length > 40 ? `${line.slice(0, 37)}...` : line);
  try {
    const msg: unknown = JSON.parse(line);
    if (typeof msg === 'object' && msg !== null && !Array.isArray(msg)) return msg;
    return `a line that is not a JSON object: ${shown}`;
  } catch {
    return `a line that is not JSON: ${shown}`;
  }
}

/** Writes `msg` as one line; `done` gets the write's error, if any. */
export function writeJsonLine(
  socket: Socket,
  msg: unknown,
  done?: (err?: Error | null) => void,
): void {
  socket.write(`${JSON.stringify(msg)}\n`, done);
}
