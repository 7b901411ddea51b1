/**
 * Running Clinic.js Doctor on one scenario variant under autocannon load, around its known traps:
 *
 * - it exits silently without a TTY unless NO_INSIGHT is set (its analytics prompt waits);
 * - it opens a browser unless --open=false;
 * - it needs the load command given explicitly: `--on-port` runs ours with $PORT filled in, aimed
 *   at http://127.0.0.1:$PORT/ (the server binds 127.0.0.1 only);
 * - an interrupted run leaves node_trace.*.log files in its working directory that make the next
 *   run refuse: it runs in a private temporary directory, so none is ever left to find, and we
 *   never touch a user's files;
 * - bubbleprof hangs on Node 20 and 24: only Doctor is run, and bounded in time;
 * - its whole process tree (clinic, the server, autocannon) runs in a process group of its own,
 *   killed as one on timeout or interrupt.
 *
 * Clinic is an optional (dev) dependency: its tree carries long-deprecated packages that the core
 * must not pull in.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { moduleUrl } from '../../core/module-url.ts';
import type { ChildConfig } from '../../scenarios/probe/protocol.ts';
import type { Params } from '../../scenarios/types.ts';
import { KILL_GRACE_MS } from '../run/process/child.ts';
import { type DoctorAnalysis, parseDoctorAnalysis } from './doctor-analysis.ts';

const SERVER_SCRIPT = fileURLToPath(moduleUrl(import.meta.url, '../../scenarios/server/server'));
const OUTPUT_TAIL = 2000;
/** Doctor's analysis and page take 10-20 s after the load on a busy 2-core machine. */
const ANALYSIS_ALLOWANCE_MS = 120_000;

export interface DoctorOptions {
  scenario: string;
  variant: string;
  params: Params;
  durationSec: number;
  connections: number;
  signal?: AbortSignal;
  /** Clinic's own output, line by line (progress). */
  onOutput?: (line: string) => void;
}

export interface DoctorResult {
  /** Doctor's HTML page. */
  html: string;
  analysis: DoctorAnalysis;
}

/**
 * Where clinic's CLI is, resolved as a package from `from` (this module).
 *
 * @throws {LooplabError} LOOPLAB_ERR_CLINIC_MISSING with how to install it.
 */
export function resolveClinic(from: string = import.meta.url): string {
  try {
    return createRequire(from).resolve('clinic/bin.js');
  } catch (err) {
    throw new LooplabError(
      ERROR_CODES.CLINIC_MISSING,
      'Clinic.js is not installed (it is optional); install it with: npm install --save-dev clinic',
      { cause: err },
    );
  }
}

/** The shell command clinic runs once the server listens: autocannon on the port it found. */
function loadCommand(o: DoctorOptions): string {
  const autocannon = createRequire(import.meta.url).resolve('autocannon');
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  // $PORT is left for clinic to fill in (it substitutes it before the shell sees it).
  return `${q(process.execPath)} ${q(autocannon)} -d ${o.durationSec} -c ${o.connections} http://127.0.0.1:$PORT/`;
}

/** Removes node_trace.*.log files a killed run left: clinic refuses to start beside them. */
async function removeStaleTraceLogs(dir: string): Promise<void> {
  const names = await readdir(dir);
  await Promise.all(
    names
      .filter((n) => /^node_trace\.\d+\.log$/.test(n))
      .map((n) => rm(join(dir, n), { force: true })),
  );
}

/**
 * Runs Doctor on one variant and returns its page and verdict.
 *
 * @throws {LooplabError} LOOPLAB_ERR_CLINIC_MISSING; LOOPLAB_ERR_DOCTOR_FAILED when clinic exits
 *   with an error, outlives its time, or writes no analysis. Rethrows the abort reason when aborted.
 */
export async function runDoctor(o: DoctorOptions): Promise<DoctorResult> {
  const clinic = resolveClinic();
  const work = await mkdtemp(join(tmpdir(), 'looplab-doctor-'));
  try {
    await removeStaleTraceLogs(work);
    const config: ChildConfig = {
      scenario: o.scenario,
      variant: o.variant,
      params: o.params,
      port: 0,
      // Doctor samples the loop itself; our probe would only add its own timers.
      probe: false,
      timelineIntervalMs: 100,
    };
    const dest = join(work, 'out');
    const args = [
      clinic,
      'doctor',
      '--open=false',
      '--dest',
      dest,
      '--on-port',
      loadCommand(o),
      '--',
      process.execPath,
      SERVER_SCRIPT,
      JSON.stringify(config),
    ];
    await runClinic(args, work, o.durationSec * 1000 + ANALYSIS_ALLOWANCE_MS, o);
    const page = (await readdir(dest).catch(() => [])).find((n) =>
      n.endsWith('.clinic-doctor.html'),
    );
    if (!page)
      throw new LooplabError(
        ERROR_CODES.DOCTOR_FAILED,
        'Clinic.js Doctor finished but wrote no HTML page',
      );
    const html = await readFile(join(dest, page), 'utf8');
    const analysis = parseDoctorAnalysis(html);
    if (!analysis) {
      throw new LooplabError(
        ERROR_CODES.DOCTOR_FAILED,
        `Clinic.js Doctor's page ${page} holds no analysis`,
      );
    }
    return { html, analysis };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function runClinic(
  args: string[],
  cwd: string,
  timeoutMs: number,
  o: DoctorOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    o.signal?.throwIfAborted();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, NO_INSIGHT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own: clinic, the server and autocannon are stopped together.
      detached: true,
    });
    let tail = '';
    let pending = '';
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) o.onOutput?.(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);

    let stopping: Error | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const stop = (why: Error) => {
      if (stopping) return;
      stopping = why;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(
      () =>
        stop(
          new LooplabError(
            ERROR_CODES.DOCTOR_FAILED,
            `Clinic.js Doctor did not finish within ${Math.round(timeoutMs / 1000)} s; stopped it`,
          ),
        ),
      timeoutMs,
    );
    const onAbort = () => stop(o.signal?.reason as Error);
    o.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (err) => stop(err));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      // Whatever clinic left running (a server it lost track of) goes with it.
      killGroup('SIGKILL');
      if (stopping) return reject(stopping);
      if (code === 0) return resolve();
      const last = tail.trim().split('\n').slice(-3).join(' | ');
      reject(
        new LooplabError(
          ERROR_CODES.DOCTOR_FAILED,
          `Clinic.js Doctor exited with ${signal ?? `code ${code}`}: ${last || 'no output'}`,
        ),
      );
    });
  });
}
