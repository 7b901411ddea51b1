/**
 * Why 8 pool threads can serve more than 2 on 2 cores (lesson 3's last claim): measures, for the
 * crypto-pbkdf2 async server under lesson 3's load (10 connections), where each thread's time
 * went, from Linux's /proc/<pid>/task/<tid>/schedstat (on a core, waiting for a core, asleep).
 *
 * - The pool: a libuv thread sleeps only when the queue is empty, so "asleep" is the time the
 *   pool had no job to take. The preload (threadpool-in-flight.ts) also times how often more
 *   derivations were in flight than the pool has threads.
 * - CPU per request: if it is the same for both sizes, more throughput means more CPU won.
 * - Where that CPU came from: the machine's idle time, the load generator's (this process) time
 *   on a core, and that of `competitors` busy loops, started in this session (`same`: one
 *   autogroup with the server and the load generator, where CFS shares CPU per thread) or each
 *   in a session of its own (`own`: an autogroup each, shared per group).
 *
 * Usage: node dist/scripts/dev/threadpool-shares.js [runs=3] [sizes=2,8] [competitors=0] [same|own]
 * Linux only. Sizes are interleaved run by run, each in a fresh server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { runLoad } from '../../bench/run/load/load.ts';
import { startServer } from '../../bench/run/process/child.ts';

const runs = Number(process.argv[2] ?? 3);
const sizes = (process.argv[3] ?? '2,8').split(',').map(Number);
const competitors = Number(process.argv[4] ?? 0);
const session = process.argv[5] === 'own' ? 'own' : 'same';
const WARMUP_SEC = 0.5;
const WINDOW_SEC = 3;
const CONNECTIONS = 10;
const PRELOAD = fileURLToPath(new URL('./threadpool-in-flight.js', import.meta.url));

interface Thread {
  tid: number;
  comm: string;
  /** schedstat: ns on a core, ns runnable but waiting for one. */
  cpuNs: number;
  waitNs: number;
}

function threads(pid: number): Thread[] {
  const out: Thread[] = [];
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [cpu, wait] = readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ');
      const comm = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
      out.push({ tid: Number(t), comm, cpuNs: Number(cpu), waitNs: Number(wait) });
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return out;
}

/** Each thread's time in the window, by tid. */
function delta(before: Thread[], after: Thread[]): Thread[] {
  return after.map((a) => {
    const b = before.find((x) => x.tid === a.tid);
    return { ...a, cpuNs: a.cpuNs - (b?.cpuNs ?? 0), waitNs: a.waitNs - (b?.waitNs ?? 0) };
  });
}

/** The machine's idle and total jiffies, from the first line of /proc/stat. */
function machine(): { idle: number; total: number } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1);
  const n = f.map(Number);
  return { idle: (n[3] ?? 0) + (n[4] ?? 0), total: n.reduce((s, x) => s + x, 0) };
}

function processCpuNs(pid: number): number {
  return threads(pid).reduce((s, t) => s + t.cpuNs, 0);
}

function startCompetitors(): ChildProcess[] {
  return Array.from({ length: competitors }, () =>
    // detached: setsid(), a session and so an autogroup of its own.
    spawn(process.execPath, ['-e', 'for (;;) {}'], {
      stdio: 'ignore',
      detached: session === 'own',
    }),
  );
}

