/**
 * Every process the harness starts is registered here until it is gone, so that the CLI can reap
 * all of them on SIGINT or SIGTERM: no server may outlive the command that started it. A scenario
 * child is one process; a user's command (`bench --cmd`) is a whole process group.
 */

/** SIGTERM first; SIGKILL after this long. */
export const KILL_GRACE_MS = 2000;

export interface Reapable {
  /** The pid shown in --debug: the child, or the group's leader. */
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after the grace period; resolves once it is gone. */
  stop(): Promise<void>;
  /** SIGKILL without waiting. */
  killNow(): void;
}

const live = new Set<Reapable>();

/** Registers `r` until the returned function is called (when it is gone). */
export function track(r: Reapable): () => void {
  live.add(r);
  return () => {
    live.delete(r);
  };
}

/** Pids of what is still alive; the CLI reports them in --debug mode. */
export function livePids(): number[] {
  return [...live].flatMap((r) => (r.pid === undefined ? [] : [r.pid]));
}

/** Stops everything this process started and waits until all of it has exited. */
export async function reapAll(): Promise<void> {
  await Promise.all([...live].map((r) => r.stop()));
}

/** Last resort for a process about to exit: SIGKILL without waiting. */
export function killAllNow(): void {
  for (const r of live) r.killNow();
}
