/**
 * Measures what the preloaded probe costs a user's server (`bench --cmd`), for docs/own-server.md
 * and closing notes: the same app on a trivial route (test/fixtures/apps/http-app.cjs, /health)
 * with the preload and without it.
 *
 * Why slices, not whole runs: a trivial route's requests/s drifts by 10% or more over a minute on
 * this shared 2-core machine, far more than the cost to be measured. So three processes are kept
 * alive at once, the app with the preload (started as `bench --cmd` starts it, its probe
 * reporting to this harness, the bystander its own) and the same app twice without it, and the
 * load goes to each in turn for `slice` seconds, in a rotating order. Each triple of slices saw
 * the same machine, so the drift cancels in its ratios. The second app without the preload is
 * the control: its ratio to the first (an A/A) is the method's own noise floor, measured beside
 * the cost. Fresh processes every `slices` triples.
 *
 * Per slice: requests/s (autocannon, 10 connections) and the server process's CPU time per
 * request (every thread, from /proc/<pid>/task/<tid>/schedstat in ns; Linux only, else null).
 *
 * Usage: node dist/scripts/dev/preload-overhead.js [processes=4] [slices=12] [slice=1]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../bench/run/app.ts';
import { runLoad } from '../../bench/run/load.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { mean } from '../../bench/stats/descriptive.ts';
import { pairedLogRatioTest, welchTest } from '../../bench/stats/inference.ts';
import { packageRoot } from '../../core/package-info.ts';

const processes = Number(process.argv[2] ?? 4);
const slices = Number(process.argv[3] ?? 12);
const sliceSec = Number(process.argv[4] ?? 1);
const app = join(packageRoot(), 'test', 'fixtures', 'apps', 'http-app.cjs');
const PATH = '/health';

/**
 * On two or more cores, with taskset: this harness (and autocannon in it) on the first core, the
 * apps on the last. Left to the scheduler, where each process lands beside the load generator
 * moved one fresh process's requests/s against another's by up to 10% here, which would hide a
 * cost of 2%.
 */
/** Counted before this process pins itself: the count follows the process's own affinity. */
const cores = availableParallelism();
const PIN =
  process.env.LOOPLAB_NO_PIN === undefined &&
  cores >= 2 &&
  spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' }).status === 0;
const appCpu = String(cores - 1);
const pinned = (argv: string[]) => (PIN ? ['taskset', '-c', appCpu, ...argv] : argv);

interface Server {
  pid: number;
  origin: string;
  stop(): Promise<void>;
}

/** The app as `bench --cmd "node http-app.cjs"` starts it: no --ping, so every request is work. */
async function withPreload(): Promise<Server> {
  const server = await startApp({
    command: pinned(['node', app]).join(' '),
    label: 'with the preload',
    pingPath: null,
    timelineIntervalMs: DEFAULT_OPTIONS.timelineIntervalMs,
    readyTimeoutMs: 15_000,
  });
  return { pid: server.pid as number, origin: server.origin, stop: () => server.stop() };
}

/** The same app, plain `node`; found by the port it prints. */
async function withoutPreload(): Promise<Server> {
  const [file, ...args] = pinned([process.execPath, app]) as [string, ...string[]];
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error('the app exited')));
  });
  return {
    pid: child.pid as number,
    origin: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU time of every thread of `pid` so far, in ns; null where /proc has no schedstat. */
function cpuNs(pid: number): number | null {
  try {
    let sum = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      sum += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    }
    return sum;
  } catch {
    return null;
  }
}

interface Slice {
  rps: number;
  cpuUsPerRequest: number | null;
}

async function slice(server: Server, durationSec: number): Promise<Slice> {
  const before = cpuNs(server.pid);
  const load = await runLoad({
    url: `${server.origin}${PATH}`,
    connections: 10,
    durationSec,
    timeoutSec: 10,
  });
  const after = cpuNs(server.pid);
  const n = load.requestsTotal;
  if (n === 0 || load.errors > 0 || load.non2xx > 0) throw new Error('a slice failed');
  return {
    rps: (n * 1000) / load.elapsedMs,
    cpuUsPerRequest: before === null || after === null ? null : (after - before) / 1000 / n,
  };
}

type Side = 'on' | 'off' | 'control';
const SIDES: Side[] = ['on', 'off', 'control'];
/** Every order of the three, so that none always follows another. */
const ORDERS: Side[][] = [
  ['on', 'off', 'control'],
  ['off', 'control', 'on'],
  ['control', 'on', 'off'],
  ['control', 'off', 'on'],
  ['off', 'on', 'control'],
  ['on', 'control', 'off'],
];

const raw: Record<Side, Slice[]> = { on: [], off: [], control: [] };
for (let p = 0; p < processes; p++) {
  const servers: Record<Side, Server> = {
    on: await withPreload(),
    off: await withoutPreload(),
    control: await withoutPreload(),
  };
  try {
    // Warm-up: each process's JIT and connections, never measured.
    for (const side of SIDES) await slice(servers[side], 1);
    for (let i = 0; i < slices; i++) {
      for (const side of ORDERS[(p * slices + i) % ORDERS.length] as Side[])
        raw[side].push(await slice(servers[side], sliceSec));
      process.stderr.write('.');
    }
  } finally {
    for (const side of SIDES) await servers[side].stop();
  }
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
function ratioLine(base: number[], head: number[]): string {
  const paired = pairedLogRatioTest(base, head);
  const welch = welchTest(base.map(Math.log), head.map(Math.log));
  return (
    `${pct(Math.expm1(paired.meanDiff))}, 95% CI ${pct(Math.expm1(paired.ci[0]))} … ` +
    `${pct(Math.expm1(paired.ci[1]))} (paired t-test on log ratios over ${base.length} slices, ` +
    `p = ${paired.p.toPrecision(2)}; unpaired Welch on the same slices: p = ${welch.p.toPrecision(2)})`
  );
}
const rps = (side: Side) => raw[side].map((s) => s.rps);
const cpu = (side: Side) => raw[side].map((s) => s.cpuUsPerRequest);

console.log(
  `\nhttp-app.cjs GET ${PATH}, ${processes} fresh process triples × ${slices} slices of ${sliceSec} s each, in rotating order${PIN ? `; apps on CPU ${appCpu}, load on CPU 0` : ''}`,
);
for (const side of SIDES)
  console.log(
    `  ${side.padEnd(7)} mean ${mean(rps(side)).toFixed(0)} req/s` +
      (cpu(side).every((x) => x !== null)
        ? `, ${mean(cpu(side) as number[]).toFixed(2)} µs CPU per request`
        : ''),
  );
console.log(`requests/s, the preload against none: ${ratioLine(rps('off'), rps('on'))}`);
console.log(`requests/s, A/A (no preload twice):   ${ratioLine(rps('off'), rps('control'))}`);
if (cpu('on').every((x) => x !== null) && cpu('off').every((x) => x !== null)) {
  const c = (side: Side) => cpu(side) as number[];
  console.log(`CPU per request, the preload against none: ${ratioLine(c('off'), c('on'))}`);
  console.log(`CPU per request, A/A:                      ${ratioLine(c('off'), c('control'))}`);
}
console.log(`raw: ${JSON.stringify(raw)}`);
