/**
 * Measures what the probe's lag sampler costs, for docs/methodology.md: the time one firing's
 * recording takes (raw and back-filled histograms), and the CPU an idle process burns per second
 * with the whole probe on (its 10 ms sampler) against the same process with it off, interleaved.
 *
 * Usage: node dist/scripts/dev/lag-sampler-cost.js [rounds=3] [seconds=5]
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatNumber } from '../../core/numbers.ts';
import { createLagHistograms } from '../../scenarios/probe/lag-histograms.ts';
import { createProbe } from '../../scenarios/probe/probe.ts';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 5);

/** µs per call of `record(lateMs)`, over n calls after a warm-up. */
function recordCostUs(lateMs: number, n: number): number {
  const lag = createLagHistograms(10);
  for (let i = 0; i < 1000; i++) lag.record(lateMs);
  const start = performance.now();
  for (let i = 0; i < n; i++) lag.record(lateMs);
  return ((performance.now() - start) * 1000) / n;
}

console.log(
  `record one firing 0.5 ms late: ${formatNumber(recordCostUs(0.5, 200_000))} µs; ` +
    `one 400 ms late (39 back-filled): ${formatNumber(recordCostUs(400, 20_000))} µs`,
);

/** CPU ms per second of wall time while idle for `seconds`. */
async function idleCpuMsPerSec(): Promise<number> {
  const cpu = process.cpuUsage();
  await sleep(seconds * 1000);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / seconds;
}

const on: number[] = [];
const off: number[] = [];
// A timer keeps the process alive in both modes; the probe's own timers are unref'd.
const keepAlive = setInterval(() => {}, 1000);
for (let r = 0; r < rounds; r++) {
  off.push(await idleCpuMsPerSec());
  const probe = createProbe(100);
  await probe.ready;
  on.push(await idleCpuMsPerSec());
  probe.stop();
  process.stderr.write('.');
}
clearInterval(keepAlive);
const list = (xs: number[]) => xs.map((x) => formatNumber(x)).join(', ');
console.log(
  `\nidle CPU, ms per second, ${rounds} × ${seconds} s interleaved: probe on ${list(on)}; off ${list(off)}`,
);
