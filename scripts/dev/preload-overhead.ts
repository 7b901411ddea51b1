/**
 * Measures what the preloaded probe costs a user's server (`bench --cmd`), for docs/own-server.md
 * and closing notes: the same app on a trivial route (test/fixtures/apps/http-app.cjs, /health),
 * started with the preload and without it, interleaved run by run, each run a fresh process.
 * Without the preload the app is found by the port it prints. The bystander calls the app's own
 * /health on both sides, so the only difference is the preload.
 *
 * Then, because requests/s on a trivial route swings by tens of percent from run to run on a
 * shared machine, the same pairs once more on what that noise hardly touches: the server's own
 * CPU time per request (from /proc, Linux only), which is what the preload adds to.
 *
 * Usage: node dist/scripts/dev/preload-overhead.js [runs=10] [path=/health]
 * (`/block?ms=1` is a server-bound route: every cycle the preload takes is a request not served.)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompletedRun } from '../../bench/report/types.ts';
import { startApp } from '../../bench/run/app.ts';
import { runLoad } from '../../bench/run/load.ts';
import { measureTarget, type RunTarget } from '../../bench/run/measure-run.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { type MeasuredServer, unprobedServer } from '../../bench/run/target.ts';
import { summarize } from '../../bench/stats/descriptive.ts';
import { pairedLogRatioTest, welchTest } from '../../bench/stats/inference.ts';
import { packageRoot } from '../../core/package-info.ts';

const runs = Number(process.argv[2] ?? 10);
const app = join(packageRoot(), 'test', 'fixtures', 'apps', 'http-app.cjs');
const path = process.argv[3] ?? '/health';
const requests = [{ method: 'GET', path, headers: {}, body: Buffer.alloc(0) }];
const options = { ...DEFAULT_OPTIONS, runs: 1 };

const withPreload: RunTarget = {
  label: 'with the preload',
  requests,
  start: () =>
    startApp({
      command: `node ${app}`,
      label: 'with the preload',
      pingPath: '/health',
      timelineIntervalMs: options.timelineIntervalMs,
      readyTimeoutMs: 15_000,
    }),
};

const withoutPreload: RunTarget = {
  label: 'without the preload',
  requests,
  start: async (): Promise<MeasuredServer> => {
    const child = spawn(process.execPath, [app], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error('the app exited')));
    });
    const server = unprobedServer(`http://127.0.0.1:${port}`, '/health');
    return {
      ...server,
      pid: child.pid ?? null,
      stop: async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      },
    };
  },
};

function cpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat: user and system time in clock ticks (100 per second).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000;
}

/** The server's CPU time per request over a 3 s load, in µs, after a 1 s warm-up. */
async function cpuPerRequestUs(target: RunTarget): Promise<number> {
  const server = await target.start();
  try {
    const load = { url: `${server.origin}${path}`, connections: 10, timeoutSec: 10 };
    await runLoad({ ...load, durationSec: 1 });
    const before = cpuMs(server.pid as number);
    const result = await runLoad({ ...load, durationSec: 3 });
    return ((cpuMs(server.pid as number) - before) * 1000) / result.requestsTotal;
  } finally {
    await server.stop();
  }
}

const rps: Record<'on' | 'off', number[]> = { on: [], off: [] };
for (let i = 1; i <= runs; i++) {
  // Alternate which goes first, so neither always runs on a machine the other just warmed.
  const order = i % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const);
  for (const side of order) {
    const record = await measureTarget(i, side === 'on' ? withPreload : withoutPreload, options);
    if (record.state !== 'completed') throw new Error(`run failed: ${record.reason}`);
    rps[side].push((record as CompletedRun).requestsPerSec ?? 0);
    process.stderr.write('.');
  }
}
const line = (label: string, xs: number[]) => {
  const s = summarize(xs);
  return `${label}: ${s.mean?.toFixed(0)} req/s, 95% CI ${s.ci95?.map((x) => x.toFixed(0)).join('–')}; runs ${xs.map((x) => Math.round(x)).join(' ')}`;
};
const paired = pairedLogRatioTest(rps.off, rps.on);
const welch = welchTest(rps.off, rps.on);
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
console.log(
  `\nhttp-app.cjs GET ${path}, ${runs} interleaved pairs, ${options.durationSec} s windows`,
);
console.log(line('with the preload   ', rps.on));
console.log(line('without the preload', rps.off));
console.log(
  `preload's cost: ${pct(-Math.expm1(paired.meanDiff))} of requests/s (geometric mean over pairs), ` +
    `95% CI ${pct(-Math.expm1(paired.ci[1]))} … ${pct(-Math.expm1(paired.ci[0]))}; paired t-test on log ratios p = ${paired.p.toPrecision(2)}; Welch p = ${welch.p.toPrecision(2)}`,
);

if (process.platform === 'linux') {
  const cpu: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let i = 1; i <= runs; i++) {
    const order = i % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const side of order) {
      cpu[side].push(await cpuPerRequestUs(side === 'on' ? withPreload : withoutPreload));
      process.stderr.write('.');
    }
  }
  const t = pairedLogRatioTest(cpu.off, cpu.on);
  const us = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' ');
  console.log(`\nthe server's CPU time per request (µs), ${runs} interleaved pairs:`);
  console.log(`with the preload   : ${summarize(cpu.on).mean?.toFixed(1)}; runs ${us(cpu.on)}`);
  console.log(`without the preload: ${summarize(cpu.off).mean?.toFixed(1)}; runs ${us(cpu.off)}`);
  console.log(
    `preload's cost: ${pct(Math.expm1(t.meanDiff))} more CPU per request, 95% CI ${pct(Math.expm1(t.ci[0]))} … ${pct(Math.expm1(t.ci[1]))} (paired t-test on log ratios, p = ${t.p.toPrecision(2)})`,
  );
}
