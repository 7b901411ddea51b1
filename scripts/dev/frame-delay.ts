/**
 * Measures how promptly `looplab live`'s frames arrive ("Prompt": under 500 ms from a frame's
 * window closing to the page): a real live session of busy-wait (sync and async, steady load, a
 * frame every 250 ms, stall capture on, as `looplab live busy-wait` runs it), and for each frame
 * event the time from its window closing (the server's clock: frameEndEpochMs) to the looplab
 * process having it (the event's emission). The page's own share (SSE and drawing) comes on top;
 * test/integration/live-e2e.test.ts reads the whole.
 *
 * Usage: node dist/scripts/dev/frame-delay.js [seconds=15] [ms=20]
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLiveSession } from '../../bench/live/session.ts';
import { percentile } from '../../bench/stats/descriptive.ts';
import { getScenario } from '../../scenarios/registry.ts';

const seconds = Number(process.argv[2] ?? 15);
const ms = Number(process.argv[3] ?? 20);
/** Left out: the servers' first frames, while the load and the JIT warm up. */
const WARMUP_MS = 2000;

const session = await startLiveSession({
  scenario: getScenario('busy-wait'),
  params: { ms },
  connections: 10,
  frameIntervalMs: 250,
});
const { startEpochMs } = session.describe();
const delays = new Map<string, number[]>();
let stalls = 0;
session.subscribe((event) => {
  if (event.type === 'stall') stalls++;
  if (event.type !== 'frame' || event.elapsedMs < WARMUP_MS) return;
  const now = performance.timeOrigin + performance.now();
  const list = delays.get(event.variant) ?? [];
  list.push(now - (startEpochMs + event.elapsedMs));
  delays.set(event.variant, list);
});
await sleep(seconds * 1000);
await session.close();

const f = (x: number) => x.toFixed(0);
for (const [variant, list] of delays) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(
    `${variant}: ${sorted.length} frames, window close → looplab: median ${f(percentile(sorted, 50))} ms, ` +
      `p90 ${f(percentile(sorted, 90))} ms, max ${f(sorted.at(-1) as number)} ms; ` +
      `over 500 ms: ${sorted.filter((d) => d > 500).length}`,
  );
}
console.log(`stall events: ${stalls}`);
