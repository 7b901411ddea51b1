/**
 * Measures what `looplab live`'s frames cost a server ("watching changes nothing"): the same
 * trivial handler (noop), probe and stall capture on in both, loaded the same way (live's steady
 * load, 10 connections), once read only by the batch probe (no frame in the load) and once
 * asked for a frame every 250 ms, as live does. Runs are interleaved in pairs (A B, then B A),
 * each on a fresh server, and the figure is the paired relative difference in requests/s with
 * its 95% confidence interval.
 *
 * A shared machine's noise can swamp a 1% difference in requests/s, so it also measures the
 * cause directly: the time one frame holds the server's loop (the probe's reading, plus encoding
 * its answer for IPC), in this process, and that time as a share of the frame interval.
 *
 * Usage: node dist/scripts/dev/frame-cost.js [pairs=10] [seconds=3] [frameMs=250]
 */

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSteadyLoad } from '../../bench/run/load/steady-load.ts';
import { startServer } from '../../bench/run/process/child.ts';
import { percentile, summarize } from '../../bench/stats/descriptive.ts';
import { createProbe } from '../../scenarios/probe/probe.ts';

const pairs = Number(process.argv[2] ?? 10);
const seconds = Number(process.argv[3] ?? 3);
const frameMs = Number(process.argv[4] ?? 250);
const WARMUP_MS = 500;

async function requestsPerSec(frames: boolean): Promise<number> {
  const server = await startServer({
    scenario: 'noop',
    variant: 'sync',
    params: {},
    port: 0,
    probe: true,
    timelineIntervalMs: 100,
    stalls: { thresholdMs: 50 },
  });
  const load = startSteadyLoad();
  try {
    load.load({
      variant: 'noop',
      origin: server.url.slice(0, -1),
      requests: [{ method: 'GET', path: '/', headers: {}, body: Buffer.alloc(0) }],
      connections: 10,
      timeoutMs: 10_000,
    });
    await sleep(WARMUP_MS);
    await load.take();
    const reader = frames
      ? setInterval(() => void server.frameProbe(5000).catch(() => null), frameMs)
      : undefined;
    await sleep(seconds * 1000);
    clearInterval(reader);
    const tally = (await load.take()).noop;
    if (!tally) throw new Error('no tally');
    return (tally.completed * 1000) / tally.spanMs;
  } finally {
    await load.close();
    await server.stop();
  }
}

const batch: number[] = [];
const framed: number[] = [];
const diffs: number[] = [];
for (let i = 0; i < pairs; i++) {
  // A B, then B A: drift in the machine's speed falls on both alike.
  const order = i % 2 === 0 ? [false, true] : [true, false];
  const got: Record<string, number> = {};
  for (const frames of order) got[String(frames)] = await requestsPerSec(frames);
  const a = got.false as number;
  const b = got.true as number;
  batch.push(a);
  framed.push(b);
  diffs.push(((b - a) / a) * 100);
  process.stderr.write('.');
}
const s = summarize(diffs);
const round = (x: number | null | undefined) => (x == null ? 'n/a' : x.toFixed(2));
console.log(
  `\nnoop sync, ${pairs} interleaved pairs of ${seconds} s, frames every ${frameMs} ms, 10 connections`,
);
console.log(`batch probe only: ${batch.map((x) => Math.round(x)).join(' ')} req/s`);
console.log(`with frames:      ${framed.map((x) => Math.round(x)).join(' ')} req/s`);
console.log(
  `paired difference (frames vs batch): mean ${round(s.mean)}%, 95% CI [${round(s.ci95?.[0])}%, ${round(s.ci95?.[1])}%]`,
);

// The loop's own time per frame: what runs on it when a frame is asked for (the reading and the
// message to the stall worker), and the answer's encoding, which process.send does as JSON.
const probe = createProbe(100, { stalls: { thresholdMs: 50, root: process.cwd() } });
await probe.ready;
const costsUs: number[] = [];
for (let i = 0; i < 400; i++) {
  await sleep(5);
  const t0 = performance.now();
  const answer = probe.frame();
  const t1 = performance.now();
  const data = await answer;
  const t2 = performance.now();
  JSON.stringify({ type: 'probe:frame:data', data });
  costsUs.push((t1 - t0 + (performance.now() - t2)) * 1000);
}
probe.stop();
costsUs.sort((x, y) => x - y);
const median = percentile(costsUs, 50);
console.log(
  `loop time per frame: median ${median.toFixed(1)} µs, p90 ${percentile(costsUs, 90).toFixed(1)} µs ` +
    `(400 frames): ${((median / 1000 / frameMs) * 100).toFixed(3)}% of a ${frameMs} ms frame`,
);
