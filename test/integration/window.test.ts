/**
 * The measured window is the window: work the warm-up left queued stays out of it, and work
 * still queued when the load stops does not stretch it. A blocking handler makes both easy to
 * see, since every queued request is 100+ ms of a busy loop.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { reapAll, startServer } from '../../bench/run/child.ts';
import { runLoad } from '../../bench/run/load.ts';
import { measuredTwice } from './helpers.ts';

after(reapAll);

const blockingServer = (ms: number) =>
  startServer({
    scenario: 'busy-wait',
    variant: 'sync',
    params: { ms },
    port: 0,
    probe: true,
    timelineIntervalMs: 100,
  });

test('requests left queued by the warm-up are finished before the window opens', async () => {
  const server = await blockingServer(100);
  try {
    // 10 connections keep up to 10 requests (1 s of blocking) queued when the warm-up ends.
    await runLoad({ url: server.url, connections: 10, durationSec: 0.5, timeoutSec: 10 });
    await server.resetProbe(1500);
    await sleep(1600); // no load at all in the window
    const probe = await server.readProbe();
    assert.ok(probe);
    assert.ok(probe.elu < 0.2, `idle window had ELU ${probe.elu}`);
    assert.ok(probe.lagMaxMs < 50, `idle window saw a ${probe.lagMaxMs} ms stall`);
  } finally {
    await server.stop();
  }
});

// Measured twice: a CI run once saw a 2,159 ms window here, the server starved of CPU by the
// checking lane beside it; a window held open by the queue would be about 4 s every time.
test('the window closes with the load, not after the queue behind it drains', (t) =>
  measuredTwice(t, async () => {
    const server = await blockingServer(300);
    try {
      await server.resetProbe(1000);
      const started = Date.now();
      // About 10 requests (3 s of work) are still queued when this 1 s load stops.
      await runLoad({ url: server.url, connections: 10, durationSec: 1, timeoutSec: 10 });
      const probe = await server.readProbe();
      assert.ok(probe);
      // At most one 300 ms handler may straddle the end; the queue behind it must not count.
      assert.ok(probe.windowMs < 2000, `window ${probe.windowMs} ms for a 1 s load`);
      assert.ok(
        probe.cpuUserMs < probe.windowMs * 1.3,
        `${probe.cpuUserMs} ms of CPU in ${probe.windowMs} ms`,
      );
      assert.ok(Date.now() - started < 10_000);
    } finally {
      await server.stop();
    }
  }));
