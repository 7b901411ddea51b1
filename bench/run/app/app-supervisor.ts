/**
 * The first process of a user's command's process group (`bench --cmd`): it starts the command
 * and stays beside it, so that the group dies with the CLI even when the CLI cannot say so.
 *
 * The CLI stops a command by signalling the whole group (app.ts). But a CLI killed outright
 * (SIGKILL, a crash) signals nothing, and an app that is no scenario child has no IPC channel to
 * notice it by. This process does: its stdin is a pipe from the CLI, and when that pipe closes
 * the CLI is gone, so it sends SIGTERM to its group (and to what the command started outside it,
 * process-group.ts), and SIGKILL after the grace period.
 *
 * Usage (by app.ts only): node app-supervisor.js '<json: { file, args, env, mark, graceMs, orphanedFolder }>'
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { runningProcesses } from '../process/process-group.ts';

export interface SupervisorConfig {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** The environment entry that marks the command's processes outside the group too. */
  mark: string;
  graceMs: number;
  /**
   * The probe socket's private folder: a CLI killed outright cannot remove it, so the supervisor
   * does once orphaned (it is the CLI's own mkdtemp folder, nobody else's).
   */
  orphanedFolder?: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as SupervisorConfig;
let orphaned = false;

const child = spawn(config.file, config.args, {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, ...config.env },
});
child.on('error', (err) => {
  process.stderr.write(`looplab: cannot start ${config.file}: ${err.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  // Once orphaned, the group's stragglers still need their SIGKILL; stay for it.
  if (orphaned) return;
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});

// A signal to the group reaches the command as well: wait for it to exit, then follow.
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});

/** `signal` to what carries the mark outside the group (process-group.ts), then to the group. */
function signalAll(signal: NodeJS.Signals): void {
  for (const target of [...(runningProcesses(process.pid, config.mark) ?? []), 0]) {
    try {
      process.kill(target, signal);
    } catch {}
  }
}

process.stdin.on('close', () => {
  orphaned = true;
  signalAll('SIGTERM');
  // The socket file goes with its folder; connections already made to it stay open. After the
  // signal, and never fatal: this process is the only one left to reap the command.
  try {
    if (config.orphanedFolder) rmSync(config.orphanedFolder, { recursive: true, force: true });
  } catch {}
  setTimeout(() => signalAll('SIGKILL'), config.graceMs);
  // Where /proc tells, leave as soon as nothing else of the command runs, rather than outlive
  // the CLI by the whole grace period.
  setInterval(() => {
    if (runningProcesses(process.pid, config.mark)?.length === 0) process.exit(0);
  }, 50);
});
process.stdin.resume();
