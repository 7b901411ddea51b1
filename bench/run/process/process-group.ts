/**
 * What of a user's command (`bench --cmd`) still runs, as a stop sees it.
 *
 * The command runs in a process group of its own, and `kill(-pgid, 0)` finds its processes. It
 * is wrong both ways, though. It answers for zombies too: processes that have exited but that
 * their parent (or, for an orphan, an init) has not reaped, and a container's init may reap late
 * or never; a zombie runs nothing and holds no port. And it misses what the app started in a
 * group or session of its own (a detached worker, a daemon), which outlives the group.
 *
 * On Linux, /proc tells both: each process's state and group, and its environment, which carries
 * the command's mark (the preload's config, unique to each start) to every process under it that
 * did not clear it. That is how Jenkins finds the daemons a build left, by its BUILD_ID.
 * Elsewhere, the group is all a stop can see.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** True while any process of group `pgid` exists, zombies included. */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The state letter and the process group of one `/proc/<pid>/stat` line, or null. The command
 * name in parentheses may hold spaces and parentheses itself, so the fields are read after the
 * last `)`: state, ppid, pgrp, … (proc(5)).
 */
export function parseProcStat(text: string): { state: string; pgrp: number } | null {
  const end = text.lastIndexOf(')');
  if (end < 0) return null;
  const [state, , pgrp] = text.slice(end + 2).split(' ');
  const group = Number(pgrp);
  return state && Number.isInteger(group) ? { state, pgrp: group } : null;
}

/**
 * True when `environ` (the NUL-separated `KEY=value` entries of `/proc/<pid>/environ`) holds
 * exactly the entry `entry`: not a longer value, nor the same text inside another entry.
 */
export function environHas(environ: Buffer, entry: Buffer): boolean {
  for (let at = environ.indexOf(entry); at >= 0; at = environ.indexOf(entry, at + 1)) {
    const end = at + entry.length;
    if ((at === 0 || environ[at - 1] === 0) && (end === environ.length || environ[end] === 0))
      return true;
  }
  return false;
}

/** A process a stop may have to signal: whether it carries the mark, and whether it is in the group. */
export interface Running {
  pid: number;
  marked: boolean;
  inGroup: boolean;
}

/**
 * Pids of the processes that still run (zombies left out) in group `pgid`, or whose environment
 * holds the entry `mark` (`KEY=value`), this process excepted; null where /proc cannot say (not
 * Linux), and the caller falls back on groupExists.
 */
export function runningProcesses(pgid: number, mark: string): number[] | null {
  return scanProcesses(pgid, mark)?.map((p) => p.pid) ?? null;
}

/** runningProcesses, with what ties each process to the stop: its mark, its group. */
export function scanProcesses(pgid: number, mark: string): Running[] | null {
  if (process.platform !== 'linux') return null;
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null;
  }
  const entry = Buffer.from(mark);
  // Each file of /proc read costs; a stop scans once per server. With the group gone (the usual
  // case once its leader has exited), only the marked processes need their state read.
  const groupLeft = groupExists(pgid);
  const found: Running[] = [];
  for (const name of names) {
    // Only the numeric entries are processes.
    if (name.charCodeAt(0) > 57 || Number(name) === process.pid) continue;
    let marked = false;
    try {
      marked = environHas(readFileSync(`/proc/${name}/environ`), entry);
    } catch {
      // Another user's (not ours), or it exited while we looked.
    }
    if (!marked && !groupLeft) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${name}/stat`, 'latin1'));
      if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
      const inGroup = stat.pgrp === pgid;
      if (marked || inGroup) found.push({ pid: Number(name), marked, inGroup });
    } catch {
      // It exited while we looked.
    }
  }
  return found;
}
