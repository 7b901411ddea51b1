import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBystander } from '../../bench/run/bystander.ts';

const server = createServer((_req, res) => res.end('pong'));
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
  await bystander.ready(); // waits at most 2 s for a first answer that never comes
  bystander.open(300);
  await sleep(300);
  const result = await bystander.stop();
  assert.ok(result.errors > 0, JSON.stringify(result));
  assert.equal(result.latenciesMs.length, 0);
});
