/**
 * The framing of the preload's socket (`bench --cmd`): one JSON object a line, both ways.
 */
import type { Socket } from 'node:net';

/** Calls `fn` with each JSON object that arrives on `socket`, whole, in order. */
export function onJsonLines(socket: Socket, fn: (msg: unknown) => void): void {
  socket.setEncoding('utf8');
  let pending = '';
  socket.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line) fn(JSON.parse(line));
      newline = pending.indexOf('\n');
    }
  });
}

/** Writes `msg` as one line; `done` gets the write's error, if any. */
export function writeJsonLine(
  socket: Socket,
  msg: unknown,
  done?: (err?: Error | null) => void,
): void {
  socket.write(`${JSON.stringify(msg)}\n`, done);
}
