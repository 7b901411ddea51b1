/**
 * The preload socket's framing read defensively: a line that is not a JSON object, or a line
 * that grows past the cap, ends that connection once, with why.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import {
  LineBuffer,
  MAX_LINE_CHARS,
  onJsonLines,
  parseObject,
} from '../../scenarios/probe/json-lines.ts';

/** Enough of a socket for onJsonLines: data events, and whether it was destroyed. */
function fakeSocket() {
  const socket = Object.assign(new EventEmitter(), {
    destroyed: false,
    setEncoding() {},
    destroy() {
      socket.destroyed = true;
    },
  });
  return socket;
}

function read(chunks: string[], maxChars?: number) {
  const socket = fakeSocket();
  const messages: object[] = [];
  const bad: string[] = [];
  onJsonLines(
    socket as unknown as Socket,
    (m) => messages.push(m),
    (why) => bad.push(why),
    maxChars,
  );
  for (const c of chunks) socket.emit('data', c);
  return { messages, bad, destroyed: socket.destroyed };
}

describe('parseObject', () => {
  it('returns the object on a line, and says why anything else is none', () => {
    assert.deepEqual(parseObject('{"type":"ready","port":1}'), { type: 'ready', port: 1 });
    assert.equal(parseObject('not json'), 'a line that is not JSON: "not json"');
    assert.equal(parseObject('null'), 'a line that is not a JSON object: "null"');
    assert.equal(parseObject('[1]'), 'a line that is not a JSON object: "[1]"');
    assert.equal(parseObject('42'), 'a line that is not a JSON object: "42"');
    assert.equal(parseObject('x'.repeat(50)), `a line that is not JSON: "${'x'.repeat(37)}..."`);
  });
});

describe('onJsonLines', () => {
  it('passes whole objects on, in order, across chunks', () => {
    const r = read(['{"a":1}\n{"b"', ':2}\n\n{"c":3}\n']);
    assert.deepEqual(r, { messages: [{ a: 1 }, { b: 2 }, { c: 3 }], bad: [], destroyed: false });
  });

  it('drops the connection at the first bad line, once, and reads nothing after it', () => {
    const r = read(['{"a":1}\nnot json\n{"b":2}\n', '{"c":3}\n']);
    assert.deepEqual(r, {
      messages: [{ a: 1 }],
      bad: ['a line that is not JSON: "not json"'],
      destroyed: true,
    });
  });

  it('drops a connection whose line outgrows the cap, before its newline comes', () => {
    const r = read(['{"a":1}\n', '{"big":"', 'x'.repeat(20)], 16);
    assert.deepEqual(r, {
      messages: [{ a: 1 }],
      bad: ['a line longer than 16 characters'],
      destroyed: true,
    });
  });
});

/** `text` in chunks of `size` characters, as a socket hands a long line over. */
const chunked = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
    text.slice(i * size, (i + 1) * size),
  );

describe('LineBuffer: lines from chunks, each character searched once', () => {
  it('splits lines across chunks, keeps empty ones, and holds back the unfinished one', () => {
    const b = new LineBuffer(100);
    assert.deepEqual(b.push('ab'), []);
    assert.deepEqual(b.push('c\n\nde'), ['abc', '']);
    assert.deepEqual(b.push('f\ng\n'), ['def', 'g']);
    assert.equal(b.scannedChars, 11);
  });

  it('a 900 KiB line in 4 KiB chunks: one line, every character searched exactly once', () => {
    const line = JSON.stringify({ type: 'probe:data', pad: 'x'.repeat(900 * 1024) });
    const chunks = chunked(`${line}\n`, 4096);
    assert.ok(chunks.length > 200);
    const b = new LineBuffer(MAX_LINE_CHARS);
    const lines = chunks.flatMap((c) => b.push(c));
    assert.deepEqual(lines, [line]);
    // The old reader searched the whole held-back line again at each chunk: about 225 times
    // the line's length here.
    assert.equal(b.scannedChars, line.length + 1);
  });

  it('refuses a line over the cap as soon as it is, with or without its newline', () => {
    const b = new LineBuffer(10);
    assert.deepEqual(b.push('{"a":1}\n0123'), ['{"a":1}']);
    assert.deepEqual(b.push('456789'), []);
    assert.deepEqual(b.push('X'), [null]);
    assert.deepEqual(new LineBuffer(10).push('ok\n01234567890\nnext\n'), ['ok', null]);
    assert.deepEqual(new LineBuffer(10).push('0123456789\n'), ['0123456789']);
  });
});

describe('onJsonLines at the default cap, 1 MiB', () => {
  it('reads a 900 KiB object sent in 4 KiB chunks', () => {
    const msg = { type: 'probe:data', pad: 'x'.repeat(900 * 1024) };
    const r = read(chunked(`${JSON.stringify(msg)}\n`, 4096));
    assert.deepEqual(r, { messages: [msg], bad: [], destroyed: false });
  });

  it('refuses a 2 MiB line in 4 KiB chunks, once, with why, and reads nothing after it', () => {
    const text = `${JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) })}\n{"after":1}\n`;
    const r = read(chunked(text, 4096));
    assert.deepEqual(r, {
      messages: [],
      bad: ['a line longer than 1 MiB'],
      destroyed: true,
    });
  });
});
