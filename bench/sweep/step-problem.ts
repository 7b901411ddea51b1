/**
 * Whether one of sweep's steps failed its run: only when the server answered none of the hold's
 * requests. Errors (an error status, a reset) and timeouts are counted on the step and judged by
 * the knee (errors-knee.ts, knee.ts); a step the generator could not hold says nothing about the
 * server, so it is never the server's fault. Gaps between answers are not judged either: with
 * poisson arrivals a half-window without a request is ordinary, not a server that stopped.
 */
import type { SweepStep } from './types.ts';

const count = (n: number) => n.toLocaleString('en-US');

/** Why the step fails its run, in one sentence naming what to change; null when it does not. */
export function stepProblem(
  step: Pick<SweepStep, 'due' | 'answered' | 'timeouts' | 'errors' | 'limitedBy'>,
  o: { path: string; holdSec: number; timeoutSec: number },
): string | null {
  if (step.limitedBy === 'generator' || step.due === 0 || step.answered > 0) return null;
  const parts = [
    step.timeouts > 0 && `${count(step.timeouts)} timed out after --timeout ${o.timeoutSec} s`,
    step.errors > 0 && `${count(step.errors)} failed without an answer (reset or refused)`,
  ].filter((p): p is string => typeof p === 'string');
  const why = parts.length > 0 ? ` (${parts.join(', ')})` : '';
  return (
    `the server answered none of the ${count(step.due)} requests to ${o.path} due in the ` +
    `${o.holdSec} s hold${why}: the handler never finished, or one request takes longer than ` +
    '--timeout; raise --timeout (or --hold) if it is only slow'
  );
}
