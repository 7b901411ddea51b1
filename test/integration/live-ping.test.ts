/**
 * `looplab live`'s bystander: every variant gets an open-model `/ping` from the steady load's
 * thread, on connections opened before its load starts, and each frame carries the pings that
 * ended in it. Against a server in this process (the load's thread is not this loop), then with
 * busy-wait's real children: sync's ping p99 well above async's. Directional, with generous
 * margins where it times: the machine may be shared.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FrameEvent, LiveEvent } from '../../bench/live/events.ts';
import { addTally, emptyTally, pingFigures } from '../../bench/live/frames.ts';
import { startLiveSession } from '../../bench/live/session.ts';
import { type LoadTally, startSteadyLoad } from '../../bench/run/load/steady-load.ts';
import { livePids, reapAll } from '../../bench/run/process/child.ts';
import { getScenario } from '../../scenarios/registry.ts';

/** Each connection's number, in the order they were accepted. */
const order = new WeakMap<object, number>();
let accepted = 0;
/** The numbers of the connections that carried a ping, and of those that carried the load. */
let pingSockets = new Set<number>();
let loadSockets = new Set<number>();
let pingStatus = 200;
/** Answers to `/hold`, never sent until the test ends. */
const held: (() => void)[] = [];
const server = createServer((req, res) => {
  const n = order.get(req.socket) ?? -1;
  if (req.url === '/hold') {
    held.push(() => res.end());
    return;
  }
  if (req.url === '/ping') {
    pingSockets.add(n);
    res.statusCode = pingStatus;
    res.end('pong');
    return;
  }
  loadSockets.add(n);
  res.end('done');
});
server.on('connection', (socket) => order.set(socket, accepted++));
let origin = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const answer of held) answer();
  await reapAll();
  server.closeAllConnections();
  server.close();
});

const target = (timeoutMs = 10_000) => ({
  variant: 'v',
  origin,
  requests: [{ method: 'GET', path: '/work', headers: {}, body: Buffer.alloc(0) }],
  connections: 2,
  timeoutMs,
  ping: { rateHz: 50 },
});

/**
 * The tallies of the variant added up, from its first (once its bystander is warm and its load
 * runs: up to 10 s on a busy machine) until `ms` later.
 */
async function takeFor(load: ReturnType<typeof startSteadyLoad>, ms: number): Promise<LoadTally> {
  let sum: LoadTally | null = null;
  const giveUp = Date.now() + 10_000;
  let until = Number.POSITIVE_INFINITY;
  while (Date.now() < Math.min(until, giveUp)) {
    await sleep(100);
    const t = (await load.take()).v;
    if (!t) continue;
    if (!sum) until = Date.now() + ms;
    sum = addTally(sum ?? emptyTally(), t);
  }
  assert.ok(sum, 'the load never started');
  return sum;
}

test('the bystander opens its connections before the load starts, and every take carries its pings', async () => {
  accepted = 0;
  pingSockets = new Set();
  loadSockets = new Set();
  pingStatus = 200;
  const load = startSteadyLoad();
  try {
    load.load(target());
    const sum = await takeFor(load, 1500);
    // 50 pings a second: as many connections as pings in 2 s, all accepted before the load's
    // two, and no other opened.
    assert.equal(accepted, 102);
    assert.deepEqual(
      [...pingSockets].sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.deepEqual([...loadSockets].sort(), [100, 101]);
    const ping = sum.ping;
    assert.ok(ping, 'a tally with pings');
    // About 1.5 s at 50 a second, answered by a server that is idle but for this test.
    assert.ok(ping.latenciesMs.length > 30, `${ping.latenciesMs.length} pings answered`);
    assert.deepEqual([ping.timeouts, ping.errors, ping.timeoutMs], [0, 0, 10_000]);
    const figures = pingFigures(sum);
    assert.equal(figures.pingTimeouts, 0);
    assert.ok((figures.pingP50Ms ?? -1) >= 0 && (figures.pingP50Ms ?? Infinity) < 1000);
  } finally {
    await load.close();
  }
});

test('a ping that fails (a 503) counts as a timeout, at the timeout', async () => {
  pingStatus = 503;
  const load = startSteadyLoad();
  try {
    load.load(target(2000));
    const sum = await takeFor(load, 1500);
    assert.ok(sum.ping && sum.ping.errors > 10, JSON.stringify(sum.ping));
    assert.deepEqual(sum.ping.latenciesMs, []);
    const figures = pingFigures(sum);
    assert.deepEqual(figures, {
      pingP50Ms: 2000,
      pingP99Ms: 2000,
      pingTimeouts: sum.ping.errors + sum.ping.timeouts,
    });
  } finally {
    pingStatus = 200;
    await load.close();
  }
});

test('a ping with no answer within the timeout counts as a timeout, at the timeout', async () => {
  const load = startSteadyLoad();
  try {
    load.load({ ...target(500), ping: { rateHz: 10, path: '/hold' } });
    const sum = await takeFor(load, 1500);
    assert.ok(sum.ping && sum.ping.timeouts >= 3, JSON.stringify(sum.ping));
    assert.deepEqual([sum.ping.latenciesMs, sum.ping.errors], [[], 0]);
    assert.deepEqual(pingFigures(sum), {
      pingP50Ms: 500,
      pingP99Ms: 500,
      pingTimeouts: sum.ping.timeouts,
    });
  } finally {
    await load.close();
  }
});

/** The median of the frames' ping p99, those that had one. */
function medianPingP99(frames: FrameEvent[]): number {
  const xs = frames
    .flatMap((f) => (f.pingP99Ms === null ? [] : [f.pingP99Ms]))
    .sort((a, b) => a - b);
  assert.ok(xs.length >= 3, `${xs.length} frames with a ping p99`);
  return xs[Math.floor(xs.length / 2)] as number;
}

test('busy-wait live: sync’s /ping p99 well above async’s, frame by frame', {
  timeout: 60_000,
}, async (t) => {
  const session = await startLiveSession({
    scenario: getScenario('busy-wait'),
    params: { ms: 20 },
    connections: 10,
    frameIntervalMs: 250,
    maxTimeMs: 60_000,
  });
  const events: LiveEvent[] = [];
  session.subscribe((e) => events.push(e));
  const frames = (variant: string) =>
    events.filter((e): e is FrameEvent => e.type === 'frame' && e.variant === variant);
  /** The frames with pings, past the first two (servers and the load's thread still warming). */
  const pinged = (variant: string) =>
    frames(variant)
      .filter((f) => f.pingP99Ms !== null)
      .slice(2);
  try {
    // A blocked sync answers few frames on a busy machine: wait for enough of each, up to 30 s.
    const giveUp = Date.now() + 30_000;
    while (Date.now() < giveUp && (pinged('sync').length < 5 || pinged('async').length < 8))
      await sleep(250);
  } finally {
    await session.close();
  }
  assert.deepEqual(livePids(), []);
  for (const f of [...frames('sync'), ...frames('async')]) {
    // A frame with a load has a bystander too: pings are null only where the load is.
    assert.equal(f.pingTimeouts === null, f.requestsPerSec === null, JSON.stringify(f));
  }
  const sync = medianPingP99(pinged('sync'));
  const async = medianPingP99(pinged('async'));
  t.diagnostic(`/ping p99 median over frames: sync ${sync} ms, async ${async} ms`);
  // One ping waits for the 10 requests queued ahead of it, 20 ms each: about 200 ms at least.
  assert.ok(sync > 100 && sync > 3 * async, `sync /ping p99 ${sync} ms, async ${async} ms`);
});
