/**
 * The first process of a user's command's process group (`bench --cmd`): it starts the command
 * and stays beside it, so that the group dies with the CLI even when the CLI cannot say so.
 *
 * The CLI stops a command by signalling the whole group (app.ts). But a CLI killed outright
 * (SIGKILL, a crash) signals nothing, and an app that is no scenario child has no IPC channel to
 * notice it by. This process does: its stdin is a pipe from the CLI, and when that pipe closes
 * the CLI is gone, so it sends SIGTERM to its group, and SIGKILL after the grace period.
 *
 * Usage (by app.ts only): node app-supervisor.js '<json: { file, args, env, graceMs }>'
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

interface SupervisorConfig {
  file: string;
  args: string[];
  env: Record<string, string>;
  graceMs: number;
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

process.stdin.on('close', () => {
  orphaned = true;
  try {
    process.kill(0, 'SIGTERM');
  } catch {}
  setTimeout(() => {
    try {
      process.kill(0, 'SIGKILL');
    } catch {}
  }, config.graceMs);
});
process.stdin.resume();
