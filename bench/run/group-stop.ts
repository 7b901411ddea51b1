/**
 * Stopping a process group and what carries its mark outside it (process-group.ts): a user's
 * command (`bench --cmd`, app.ts) and a scenario server with whatever its handler started (fork.ts)
 * alike. SIGTERM first, SIGKILL after the grace period; a stop resolves once none of it runs.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupExists, runningProcesses } from './process-group.ts';
import { KILL_GRACE_MS } from './reaper.ts';

/** How often, at most, a stop checks whether any process of the group is left. */
const GROUP_POLL_MS = 20;
const ZOMBIE_ALLOWANCE_MS = 3000;

/** `signal` to group `pgid`, and to each of `pids`: what carries its mark, outside it too. */
export function signalAll(
  pgid: number,
  pids: readonly number[] | null,
  signal: NodeJS.Signals,
): void {
  for (const target of [-pgid, ...(pids ?? [])]) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}

const gone = (pgid: number, left: number[] | null) =>
  left === null ? !groupExists(pgid) : left.length === 0;

/** Polls until nothing of the group runs; SIGKILL to what is left from `killAt` on. */
async function untilGone(pgid: number, mark: string, killAt: number): Promise<void> {
  // Without /proc, a zombie cannot be told from a process: give up on what still answers some
  // time after SIGKILL, which is gone at once unless it is one.
  const giveUpAt = killAt + ZOMBIE_ALLOWANCE_MS;
  let scanMs = 0;
  while (Date.now() < giveUpAt) {
    // A scan of /proc costs a few ms of CPU, more on a machine with many processes: poll no more
    // often than five times its cost.
    await sleep(Math.max(GROUP_POLL_MS, 5 * scanMs));
    const scanStart = performance.now();
    const left = runningProcesses(pgid, mark);
    scanMs = performance.now() - scanStart;
    if (gone(pgid, left)) return;
    // Again at each poll: what was started during the grace period gets it too.
    if (Date.now() >= killAt) signalAll(pgid, left, 'SIGKILL');
  }
}

/**
 * SIGTERM to the group and to whatever carries its `mark` outside it, SIGKILL after the grace
 * period; resolves when none of it runs any more. What is left then may be zombies, which their
 * parents or an init reap in their own time.
 */
export async function stopGroup(pgid: number, mark: string): Promise<void> {
  const left = runningProcesses(pgid, mark);
  if (gone(pgid, left)) return;
  signalAll(pgid, left, 'SIGTERM');
  await untilGone(pgid, mark, Date.now() + KILL_GRACE_MS);
}

/**
 * `stopGroup` for a group whose leader is our own child, which `leaderExited` sees go: the group
 * is signalled at once, and /proc scanned only once the leader is gone, when the group usually
 * is too and the scan reads only the environments (process-group.ts). When that scan finds
 * nothing, the stop is over: a scenario server's stop costs its exit and one such scan.
 */
export async function stopLedGroup(
  pgid: number,
  mark: string,
  leaderExited: Promise<unknown>,
): Promise<void> {
  const killAt = Date.now() + KILL_GRACE_MS;
  signalAll(pgid, [], 'SIGTERM');
  // A leader that ignores SIGTERM (its loop held) gets SIGKILL, with its group.
  const timer = setTimeout(() => signalAll(pgid, [], 'SIGKILL'), KILL_GRACE_MS);
  await leaderExited;
  clearTimeout(timer);
  const left = runningProcesses(pgid, mark);
  if (gone(pgid, left)) return;
  signalAll(pgid, left, Date.now() >= killAt ? 'SIGKILL' : 'SIGTERM');
  await untilGone(pgid, mark, killAt);
}
