/**
 * The load at its edges: a request lost with its connection (the server reset it, or closed the
 * connection with `Connection: close` while the request was on its way) is an error, counted at
 * once, never a request that waits out the window as a timeout; the same on autocannon's worker
 * threads, whose answers after the window's close stay out of its requests, and whose load,
 * aborted, still ends (autocannon's stopped workers never call back). And a probe whose
 * window closes late behind a blocked loop keeps its utilisation to the window's planned length.
 */
import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadAutocannon, runLoad } from '../../bench/run/load/load.ts';
import { createProbe } from '../../scenarios/probe/probe.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/dropping-server.js', import.meta.url));
const children: ChildProcessByStdio<Writable, Readable, null>[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill();
});

/** Starts the dropping server; `finish` ends it and returns how many requests it destroyed. */
async function droppingServer(...args: number[]) {
  const child = spawn(process.execPath, [FIXTURE, ...args.map(String)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  const { port } = JSON.parse(String(first.value)) as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    async finish(): Promise<{ seen: number; destroyed: number }> {
      child.stdin.end();
      const last = await lines.next();
      await once(child, 'exit');
      return JSON.parse(String(last.value));
    },
  };
}

for (const workers of [undefined, 2]) {
  const how = workers ? 'on 2 worker threads' : "on the harness's thread";
  test(`a request lost with its connection is an error, not a timeout (${how})`, async () => {
    await loadAutocannon();
    // Every 5th answer closes its connection, every 7th request is destroyed unanswered.
    const server = await droppingServer(5, 7);
    const timeoutSec = 8;
    const started = Date.now();
    const load = await runLoad({
      url: server.url,
      connections: 4,
      durationSec: 1,
      timeoutSec,
      ...(workers && { workers }),
    });
    const tookMs = Date.now() - started;
    const { destroyed } = await server.finish();
    assert.ok(destroyed > 0, 'the server destroyed no request');
    assert.equal(load.timeouts, 0, `${load.timeouts} lost requests counted as timeouts`);
    assert.ok(load.errors >= destroyed, `${load.errors} errors for ${destroyed} destroyed`);
    // Every request sent is accounted for once: answered in the window, after it, or lost.
    assert.equal(
      load.requestsSent,
      load.requestsTotal + (load.requestsAfterClose ?? 0) + load.errors,
    );
    // Nothing waited for the timeout: a lost request is counted when its connection ends.
    assert.ok(load.latencyMaxMs < timeoutSec * 1000, `latency max ${load.latencyMaxMs} ms`);
    assert.ok(tookMs < (timeoutSec - 2) * 1000, `the load took ${tookMs} ms`);
    assert.equal(load.latencyResolutionMs, 0.001);
  });
}

for (const workers of [undefined, 2]) {
  const how = workers ? 'on 2 worker threads' : "on the harness's thread";
  test(`a server that closes every connection after its answer shows no error (${how})`, async () => {
    await loadAutocannon();
    // Every answer says Connection: close (a legal HTTP/1.1 server); none is destroyed.
    const server = await droppingServer(1, 1e9);
    const load = await runLoad({
      url: server.url,
      connections: 4,
      durationSec: 1,
      timeoutSec: 8,
      ...(workers && { workers }),
    });
    const { seen, destroyed } = await server.finish();
    assert.equal(destroyed, 0);
    assert.ok(load.requestsTotal > 20, `${load.requestsTotal} answered`);
    assert.equal(load.errors, 0, `${load.errors} errors, none made by the server`);
    assert.equal(load.timeouts, 0);
    // Nothing was written on a closing connection: the server saw every request sent.
    assert.equal(load.requestsSent, seen);
  });
}

test('on worker threads the tail is kept, and requests/s counts only the window', async () => {
  await loadAutocannon();
  // 1 request in 10 answers after 600 ms: the window's close finds some in flight.
  const server = await droppingServer(1e9, 1e9, 10, 600);
  const load = await runLoad({
    url: server.url,
    connections: 4,
    durationSec: 1,
    timeoutSec: 5,
    workers: 2,
  });
  await server.finish();
  assert.ok((load.requestsAfterClose ?? 0) >= 1, `${load.requestsAfterClose} after the close`);
  assert.equal(load.timeouts, 0);
  // The answers after the close are in the latencies (the tail), not among the window's requests.
  assert.equal(load.requestsSent, load.requestsTotal + (load.requestsAfterClose ?? 0));
  assert.ok(load.latencyP99Ms >= 550, `latency p99 ${load.latencyP99Ms} ms`);
});

test('an aborted load on worker threads resolves with what its connections counted', async () => {
  await loadAutocannon();
  const server = await droppingServer(1e9, 1e9);
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 1000);
  const started = Date.now();
  // autocannon's workers never call back once stopped: their clients' reports end the load.
  const load = await runLoad({
    url: server.url,
    connections: 2,
    durationSec: 8,
    timeoutSec: 5,
    workers: 2,
    signal: abort.signal,
  });
  await server.finish();
  assert.ok(Date.now() - started < 6000, `the aborted load took ${Date.now() - started} ms`);
  assert.ok(load.requestsTotal > 0, `${load.requestsTotal} requests`);
});

test('a probe window that closes late behind a block keeps utilisation to its planned length', async () => {
  const probe = createProbe(100);
  try {
    // Planned 300 ms: idle for about 150, then a 600 ms block holds the closing timer late.
    probe.reset(300);
    await sleep(150);
    const until = performance.now() + 600;
    while (performance.now() < until) {
      // the block
    }
    await sleep(50);
    const data = await probe.read();
    assert.ok((data.windowEndLateMs ?? 0) >= 300, `closed ${data.windowEndLateMs} ms late`);
    assert.ok(data.windowMs >= 600, `window ${data.windowMs} ms`);
    // Of the planned 300 ms about half was idle (0.5); over the whole window it would be ~0.8.
    assert.ok(data.elu < 0.7, `utilisation ${data.elu}`);
    assert.ok(data.elu > 0.2, `utilisation ${data.elu}`);
  } finally {
    probe.stop();
  }
});
