/**
 * The open-model generator (bench/run/load/open-load.ts) against real servers in child processes:
 * it holds a rate on a trivial server, and on a server that freezes its loop 400 ms every 2 s
 * (test/fixtures/apps/freeze-app.cjs) its corrected latency shows the freeze in the share of
 * requests the freeze touches, where the uncorrected one, timed from each send, hides most of it.
 * Its worker thread and its connections are gone after close.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startOpenLoad } from '../../bench/run/load/open-load.ts';
import type { OutgoingRequest } from '../../scenarios/request.ts';
import { measuredTwice, measuredUpTo } from './helpers.ts';
import { APPS, freePort } from './own-server-helpers.ts';

const get = (path: string): OutgoingRequest => ({
  method: 'GET',
  path,
  headers: {},
  body: Buffer.alloc(0),
});

/** Starts `app` on a free port and resolves once it accepts a connection. */
async function startApp(app: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(APPS, app)], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return { child, url: `http://127.0.0.1:${port}` };
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`${app} did not listen within 10 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill();
  await exited;
}

const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;

describe('open-model generator', () => {
  it('holds 200/s on a trivial server, not generator-limited, and its thread exits on close', (t) =>
    // Up to three: a machine busy with other work can starve the generator's thread (its send
    // lag then says so, as it should) for longer than one second.
    measuredUpTo(t, 3, async () => {
      const { child, url } = await startApp('http-app.cjs');
      const portsBefore = ports();
      const load = await startOpenLoad({
        url,
        requests: [get('/health')],
        arrivals: 'poisson',
        maxConnections: 16,
        timeoutSec: 5,
      });
      try {
        // A short warm-up: the first window would also time the generator's own start (its JIT,
        // the first connections).
        await load.run(200, 0.3);
        let started = 0;
        const w = await load.run(200, 1, { settle: true, onStart: () => started++ });
        const s = w.step;
        const figures = JSON.stringify({ s, generatorLimited: w.generatorLimited });
        assert.equal(started, 1);
        assert.equal(s.offeredPerSec, 200);
        assert.ok(Math.abs((s.achievedPerSec ?? 0) - 200) <= 30, figures);
        assert.equal(w.generatorLimited, null, figures);
        assert.equal(w.connectionsExhausted, false, figures);
        assert.deepEqual([s.errors, s.timeouts, s.answered], [0, 0, s.due], figures);
        assert.ok((s.latencyMs?.p50 ?? 99) < 20, figures);
        assert.ok((s.latencyMs?.p50 ?? 0) >= (s.uncorrectedLatencyMs?.p50 ?? 99), figures);
        assert.ok(s.generator.connections >= 1 && s.generator.connections <= 16, figures);
        assert.equal(w.load.requestsTotal + (w.load.requestsAfterClose ?? 0), s.answered);
      } finally {
        await load.close();
        await stopApp(child);
      }
      // The worker's port is closed: the thread is gone, nothing holds this process open.
      assert.equal(ports(), portsBefore);
    }));

  it('an abort ends the window early with what it has; a refused connection is an error, not a hang', async () => {
    const { child, url } = await startApp('http-app.cjs');
    const controller = new AbortController();
    const load = await startOpenLoad({
      url,
      requests: [get('/health')],
      arrivals: 'uniform',
      maxConnections: 4,
      timeoutSec: 5,
      signal: controller.signal,
    });
    try {
      const t0 = performance.now();
      setTimeout(() => controller.abort(), 300);
      const w = await load.run(100, 10, { settle: true });
      const tookMs = performance.now() - t0;
      const figures = JSON.stringify({ tookMs, step: w.step, elapsedMs: w.load.elapsedMs });
      assert.ok(tookMs < 3000, figures);
      // About 30 due in 0.3 s at 100/s: the window ended at the abort, not after 10 s.
      assert.ok(w.step.due >= 10 && w.step.due <= 100, figures);
      assert.ok(w.load.elapsedMs < 3000, figures);
    } finally {
      await load.close();
      await stopApp(child);
    }
    // The server is gone: every request due is an error, at once.
    const refused = await startOpenLoad({
      url,
      requests: [get('/health')],
      arrivals: 'uniform',
      maxConnections: 2,
      timeoutSec: 2,
    });
    try {
      const w = await refused.run(50, 0.2, { settle: true });
      assert.equal(w.step.errors, w.step.due, JSON.stringify(w.step));
      assert.equal(w.step.latencyMs, null);
    } finally {
      await refused.close();
    }
  });

  it('shows a 400 ms freeze every 2 s in the corrected latency of the share it touches, which the uncorrected hides', (t) =>
    measuredTwice(t, async () => {
      const { child, url } = await startApp('freeze-app.cjs');
      // Two connections: the requests due in a freeze wait in the generator's queue, as they
      // would behind any client's busy connections; the first two wait in the server's.
      const load = await startOpenLoad({
        url,
        requests: [get('/')],
        arrivals: 'uniform',
        maxConnections: 2,
        timeoutSec: 5,
      });
      try {
        const w = await load.run(50, 4, { settle: true, records: true });
        const s = w.step;
        const records = w.records ?? [];
        const corrected = records
          .filter((r) => r.outcome === 'answered')
          .map((r) => (r.doneMs as number) - r.dueMs);
        const over100 = corrected.filter((ms) => ms > 100).length / corrected.length;
        const uncorrectedOver100 =
          records
            .filter((r) => r.outcome === 'answered')
            .filter((r) => (r.doneMs as number) - (r.sentMs as number) > 100).length /
          corrected.length;
        const figures = JSON.stringify({
          over100,
          uncorrectedOver100,
          latencyMs: s.latencyMs,
          uncorrectedLatencyMs: s.uncorrectedLatencyMs,
          due: s.due,
          answered: s.answered,
        });
        assert.equal(s.answered, s.due, figures);
        // Requests due in the first 300 ms of a 400 ms freeze wait over 100 ms for its end:
        // (400 − 100) / 2000 = 15% of them.
        assert.ok(over100 >= 0.07 && over100 <= 0.3, figures);
        assert.ok((s.latencyMs?.p99 ?? 0) >= 200, figures);
        assert.ok((s.latencyMs?.p90 ?? 0) >= 50, figures);
        // Timed from each send, the requests that waited in the generator's queue look fast.
        assert.ok((s.uncorrectedLatencyMs?.p50 ?? 99) < 20, figures);
        assert.ok(uncorrectedOver100 < over100 / 2, figures);
        assert.ok((s.uncorrectedLatencyMs?.p90 ?? 99) * 4 < (s.latencyMs?.p90 ?? 0), figures);
        assert.equal(w.connectionsExhausted, true, figures);
      } finally {
        await load.close();
        await stopApp(child);
      }
    }));
});
