/**
 * A harness for measuring a small cost to a live server, for the development tools that measure
 * what looplab costs the servers it watches (preload-overhead.ts, stall-overhead.ts).
 *
 * Why slices, not whole runs: a trivial route's requests/s drifts by 10% or more over a minute on
 * this shared 2-core machine, far more than the cost to be measured. So three processes are kept
 * alive at once, `on` (with the cost), `off` (without it) and `control` (without it, a second
 * copy), and the load goes to each in turn for `sliceSec` seconds, in a rotating order. Each
 * triple of slices saw the same machine, so the drift cancels in its ratios. The control's ratio
 * to `off` (an A/A) is the method's own noise floor, measured beside the cost. Fresh processes
 * every `slices` triples.
 *
 * Per slice: requests/s (autocannon, 10 connections) and the server process's CPU time per
 * request (every thread, from /proc/<pid>/task/<tid>/schedstat in ns; Linux only, else null).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../bench/run/app/app.ts';
import { runLoad } from '../../bench/run/load/load.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { mean } from '../../bench/stats/descriptive.ts';
import { pairedLogRatioTest, welchTest } from '../../bench/stats/inference.ts';
import { packageRoot } from '../../core/package-info.ts';

/** A plain node:http app whose costs are known: /health answers at once, /block?ms= spins. */
export const APP = join(packageRoot(), 'test', 'fixtures', 'apps', 'http-app.cjs');

/**
 * On two or more cores, with taskset: this harness (and autocannon in it) on the first core, the
 * apps on the last. Left to the scheduler, where each process lands beside the load generator
 * moved one fresh process's requests/s against another's by up to 10% here, which would hide a
 * cost of 2%. Pinned, every thread of an app shares one core: a cost paid on another thread of
 * the app (a watchdog's) is paid by its loop too, the worst case.
 */
/** Counted before this process pins itself: the count follows the process's own affinity. */
const cores = availableParallelism();
export const PINNED =
  process.env.LOOPLAB_NO_PIN === undefined &&
  cores >= 2 &&
  spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' }).status === 0;
const appCpu = String(cores - 1);
const pinned = (argv: string[]) => (PINNED ? ['taskset', '-c', appCpu, ...argv] : argv);

export interface Server {
  pid: number;
  origin: string;
  stop(): Promise<void>;
}

/**
 * The app as `bench --cmd "node http-app.cjs"` starts it: no --ping, so every request is work;
 * the stall watchdog on at `stallThresholdMs`, or off.
 */
export async function withPreload(stallThresholdMs: number | null = null): Promise<Server> {
  const server = await startApp({
    command: pinned(['node', APP]).join(' '),
    label: 'with the preload',
    pingPath: null,
    timelineIntervalMs: DEFAULT_OPTIONS.timelineIntervalMs,
    stallThresholdMs,
    readyTimeoutMs: 15_000,
  });
  return { pid: server.pid as number, origin: server.origin, stop: () => server.stop() };
}

/** The same app, plain `node`; found by the port it prints. */
export async function withoutPreload(): Promise<Server> {
  const [file, ...args] = pinned([process.execPath, APP]) as [string, ...string[]];
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

export interface Slice {
  rps: number;
  cpuUsPerRequest: number | null;
}

async function slice(server: Server, path: string, durationSec: number): Promise<Slice> {
  const before = cpuNs(server.pid);
  const load = await runLoad({
    url: `${server.origin}${path}`,
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

export type Side = 'on' | 'off' | 'control';
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

export interface SliceDesign {
  /** How each side's server starts. */
  start: Record<Side, () => Promise<Server>>;
  path: string;
  processes: number;
  slices: number;
  sliceSec: number;
}

/** Every slice of every side, measured as the module comment says; a dot on stderr per triple. */
export async function measureSlices(d: SliceDesign): Promise<Record<Side, Slice[]>> {
  const raw: Record<Side, Slice[]> = { on: [], off: [], control: [] };
  for (let p = 0; p < d.processes; p++) {
    const servers = {} as Record<Side, Server>;
    try {
      for (const side of SIDES) servers[side] = await d.start[side]();
      // Warm-up: each process's JIT and connections, never measured.
      for (const side of SIDES) await slice(servers[side], d.path, 1);
      for (let i = 0; i < d.slices; i++) {
        for (const side of ORDERS[(p * d.slices + i) % ORDERS.length] as Side[])
          raw[side].push(await slice(servers[side], d.path, d.sliceSec));
        process.stderr.write('.');
      }
    } finally {
      for (const side of SIDES) await servers[side]?.stop();
    }
  }
  return raw;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;

/** head against base: the paired test's mean change and 95% interval, and Welch's p beside it. */
function ratioLine(base: number[], head: number[]): string {
  const paired = pairedLogRatioTest(base, head);
  const welch = welchTest(base.map(Math.log), head.map(Math.log));
  if (paired === null || welch === null) return 'every slice alike: no noise to test against';
  return (
    `${pct(Math.expm1(paired.meanDiff))}, 95% CI ${pct(Math.expm1(paired.ci[0]))} … ` +
    `${pct(Math.expm1(paired.ci[1]))} (paired t-test on log ratios over ${base.length} slices, ` +
    `p = ${paired.p.toPrecision(2)}; unpaired Welch on the same slices: p = ${welch.p.toPrecision(2)})`
  );
}

/** Prints what `on` costs against `off`, with the A/A beside it, and the raw slices. */
export function printSlices(
  raw: Record<Side, Slice[]>,
  d: SliceDesign,
  names: { on: string; off: string },
): void {
  const rps = (side: Side) => raw[side].map((s) => s.rps);
  const cpu = (side: Side) => raw[side].map((s) => s.cpuUsPerRequest);
  console.log(
    `\nhttp-app.cjs GET ${d.path}, ${d.processes} fresh process triples × ${d.slices} slices of ${d.sliceSec} s each, in rotating order${PINNED ? `; apps on CPU ${appCpu}, load on CPU 0` : ''}`,
  );
  const label = { on: names.on, off: names.off, control: `${names.off} (control)` };
  for (const side of SIDES)
    console.log(
      `  ${label[side]}: mean ${mean(rps(side)).toFixed(0)} req/s` +
        (cpu(side).every((x) => x !== null)
          ? `, ${mean(cpu(side) as number[]).toFixed(2)} µs CPU per request`
          : ''),
    );
  console.log(`requests/s, ${names.on} against ${names.off}: ${ratioLine(rps('off'), rps('on'))}`);
  console.log(`requests/s, A/A (${names.off} twice): ${ratioLine(rps('off'), rps('control'))}`);
  if (SIDES.every((side) => cpu(side).every((x) => x !== null))) {
    const c = (side: Side) => cpu(side) as number[];
    console.log(
      `CPU per request, ${names.on} against ${names.off}: ${ratioLine(c('off'), c('on'))}`,
    );
    console.log(`CPU per request, A/A: ${ratioLine(c('off'), c('control'))}`);
  }
  console.log(`raw: ${JSON.stringify(raw)}`);
}
