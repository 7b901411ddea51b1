/**
 * Measures what the stall watchdog costs, for docs/stalls.md and closing notes: the same handler
 * with stall capture on and off, interleaved run by run (on, off, on, off ...) so drift in the
 * machine's speed hits both alike.
 *
 * - noop: a trivial handler, where the only cost is the heartbeat and an idle worker thread;
 *   the watchdog is on by default only if this costs under 2% of requests/s.
 * - busy-wait ms=1: a server-bound handler with no stall over the threshold.
 * - busy-wait ms=20: a loop stalled nearly all the time, sampled all the time: the price of the
 *   pauses themselves, which lengthen the stalls they sample.
 *
 * Usage: node dist/scripts/dev/stall-overhead.js [runs=8]
 */
import type { CompletedRun } from '../../bench/report/types.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { mean, sampleSd } from '../../bench/stats/descriptive.ts';
import { fiellerRatioInterval, welchTest } from '../../bench/stats/inference.ts';
import { formatNumber, formatPct } from '../../core/numbers.ts';
import { getScenario } from '../../scenarios/registry.ts';

const runs = Number(process.argv[2] ?? 8);
const cases: { scenario: string; params: Record<string, number> }[] = [
  { scenario: 'noop', params: {} },
  { scenario: 'busy-wait', params: { ms: 1 } },
  { scenario: 'busy-wait', params: { ms: 20 } },
];
const THRESHOLD_MS = DEFAULT_OPTIONS.stallThresholdMs ?? 50;

type Mode = 'on' | 'off';

/** on / off, with Fieller's 95% interval: how much of off's throughput on keeps. */
function ratioText(on: number[], off: number[]): string {
  const w = welchTest(off, on);
  const v = (xs: number[]) => (sampleSd(xs) ?? 0) ** 2 / xs.length;
  const ci = fiellerRatioInterval(mean(off), v(off), mean(on), v(on), w.df);
  const pct = (r: number) => formatPct(r - 1);
  return `on/off ${pct(mean(on) / mean(off))}, 95% CI ${ci ? `${pct(ci[0])} to ${pct(ci[1])}` : 'unbounded'} (p = ${w.p.toFixed(2)})`;
}

const line = (label: string, xs: number[], unit: string) =>
  `  ${label.padEnd(4)} ${formatNumber(mean(xs))} ${unit} (sd ${formatNumber(sampleSd(xs) ?? 0)}): ${xs.map((x) => formatNumber(x)).join(' ')}`;

for (const c of cases) {
  const got: Record<Mode, CompletedRun[]> = { on: [], off: [] };
  for (let i = 0; i < runs; i++) {
    for (const mode of ['on', 'off'] as const) {
      const report = await runBench(
        [{ scenario: getScenario(c.scenario), variants: ['sync'], params: c.params }],
        { ...DEFAULT_OPTIONS, runs: 1, stallThresholdMs: mode === 'on' ? THRESHOLD_MS : null },
      );
      const run = report.results[0]?.runs[0];
      if (run?.state !== 'completed') throw new Error(`run failed: ${JSON.stringify(run)}`);
      got[mode].push(run);
      process.stderr.write('.');
    }
  }
  const rps = (m: Mode) => got[m].map((r) => r.requestsPerSec ?? 0);
  const rss = (m: Mode) => got[m].map((r) => (r.rssMaxBytes ?? 0) / 2 ** 20);
  const lag = (m: Mode) => got[m].map((r) => r.lagP99Ms ?? 0);
  // The server's own CPU per request: what the watchdog adds to each, less bound than requests/s
  // to how much of the shared cores the server happened to get.
  const cpu = (m: Mode) =>
    got[m].map(
      (r) => (((r.cpuUserMs ?? 0) + (r.cpuSystemMs ?? 0)) * 1000) / Math.max(1, r.requestsTotal),
    );
  console.log(
    `\n${c.scenario} sync ${JSON.stringify(c.params)}: ${runs} interleaved runs each, ${DEFAULT_OPTIONS.durationSec} s windows, threshold ${THRESHOLD_MS} ms`,
  );
  console.log('requests/s');
  for (const m of ['on', 'off'] as const) console.log(line(m, rps(m), 'req/s'));
  console.log(`  ${ratioText(rps('on'), rps('off'))}`);
  console.log('server CPU per request');
  for (const m of ['on', 'off'] as const) console.log(line(m, cpu(m), 'µs'));
  console.log(`  ${ratioText(cpu('on'), cpu('off'))}`);
  console.log('loop lag p99');
  for (const m of ['on', 'off'] as const) console.log(line(m, lag(m), 'ms'));
  console.log('peak RSS');
  for (const m of ['on', 'off'] as const) console.log(line(m, rss(m), 'MiB'));
  const recorded = got.on.flatMap((r) => (r.stalls?.state === 'recorded' ? [r.stalls] : []));
  const stalled = recorded.reduce((n, s) => n + s.totalMs, 0);
  const paused = recorded.reduce((n, s) => n + s.samplingMs, 0);
  const samples = recorded.reduce((n, s) => n + s.samples, 0);
  const timeline = got.on.reduce(
    (n, r) => n + r.timeline.reduce((t, p) => t + (p.lagMaxMs > THRESHOLD_MS ? p.lagMaxMs : 0), 0),
    0,
  );
  if (stalled > 0)
    console.log(
      `accounting: stalls ${formatNumber(stalled)} ms against ${formatNumber(timeline)} ms of timeline points over the threshold (ratio ${(stalled / timeline).toFixed(2)})`,
    );
  console.log(
    `stalls (on): ${recorded.reduce((n, s) => n + s.count, 0)} in ${recorded.length} runs, ${formatNumber(stalled)} ms stalled, ` +
      `${samples} samples holding the loop ${formatNumber(paused)} ms (${stalled > 0 ? formatPct(paused / stalled) : '–'} of the stalled time); ` +
      `load generator saturated in ${[...got.on, ...got.off].filter((r) => r.loadGenerator.saturated).length} of ${2 * runs} runs`,
  );
}
