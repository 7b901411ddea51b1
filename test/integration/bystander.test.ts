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

test('pings at a steady rate and counts only what is due after reset', {
  timeout: 15_000,
}, async () => {
  const bystander = startBystander({ origin, rateHz: 50, timeoutMs: 2000 });
  await sleep(200);
  await bystander.reset();
  await sleep(500);
  const result = await bystander.stop();
  // 50/s for 0.5 s is about 25; generous margins, this is not a timing test.
  assert.ok(result.sent >= 10 && result.sent <= 40, `sent ${result.sent}`);
  assert.equal(result.latenciesMs.length + result.errors + result.timeouts, result.sent);
  assert.equal(result.errors, 0);
  assert.equal(result.timeoutMs, 2000);
});

test('stop is idempotent: a second call gives the same result and does not hang', {
  timeout: 15_000,
}, async () => {
  const bystander = startBystander({ origin, rateHz: 20, timeoutMs: 2000 });
  await bystander.reset();
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
  await bystander.reset(); // waits at most 2 s for a first answer that never comes
  await sleep(300);
  const result = await bystander.stop();
  assert.ok(result.errors > 0, JSON.stringify(result));
  assert.equal(result.latenciesMs.length, 0);
});
