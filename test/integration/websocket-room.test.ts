/**
 * A WebSocket scenario's room, checked for behaviour only (the checking lane): every variant
 * broadcasts the same content for the same messages, to stamping and plain clients alike, and
 * SIGINT in the middle of a WebSocket benchmark leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { WebSocket as WsClient } from 'ws';
import { type Answer, openRoomAnswerer } from '../../bench/run/answer.ts';
import { reapAll, startServer } from '../../bench/run/process/child.ts';
import websocketBroadcast from '../../scenarios/catalog/websocket-broadcast.ts';
import { defaultParams } from '../../scenarios/params.ts';
import { scenarioRequests } from '../../scenarios/request.ts';
import { interruptBench, isAlive } from './helpers.ts';

after(reapAll);

test('every variant broadcasts the same content for the same messages, to every client', async () => {
  const params = { ...defaultParams(websocketBroadcast), every: 4, threads: 1 };
  const messages = scenarioRequests(websocketBroadcast, params);
  const answers: Record<string, Answer[]> = {};
  const { WebSocket } = await import('ws');
  for (const variant of ['sync', 'async']) {
    const server = await startServer({
      scenario: websocketBroadcast.id,
      variant,
      params,
      port: 0,
      probe: false,
      timelineIntervalMs: 100,
    });
    // A person in the room too, with a plain client: they get the plain broadcast.
    const person: WsClient = new WebSocket(server.url.replace(/^http/, 'ws'));
    const heard: string[] = [];
    person.on('message', (data) => heard.push(String(data)));
    await new Promise((resolve) => person.once('open', resolve));
    const room = await openRoomAnswerer(server.url.slice(0, -1));
    const got: Answer[] = [];
    answers[variant] = got;
    try {
      // Twice: a variant right only the first time (a cold pool) is caught.
      for (const m of [...messages, ...messages]) got.push(await room.answer(m));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(heard.length, messages.length * 2, `${variant}: the person heard every message`);
      const paste = JSON.parse(heard[3] as string) as { text: string; moderation: string };
      assert.equal(paste.text.length, 16 * 1024);
      assert.match(paste.moderation, /^[0-9a-f]{64}$/);
    } finally {
      room.close();
      person.terminate();
      await server.stop();
    }
    for (const [i, a] of got.entries()) assert.equal(a.status, 200, `#${i}`);
  }
  assert.deepEqual(answers.async, answers.sync);
  assert.equal(new Set(answers.sync?.slice(0, 4).map((a) => a.sha256)).size, 4);
});

test('SIGINT in the middle of a WebSocket benchmark reaps the server and exits 130', async () => {
  // A second and a half after the pid: the room is connected and in its window.
  const r = await interruptBench('websocket-broadcast', 'SIGINT', 1500);
  assert.equal(r.code, 130, r.stderr);
  assert.ok(r.ms < 10_000, 'long before the 20 s window would have ended');
  assert.equal(isAlive(r.pid), false);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
