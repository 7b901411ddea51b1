/**
 * A benchmark's planned runs, until the user stops them. Ctrl-C (or a CI runner's SIGTERM) loses
 * only the run in progress: the runs that completed are returned, with what stopped them, so
 * that minutes of measurement still make a report, marked partial.
 */
import { Interrupted, type StopSignal } from '../../core/errors.ts';
import { plural } from '../../core/numbers.ts';

/** What stopped a benchmark before its plan was done: the report's `stoppedBy`, `plannedRuns`. */
export interface Stopped {
  stoppedBy: StopSignal;
  plannedRuns: number;
}

/**
 * Runs `run` on each job in order (it keeps what it measured), and returns how many completed;
 * when `signal` aborts with an Interrupted, how many completed before it, and what stopped them.
 * A job `measured` says was measured before (a resumed journal's) is still kept after a stop:
 * it costs nothing, and a resume stopped before its first new run keeps the runs it resumed.
 *
 * @throws what `run` throws, and an abort whose reason is not an Interrupted (a caller's own).
 */
export async function runUntilStopped<J>(
  jobs: readonly J[],
  run: (job: J, index: number) => Promise<void>,
  signal?: AbortSignal,
  measured: (index: number) => boolean = () => false,
): Promise<{ completed: number; stopped: Stopped | null }> {
  let completed = 0;
  for (const [index, job] of jobs.entries()) {
    try {
      if (!measured(index)) signal?.throwIfAborted();
      await run(job, index);
      completed++;
    } catch (err) {
      const reason: unknown = signal?.aborted ? signal.reason : undefined;
      if (!(reason instanceof Interrupted) || err !== reason) throw err;
      return { completed, stopped: { stoppedBy: reason.signal, plannedRuns: jobs.length } };
    }
  }
  return { completed, stopped: null };
}

/**
 * The warning a partial report carries, so that the table, the Markdown and the HTML all say
 * it: `partial: stopped by SIGINT after 3 of 10 planned runs; ...`. `notRun` names the
 * variants that have no run in it.
 */
export function partialWarning(
  stopped: Stopped,
  completedRuns: number,
  notRun: readonly string[],
): string {
  const names =
    notRun.length > 1 ? `${notRun.slice(0, -1).join(', ')} and ${notRun.at(-1)}` : notRun.join('');
  const missing = names ? `; ${names} never ran` : '';
  return (
    `partial: stopped by ${stopped.stoppedBy} after ${completedRuns} of ` +
    `${plural(stopped.plannedRuns, 'planned run')}; its figures come from the runs that ` +
    `completed${missing}`
  );
}

/** The report's fields that say whether it holds every planned run, and if not why not. */
export function completeness(
  stopped: Stopped | null,
): { complete: true } | ({ complete: false } & Stopped) {
  return stopped ? { complete: false, ...stopped } : { complete: true };
}
