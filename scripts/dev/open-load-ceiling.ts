/**
 * The open-model generator's own ceiling (docs/sweep.md): steps a trivial server
 * (test/fixtures/apps/http-app.cjs, `GET /health`, in a child process) up through rates, 3 s each,
 * and prints per step what the generator offered and achieved, its thread's utilisation and send
 * lag, and whether it says it was the limit. The highest rate held (achieved ≥ 95% of offered,
 * generatorLimited null) is its ceiling on this machine, or the server's, whichever is lower.
 * The CPU this process spent per request sent (both threads: the caller's is idle) is the
 * generator's cost, which a machine busy with other work does not change as it changes the rates.
 *
 *   npm run build && node dist/scripts/dev/open-load-ceiling.js [rates, default 1000,2000,4000,8000,16000] [seconds, default 3]
 */
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startOpenLoad } from '../../bench/run/load/open-load.ts';
import { packageRoot } from '../../core/package-info.ts';

const rates = (process.argv[2] ?? '1000,2000,4000,8000,16000').split(',').map(Number);
const seconds = Number(process.argv[3] ?? 3);

const probe = createServer();
await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
const { port } = probe.address() as { port: number };
await new Promise((r) => probe.close(r));
const app = spawn(
  process.execPath,
  [join(packageRoot(), 'test', 'fixtures', 'apps', 'http-app.cjs')],
  {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  },
);
for (;;) {
  const up = await new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
  if (up) break;
  await new Promise((r) => setTimeout(r, 50));
}
const load = await startOpenLoad({
  url: `http://127.0.0.1:${port}`,
  requests: [{ method: 'GET', path: '/health', headers: {}, body: Buffer.alloc(0) }],
  arrivals: 'poisson',
  maxConnections: 64,
  timeoutSec: 5,
});
try {
  process.stdout.write(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  await load.run(rates[0] ?? 1000, 1);
  process.stdout.write(
    '| offered/s | achieved/s | held | p50 ms | p99 ms | gen. ELU | send lag p99 ms | connections | CPU µs/request | generator-limited |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n',
  );
  for (const rate of rates) {
    const cpu0 = process.cpuUsage();
    const w = await load.run(rate, seconds, { settle: true });
    const cpu = process.cpuUsage(cpu0);
    const s = w.step;
    const held = (s.achievedPerSec ?? 0) >= 0.95 * rate && w.generatorLimited === null;
    process.stdout.write(
      `| ${rate} | ${Math.round(s.achievedPerSec ?? 0)} | ${held ? 'yes' : 'no'} | ${s.latencyMs?.p50.toFixed(2)} | ${s.latencyMs?.p99.toFixed(2)} | ${s.generator.elu.toFixed(2)} | ${s.generator.sendLagP99Ms?.toFixed(2) ?? '-'} | ${s.generator.connections} | ${((cpu.user + cpu.system) / Math.max(1, s.sent)).toFixed(1)} | ${w.generatorLimited ?? '-'} |\n`,
    );
  }
  process.stdout.write(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
} finally {
  await load.close();
  app.kill();
}
