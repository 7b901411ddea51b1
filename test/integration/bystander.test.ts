import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBystander } from '../../bench/run/load/bystander.ts';

const server = createServer((_req, res) => res.end('pong'));
let accepted = 0;
server.on('connection', () => accepted++);
let origin = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('counts exactly the pings due in its window: none before it opens, none after it closes', {
  timeout: 15_000,
}, async () => {
  const bystander = startBystander({ origin, rateHz: 50, timeoutMs: 2000 });
  await sleep(200);
  await bystander.ready();
  bystander.open(500);
  // Stopped well after the window closed: the pings of those 400 ms are not the window's.
  await sleep(900);
  const result = await bystander.stop();
  // One ping every 20 ms, due on a fixed grid: a 500 ms window holds exactly 25 of them.
  assert.equal(result.sent, 25);
  assert.equal(result.latenciesMs.length + result.errors + result.timeouts, result.sent);
  assert.equal(result.errors, 0);
  assert.equal(result.timeoutMs, 2000);
});

test('stop is idempotent: a second call gives the same result and does not hang', {
  timeout: 15_000,
}, async () => {
  const bystander = startBystander({ origin, rateHz: 20, timeoutMs: 2000 });
  await bystander.ready();
  bystander.open(1000);
  const first = await bystander.stop();
  const second = await bystander.stop();
  assert.equal(second, first);
});

test('a server that is not there gives errors, not a hang', { timeout: 15_000 }, async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve)); // nothing listens on that port now
  const bystander = startBystander({
    origin: `http://127.0.0.1:${port}`,
    rateHz: 20,
    timeoutMs: 1000,
  });
  await bystander.ready(); // its connections are refused at once: it does not wait for them
  bystander.open(300);
  await sleep(300);
  const result = await bystander.stop();
  assert.ok(result.errors > 0, JSON.stringify(result));
  assert.equal(result.latenciesMs.length, 0);
});

test('in a stall of many long loop turns, pings go out on connections opened before the window', {
  timeout: 20_000,
}, async (t) => {
  // A server on this thread, whose loop the test holds 200 ms per turn: it accepts one new
  // connection per turn (libuv), so pings that opened connections in the window would queue
  // behind each other in its accept queue until the stall ended (1.5 s), not one turn or two.
  let accepted = 0;
  const stalled = createServer((_req, res) => res.end('pong'));
  stalled.on('connection', () => accepted++);
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  const port = (stalled.address() as AddressInfo).port;
  try {
    const bystander = startBystander({
      origin: `http://127.0.0.1:${port}`,
      rateHz: 50,
      timeoutMs: 5000,
    });
    await bystander.ready();
    const warm = accepted;
    bystander.open(1500);
    const until = performance.now() + 1500;
    await new Promise<void>((resolve) => {
      const turn = () => {
        const end = performance.now() + 200;
        while (performance.now() < end) {} // one long turn, as a busy server's
        if (performance.now() < until) setImmediate(turn);
        else resolve();
      };
      setImmediate(turn);
    });
    await sleep(300); // past the window's end on the worker's clock, which opened it a little later
    const result = await bystander.stop();
    assert.equal(result.sent, 75);
    assert.equal(result.errors + result.timeouts, 0, JSON.stringify(result));
    const p99 = [...result.latenciesMs].sort((a, b) => a - b)[Math.ceil(0.99 * 75) - 1] as number;
    const opened = accepted - warm;
    t.diagnostic(`connections opened in the window: ${opened}; /ping p99 ${Math.round(p99)} ms`);
    assert.equal(
      opened,
      0,
      `${opened} connections opened in the window; p99 ${Math.round(p99)} ms`,
    );
    // Two turns and the bystander's own delays: about 0.4 s; queued behind its own connections,
    // most of the 1.5 s stall.
    assert.ok(p99 < 1000, `/ping p99 ${Math.round(p99)} ms`);
  } finally {
    stalled.close();
  }
});

test('at 0.2 pings a second its one connection stays open: no ping opens one in the window', {
  timeout: 30_000,
}, async () => {
  // A Node server's keep-alive (5 s, as here) outlasts no idle period of 5 s: undici closes the
  // connection 2 s before it ends, so without the calls between pings each ping opened a new one.
  const bystander = startBystander({ origin, rateHz: 0.2, timeoutMs: 2000 });
  await bystander.ready();
  // Connected before ready, but this thread's server may take its accept a turn after the message.
  await sleep(50);
  const openedBefore = accepted;
  bystander.open(10_500);
  await sleep(10_600);
  const result = await bystander.stop();
  const seen = `${JSON.stringify({ ...result, sendDelaysMs: undefined })}; accepted in the window: ${accepted - openedBefore}`;
  assert.equal(result.sent, 2, `the pings due at 5 s and 10 s: ${seen}`);
  assert.equal(result.errors + result.timeouts, 0, seen);
  assert.equal(accepted - openedBefore, 0, seen);
});