async function measure(size: number, dir: string) {
  const inFlightFile = join(dir, `in-flight-${size}.json`);
  const server = await startServer(
    {
      scenario: 'crypto-pbkdf2',
      variant: 'async',
      // Lesson 3's default: PBKDF2-SHA512, 20,000 iterations per request.
      params: { iterations: 20_000 },
      port: 0,
      probe: true,
      timelineIntervalMs: 100,
    },
    {
      execArgv: ['--import', PRELOAD],
      env: {
        ...process.env,
        UV_THREADPOOL_SIZE: String(size),
        LOOPLAB_IN_FLIGHT_FILE: inFlightFile,
      },
    },
  );
  const rivals = startCompetitors();
  try {
    await runLoad({
      url: server.url,
      connections: CONNECTIONS,
      durationSec: WARMUP_SEC,
      timeoutSec: 10,
    });
    const before = threads(server.pid);
    const self = processCpuNs(process.pid);
    const rivalsCpu = rivals.map((r) => processCpuNs(r.pid as number));
    const m = machine();
    const openedAt = performance.now();
    process.kill(server.pid, 'SIGUSR2');
    const load = await runLoad({
      url: server.url,
      connections: CONNECTIONS,
      durationSec: WINDOW_SEC,
      timeoutSec: 10,
    });
    process.kill(server.pid, 'SIGUSR2');
    const spent = delta(before, threads(server.pid));
    // The same clock as the snapshots: the threads' times add up to it.
    const wallNs = (performance.now() - openedAt) * 1e6;
    const m2 = machine();
    const selfNs = processCpuNs(process.pid) - self;
    const rivalsNs = rivals.reduce(
      (s, r, i) => s + processCpuNs(r.pid as number) - (rivalsCpu[i] ?? 0),
      0,
    );
    await sleep(100);
    const msAt = JSON.parse(readFileSync(inFlightFile, 'utf8')) as Record<string, number>;
    const totalMs = Object.values(msAt).reduce((s, x) => s + x, 0);
    const queuedMs = Object.entries(msAt)
      .filter(([n]) => Number(n) > size)
      .reduce((s, [, x]) => s + x, 0);
    // The pool's threads: named libuv-worker where libuv names them (1.50+), else the busiest
    // threads but the loop's (tid = pid); the next one's share is printed to show the gap.
    const others = spent.filter((t) => t.tid !== server.pid).sort((a, b) => b.cpuNs - a.cpuNs);
    const named = others.filter((t) => t.comm === 'libuv-worker');
    const pool = named.length === size ? named : others.slice(0, size);
    const rest = others.filter((t) => !pool.includes(t));
    const loop = spent.find((t) => t.tid === server.pid) as Thread;
    const sum = (ts: Thread[], k: 'cpuNs' | 'waitNs') => ts.reduce((s, t) => s + t[k], 0) / wallNs;
    const poolCpu = sum(pool, 'cpuNs');
    const poolWait = sum(pool, 'waitNs');
    const requests = load.requestsTotal;
    if (load.non2xx > 0 || load.errors > 0)
      throw new Error(`size ${size}: ${load.non2xx} non-2xx, ${load.errors} errors`);
    return {
      size,
      reqPerSec: requests / (load.elapsedMs / 1000),
      cpuMsPerRequest: spent.reduce((s, t) => s + t.cpuNs, 0) / 1e6 / requests,
      poolCpu,
      poolWait,
      poolAsleep: pool.length - poolCpu - poolWait,
      queued: totalMs > 0 ? queuedMs / totalMs : null,
      loopCpu: loop.cpuNs / wallNs,
      loopWait: loop.waitNs / wallNs,
      otherServerThreadsCpu: sum(rest, 'cpuNs'),
      nextThreadCpu: (rest[0]?.cpuNs ?? 0) / wallNs,
      loadGeneratorCpu: selfNs / wallNs,
      competitorsCpu: rivalsNs / wallNs,
      machineIdleCores:
        ((m2.idle - m.idle) / (m2.total - m.total)) * (m.total > 0 ? cpuCount() : 0),
    };
  } finally {
    for (const r of rivals) r.kill('SIGKILL');
    await server.stop();
  }
}

function cpuCount(): number {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d/.test(l)).length;
}

const f2 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
const dir = mkdtempSync(join(tmpdir(), 'threadpool-shares-'));
const rows: Awaited<ReturnType<typeof measure>>[] = [];
try {
  for (let i = 0; i < runs; i++)
    for (const size of sizes) {
      rows.push(await measure(size, dir));
      process.stderr.write('.');
    }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\ncrypto-pbkdf2 async, ${CONNECTIONS} connections, ${WINDOW_SEC} s windows, ${runs} runs per size, ` +
    `${competitors} busy-loop competitors (${session} session), ${cpuCount()} cores, Node ${process.version}`,
);
console.log(
  'Times are in threads (cores) over the window: pool on a core / waiting for a core / asleep (no job).',
);
console.log(
  'size  req/s  CPU ms/req  pool cpu/wait/asleep  >size in flight  loop cpu/wait  other server threads (next)  load gen  competitors  machine idle',
);
for (const r of rows)
  console.log(
    `${String(r.size).padStart(4)}  ${r.reqPerSec.toFixed(0).padStart(5)}  ${r.cpuMsPerRequest.toFixed(2).padStart(10)}  ` +
      `${f2(r.poolCpu)}/${f2(r.poolWait)}/${f2(r.poolAsleep)}`.padEnd(20) +
      `  ${r.queued === null ? 'n/a' : `${(r.queued * 100).toFixed(1)}%`}`.padStart(17) +
      `  ${f2(r.loopCpu)}/${f2(r.loopWait)}`.padEnd(15) +
      `  ${f2(r.otherServerThreadsCpu)} (${f2(r.nextThreadCpu)})`.padEnd(29) +
      `  ${f2(r.loadGeneratorCpu).padStart(8)}  ${f2(r.competitorsCpu).padStart(11)}  ${f2(r.machineIdleCores).padStart(12)}`,
  );
for (const size of sizes) {
  const mine = rows.filter((r) => r.size === size);
  const mean = (k: keyof (typeof rows)[number]) =>
    mine.reduce((s, r) => s + ((r[k] as number | null) ?? 0), 0) / mine.length;
  console.log(
    `mean ${size}: ${mean('reqPerSec').toFixed(0)} req/s, ${mean('cpuMsPerRequest').toFixed(2)} CPU ms/req, ` +
      `pool on a core ${f2(mean('poolCpu'))}, waiting ${f2(mean('poolWait'))}, asleep ${f2(mean('poolAsleep'))}, ` +
      `>size in flight ${(mean('queued') * 100).toFixed(1)}%, load generator ${f2(mean('loadGeneratorCpu'))}, ` +
      `competitors ${f2(mean('competitorsCpu'))}, machine idle ${f2(mean('machineIdleCores'))}`,
  );
}
const [a, b] = sizes;
if (a !== undefined && b !== undefined) {
  const rate = (s: number) => {
    const mine = rows.filter((r) => r.size === s);
    return mine.reduce((x, r) => x + r.reqPerSec, 0) / mine.length;
  };
  console.log(
    `${b} threads / ${a} threads: ${(rate(b) / rate(a)).toFixed(2)}× the requests per second`,
  );
}
