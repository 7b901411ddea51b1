/**
 * Helpers for integration tests: run the real CLI in a child process, and check whether a pid
 * is still alive. Every process a test starts is stopped by the test, by its pid.
 */
import { AssertionError } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, Report } from '../../bench/report/types.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { parseProcStat } from '../../bench/run/process/process-group.ts';
import busyWait from '../../scenarios/catalog/busy-wait.ts';

export const CLI = fileURLToPath(new URL('../../scripts/cli.js', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) when the CLI ends. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stderr first matches. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
    for (const l of listeners) l();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    waitForStderr(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = stderr.match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`stderr never matched ${pattern}; it was:\n${stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        done.then(() => {
          check();
          cleanup();
          reject(new Error(`CLI exited before stderr matched ${pattern}; it was:\n${stderr}`));
        });
        check();
      });
    },
  };
}

/** Runs the CLI to completion. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = runCli(args, env);
  const { code, signal } = await run.done;
  return { code, signal, stdout: run.stdout(), stderr: run.stderr() };
}

/**
 * Sends `signal` to `bench <scenario>` a moment into the window of its first run (20 s long), and
 * says how the CLI ended: its exit code, how long it took to, and its server's pid.
 */
export async function interruptBench(scenario: string, signal: NodeJS.Signals, afterMs: number) {
  const run = runCli([
    'bench',
    scenario,
    '--runs',
    '3',
    '--warmup',
    '0.2',
    '--duration',
    '20',
    '--debug',
  ]);
  const [, pid] = await run.waitForStderr(/server pid (\d+)/);
  // The pid is printed at the warm-up (0.2 s); `afterMs` later the run is in its window.
  await new Promise((r) => setTimeout(r, afterMs));
  run.child.kill(signal);
  const started = Date.now();
  const { code } = await run.done;
  return { code, ms: Date.now() - started, pid: Number(pid), stderr: run.stderr() };
}

/**
 * True while a process with this pid runs (signal 0 checks without sending anything). A zombie
 * does not: it has exited, and only its reaping is left, which a container's init may do late.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.state !== 'Z';
  } catch {
    return true; // No /proc (not Linux): it exists.
  }
}

/** Server pids that `--debug` printed. */
export function serverPids(stderr: string): number[] {
  return [...stderr.matchAll(/server pid (\d+)/g)].map((m) => Number(m[1]));
}

/** Waits until none of the pids is alive, or the timeout passes; returns those still alive. */
export async function waitForExit(pids: number[], timeoutMs = 5000): Promise<number[]> {
  const until = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** Pids of live processes whose environment holds `marker` (Linux; elsewhere, none found). */
export async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const env = await readFile(`/proc/${name}/environ`, 'latin1').catch(() => '');
    if (env.includes(marker)) found.push(Number(name));
  }
  return found;
}

/**
 * Runs the CLI to its end with a unique marker in its environment, which every process it starts
 * inherits (a server, a shell, the children of a user's app), and returns what a fault test
 * checks: the exit code, both streams, and the processes of its still alive once the kernel had
 * a moment to finish what the CLI told it (found by the marker, not only by the pids --debug
 * printed, which a signal can beat). `during` gets the running CLI, to signal it, and the marker.
 */
export async function runMarked(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  during?: (run: CliRun, marker: string) => void,
) {
  const marker = `looplab-test-marker-${randomUUID()}`;
  const run = runCli(args, { LOOPLAB_TEST_MARKER: marker, ...env });
  during?.(run, marker);
  const done = await run.done;
  // Killed by the signal before its handlers were installed (the first few hundred ms, while
  // modules load) is the same exit to a shell: 128 + the signal's number.
  const code = done.code ?? (done.signal ? 128 + constants.signals[done.signal] : null);
  const stderr = run.stderr();
  const left = await waitForExit(serverPids(stderr), 3000);
  const until = Date.now() + 3000;
  let marked = await processesWith(marker);
  while (marked.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    marked = await processesWith(marker);
  }
  return { code, stdout: run.stdout(), stderr, left: [...new Set([...left, ...marked])] };
}

/** A benchmark that only has to run, not to measure well: one short run, light load. */
export const TINY_OPTIONS: BenchOptions = {
  durationSec: 0.4,
  warmupSec: 0,
  connections: 2,
  runs: 1,
  pingRateHz: 20,
  timeoutSec: 10,
  timelineIntervalMs: 100,
};

/** A real report in a few seconds: busy-wait's sync and async at 5 ms a request. */
export function tinyBusyWaitReport(runs = 1): Promise<Report> {
  return runBench([{ scenario: busyWait, variants: ['sync', 'async'], params: { ms: 5 } }], {
    ...TINY_OPTIONS,
    durationSec: 0.6,
    runs,
  });
}

/** Runs any command in `cwd` to its end: its exit code, both streams, and how long it took. */
export function runToEnd(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c;
  });
  const started = Date.now();
  return new Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }>(
    (resolve) =>
      child.on('close', (code) =>
        resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 }),
      ),
  );
}

/**
 * Runs a measuring test's body, and once more if an assertion on what it measured failed. On two
 * shared cores one short window can land beside a burst of other work: CI once saw a Fastify
 * route that never blocks with a loop lag p99 of 53 ms, while the checking lane ran beside it.
 * A handler that really blocks (or really does not) shows it in both measurements, so the
 * assertion stays one that can fail; the first failure is printed as a diagnostic, so that a
 * second measurement never goes unseen. Only for bodies that start everything they measure
 * afresh; an error that is not an assertion (a crash, a timeout) fails at once.
 */
export function measuredTwice(t: TestContext, body: () => Promise<void>): Promise<void> {
  return measuredUpTo(t, 2, body);
}

/** measuredTwice, with up to `attempts` measurements: for what a burst of other work can outlast. */
export async function measuredUpTo(
  t: TestContext,
  attempts: number,
  body: () => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await body();
      return;
    } catch (err) {
      if (!(err instanceof AssertionError) || attempt >= attempts) throw err;
      // The lines that say what failed (a verify report's ✗ lines), else the message's first.
      const lines = err.message.split('\n').map((l) => l.trim());
      // A deep-equal's diff: its +/- lines, not its "+ actual - expected" header.
      const failed = lines
        .filter((l) => /^[✗?] |^Expected|Hint:|^[+-] /.test(l) && l !== '+ actual - expected')
        .slice(0, 6);
      t.diagnostic(
        `measured again, after: ${(failed.length > 0 ? failed : lines.slice(0, 1)).join(' | ')}`,
      );
    }
  }
}
