/**
 * The preload socket's framing read defensively: a line that is not a JSON object, or a line
 * that grows past the cap, ends that connection once, with why.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { onJsonLines, parseObject } from '../../scenarios/probe/json-lines.ts';

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
