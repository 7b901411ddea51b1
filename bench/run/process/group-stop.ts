/**
 * Stopping a process group and what carries its mark outside it (process-group.ts): a user's
 * command (`bench --cmd`, app.ts) and a scenario server with whatever its handler started (fork.ts)
 * alike. SIGTERM first, SIGKILL after the grace period; a stop resolves once none of it runs.
 *
 * A group's id is its leader's pid, and a pid is reused once free: a signal to `-pgid` must
 * reach our group, never one that got the id after ours was gone (stopTargets).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupExists, type Running, scanProcesses } from './process-group.ts';
import { KILL_GRACE_MS } from './reaper.ts';

/** How often, at most, a stop checks whether any process of the group is left. */
const GROUP_POLL_MS = 20;
const ZOMBIE_ALLOWANCE_MS = 3000;

/** Whom a signal goes to: the whole group (`-pgid`), and single processes. */
export interface StopTargets {
  group: boolean;
  pids: number[];
}

/**
 * What a stop may signal, given whether the group's leader has exited (its 'exit' event came:
 * it was reaped) and what a scan found running (null without /proc).
 *
 * Until the leader is reaped, its pid is taken, so `-pgid` is our group. After, the id stays
 * taken only while a process of the group lives (no id of a group with members is handed out),
 * but the group with that id may by then be another's: ours emptied, the id was reused by a
 * process that leads a group of its own. It is ours when a process in it carries our mark. A
 * group without one is left alone, and only marked processes are signalled, one by one: a
 * member of ours that cleared its environment is then missed, the price of never signalling a
 * stranger. Without /proc nothing tells, and nothing is signalled once the leader is gone.
 *
 * Between the scan and the signal a few microseconds pass, in which the marked member could exit
 * and its id be reused by a new group's leader; that window is accepted.
 */
export function stopTargets(
  leaderExited: boolean,
  running: readonly Running[] | null,
): StopTargets {
  const group = !leaderExited || (running?.some((p) => p.marked && p.inGroup) ?? false);
  const pids = (running ?? []).filter((p) => group || p.marked).map((p) => p.pid);
  return { group, pids };
}

/** `signal` to the targets: the group, if it is ours, and each process. */
export function signalAll(pgid: number, targets: StopTargets, signal: NodeJS.Signals): void {
  for (const target of targets.group ? [-pgid, ...targets.pids] : targets.pids) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}

/** SIGKILL at once to what of group `pgid` or marked `mark` a stop may signal. */
export function killGroupNow(pgid: number, mark: string, leaderExited: boolean): void {
  signalAll(pgid, stopTargets(leaderExited, scanProcesses(pgid, mark)), 'SIGKILL');
}

/** What is left to signal; `done` once none of it runs (without /proc: the group is gone). */
function scan(pgid: number, mark: string, leaderExited: () => boolean) {
  const running = scanProcesses(pgid, mark);
  const targets = stopTargets(leaderExited(), running);
  const done = running === null ? !targets.group || !groupExists(pgid) : targets.pids.length === 0;
  return { targets, done };
}

/** Polls until nothing of the group runs; SIGKILL to what is left from `killAt` on. */
async function untilGone(
  pgid: number,
  mark: string,
  killAt: number,
  leaderExited: () => boolean,
): Promise<void> {
  // Without /proc, a zombie cannot be told from a process: give up on what still answers some
  // time after SIGKILL, which is gone at once unless it is one.
  const giveUpAt = killAt + ZOMBIE_ALLOWANCE_MS;
  let scanMs = 0;
  while (Date.now() < giveUpAt) {
    // A scan of /proc costs a few ms of CPU, more on a machine with many processes: poll no more
    // often than five times its cost.
    await sleep(Math.max(GROUP_POLL_MS, 5 * scanMs));
    const scanStart = performance.now();
    const left = scan(pgid, mark, leaderExited);
    scanMs = performance.now() - scanStart;
    if (left.done) return;
    // Again at each poll: what was started during the grace period gets it too.
    if (Date.now() >= killAt) signalAll(pgid, left.targets, 'SIGKILL');
  }
}

/**
 * SIGTERM to the group and to whatever carries its `mark` outside it, SIGKILL after the grace
 * period; resolves when none of it runs any more. What is left then may be zombies, which their
 * parents or an init reap in their own time. `leaderExited` says whether the group's leader, our
 * child, has exited (its 'exit' event came).
 */
export async function stopGroup(
  pgid: number,
  mark: string,
  leaderExited: () => boolean,
): Promise<void> {
  const left = scan(pgid, mark, leaderExited);
  if (left.done) return;
  signalAll(pgid, left.targets, 'SIGTERM');
  await untilGone(pgid, mark, Date.now() + KILL_GRACE_MS, leaderExited);
}

/**
 * `stopGroup` for a group whose leader is our own child, which `exited` sees go: the group
 * is signalled at once, and /proc scanned only once the leader is gone, when the group usually
 * is too and the scan reads only the environments (process-group.ts). When that scan finds
 * nothing, the stop is over: a scenario server's stop costs its exit and one such scan.
 */
export async function stopLedGroup(
  pgid: number,
  mark: string,
  exited: Promise<unknown>,
  leaderExited: () => boolean,
): Promise<void> {
  const killAt = Date.now() + KILL_GRACE_MS;
  // Without a scan: the group while its leader is ours (stopTargets), nothing once it is gone.
  const leaderOnly = () => stopTargets(leaderExited(), []);
  signalAll(pgid, leaderOnly(), 'SIGTERM');
  // A leader that ignores SIGTERM (its loop held) gets SIGKILL, with its group.
  const timer = setTimeout(() => signalAll(pgid, leaderOnly(), 'SIGKILL'), KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
  const left = scan(pgid, mark, leaderExited);
  if (left.done) return;
  signalAll(pgid, left.targets, Date.now() >= killAt ? 'SIGKILL' : 'SIGTERM');
  await untilGone(pgid, mark, killAt, leaderExited);
}
