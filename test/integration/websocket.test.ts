/**
 * The WebSocket scenario end to end, on loopback: the driver's short run measures the messages
 * (and the schema accepts them), sync's slow handler shows in the tail of delivery and in the
 * loop, the variants broadcast the same content for the same messages, and SIGINT in the middle
 * of a WebSocket benchmark leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import type { WebSocket as WsClient } from 'ws';
import { loadReportSchema } from '../../bench/report/read.ts';
import type { CompletedRun } from '../../bench/report/types.ts';
import { type Answer, openRoomAnswerer } from '../../bench/run/answer.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { reapAll, startServer } from '../../bench/run/child.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import websocketBroadcast from '../../scenarios/catalog/websocket-broadcast.ts';
import { defaultParams } from '../../scenarios/params.ts';
import { scenarioRequests } from '../../scenarios/request.ts';
import { interruptBench, isAlive } from './helpers.ts';

after(reapAll);

test('a short run measures every message metric, and sync holds up the room where async does not', async () => {
  const params = defaultParams(websocketBroadcast);
  const { clients, rate } = params as { clients: number; rate: number };
  const report = await runBench(
    [{ scenario: websocketBroadcast, variants: ['sync', 'async'], params }],
    { ...DEFAULT_OPTIONS, runs: 1, durationSec: 1.5, warmupSec: 0.3 },
  );
  const ajv = new Ajv2020.default({ strict: true, allErrors: true });
  const validate = ajv.compile(loadReportSchema());
  assert.ok(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors));

  const run = (variant: string) => {
    const r = report.results.find((e) => e.variant === variant)?.runs[0];
    assert.ok(
      r?.state === 'completed',
      `${variant}: ${r?.state === 'failed' ? r.reason : 'no run'}`,
    );
    return r as CompletedRun;
  };
  const [sync, async] = [run('sync'), run('async')];
  const sent = clients * rate;
  for (const r of [sync, async]) {
    // The schedule is exact: 400 messages a second, each delivered to all 20 clients.
    assert.ok(
      Math.abs((r.messagesSentPerSec as number) - sent) <= sent * 0.01,
      `${r.messagesSentPerSec}`,
    );
    assert.equal(r.messagesDropped, 0);
    assert.equal(r.messagesDeliveredPerSec, (r.messagesSentPerSec as number) * clients);
    assert.equal(r.requestsPerSec, r.messagesSentPerSec, 'every message answered to its sender');
    for (const m of ['deliveryP50Ms', 'deliveryP99Ms', 'deliveryMaxMs', 'messagesLate'] as const)
      assert.equal(typeof r[m], 'number', m);
    assert.equal(r.ttfbP50Ms, null);
    assert.ok((r.deliveryP50Ms as number) <= (r.deliveryP99Ms as number));
  }
  // Directions with generous margins: a paste holds sync's loop for tens of milliseconds.
  assert.ok(
    (sync.deliveryP99Ms as number) > 2 * (async.deliveryP99Ms as number),
    `delivery p99: sync ${sync.deliveryP99Ms} ms, async ${async.deliveryP99Ms} ms`,
  );
  assert.ok(
    (sync.lagP99Ms as number) > 2 * (async.lagP99Ms as number),
    `lag p99: sync ${sync.lagP99Ms} ms, async ${async.lagP99Ms} ms`,
  );
  assert.match(report.verdicts[0]?.text ?? '', /async delivered 99% of messages within/);
});

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
