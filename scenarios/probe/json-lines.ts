/**
 * The framing of the preload's socket (`bench --cmd`): one JSON object a line, both ways.
 *
 * Whatever is on the other end may be broken or hostile (an app can connect to the socket its
 * environment names and write anything), so a line is parsed defensively: a line that is not a
 * JSON object, or one that grows past a cap, ends that connection, and no other.
 */
import type { Socket } from 'node:net';

/** The longest line kept waiting for its newline; a probe's largest message is a few MiB. */
export const MAX_LINE_CHARS = 64 * 1024 * 1024;

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
  let pending = '';
  let dropped = false;
  const drop = (why: string) => {
    dropped = true;
    pending = '';
    socket.destroy();
    onBad(why);
  };
  socket.on('data', (chunk: string) => {
    if (dropped) return;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line) {
        const msg = parseObject(line);
        if (typeof msg === 'string') return drop(msg);
        fn(msg);
        if (dropped) return;
      }
      newline = pending.indexOf('\n');
    }
    if (pending.length > maxChars) drop(`a line longer than ${sizeText(maxChars)}`);
  });
}

const MIB = 1024 * 1024;
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
