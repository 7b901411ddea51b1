/**
 * Measures what the in-server probe costs, for docs/methodology.md and closing notes:
 *
 * 1. Under load: the same handler with the probe on and off, interleaved run by run, on a
 *    trivial handler (noop) and on a server-bound one (busy-wait ms=1, where every cycle the
 *    probe takes is a request not served).
 * 2. At rest: the CPU time an idle server burns per second with the probe on and off, read from
 *    /proc (Linux only).
 *
 * Usage: node dist/scripts/dev/probe-overhead.js [runs=5]
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CompletedRun } from '../../bench/report/types.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { startServer } from '../../bench/run/process/child.ts';
import { coefficientOfVariation, summarize } from '../../bench/stats/descriptive.ts';
import { formatNumber } from '../../core/numbers.ts';
import { getScenario } from '../../scenarios/registry.ts';

const runs = Number(process.argv[2] ?? 5);
const cases: { scenario: string; params: Record<string, number> }[] = [
  { scenario: 'noop', params: {} },
  { scenario: 'busy-wait', params: { ms: 1 } },
];

function line(label: string, xs: number[]): string {
  const s = summarize(xs);
  const half = s.ci95 ? (s.ci95[1] - s.ci95[0]) / 2 : 0;
  const cv = coefficientOfVariation(xs);
  return `${label.padEnd(10)} ${formatNumber(s.mean ?? 0)} ±${formatNumber(half)} req/s (CV ${((cv ?? 0) * 100).toFixed(1)}%)  runs: ${xs.map((x) => Math.round(x)).join(' ')}`;
}

for (const c of cases) {
  const rps: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const saturated: string[] = [];
  for (let i = 0; i < runs; i++) {
    for (const mode of ['on', 'off'] as const) {
      const report = await runBench(
        [{ scenario: getScenario(c.scenario), variants: ['sync'], params: c.params }],
        { ...DEFAULT_OPTIONS, runs: 1 },
        { probe: mode === 'on' },
      );
      const run = report.results[0]?.runs[0] as CompletedRun;
      if (run.state !== 'completed') throw new Error(`run failed: ${JSON.stringify(run)}`);
      rps[mode].push(run.requestsPerSec ?? 0);
      if (run.loadGenerator.saturated) saturated.push(`${mode}#${i + 1}`);
      process.stderr.write('.');
    }
  }
  const on = summarize(rps.on).mean ?? 0;
  const off = summarize(rps.off).mean ?? 0;
  console.log(
    `\n${c.scenario} sync ${JSON.stringify(c.params)}, ${runs} interleaved runs each, ${DEFAULT_OPTIONS.durationSec} s windows`,
  );
  console.log(line('probe on', rps.on));
  console.log(line('probe off', rps.off));
  console.log(
    `difference: ${(((on - off) / off) * 100).toFixed(1)}% (on vs off); load generator saturated in: ${saturated.join(' ') || 'none'}`,
  );
}

function cpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat: user and system time in clock ticks (100 per second).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000;
}

if (process.platform === 'linux') {
  console.log('\nidle server, 10 s each:');
  for (const probe of [true, false]) {
    const server = await startServer({
      scenario: 'noop',
      variant: 'sync',
      params: {},
      port: 0,
      probe,
      timelineIntervalMs: 100,
    });
    await sleep(1000);
    const before = cpuMs(server.pid);
    await sleep(10_000);
    const used = cpuMs(server.pid) - before;
    await server.stop();
    console.log(`probe ${probe ? 'on ' : 'off'}: ${(used / 10).toFixed(1)} ms CPU per second`);
  }
}
