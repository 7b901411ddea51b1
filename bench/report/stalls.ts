/**
 * What held the loop, over a variant's runs and in words: the runs' stalls added up into one
 * summary, and the sentences the diagnosis, the tables, the lessons and verify use. Pure.
 */
import { formatMs, formatPercent, plural } from '../../core/numbers.ts';
import type { StackFrame, StallStack } from '../../scenarios/probe/protocol.ts';
import { functionKey, rankStacks, split } from '../../scenarios/probe/stacks.ts';
import type { RunRecord, StallSummary } from './types.ts';

/**
 * The stalls of every run that recorded them, added up, with the stacks ranked by their total
 * time; undefined when no run recorded any (capture off, unavailable, or an older report).
 */
export function summarizeStalls(runs: readonly RunRecord[]): StallSummary | undefined {
  const recorded = runs.flatMap((r) =>
    r.state === 'completed' && r.stalls?.state === 'recorded' ? [r.stalls] : [],
  );
  const first = recorded[0];
  if (!first) return undefined;
  const sum = (pick: (s: (typeof recorded)[number]) => number) =>
    recorded.reduce((n, s) => n + pick(s), 0);
  // Keyed as the tally keys them: a stack seen with and without a Node function on top is one.
  const stacks = new Map<
    string,
    { frames: StackFrame[]; ms: number; samples: number; top: number }
  >();
  for (const s of recorded) {
    for (const stack of s.stacks) {
      const key = functionKey(split(stack.frames).own);
      const seen = stacks.get(key) ?? { frames: stack.frames, ms: 0, samples: 0, top: 0 };
      seen.ms += stack.ms;
      seen.samples += stack.samples;
      // The frames of the run where this stack weighed most.
      if (stack.ms > seen.top) {
        seen.frames = stack.frames;
        seen.top = stack.ms;
      }
      stacks.set(key, seen);
    }
  }
  const totalMs = sum((s) => s.totalMs);
  // Null, unknown, when any run could not measure it: a sum of the others would understate it.
  const known = (pick: (s: (typeof recorded)[number]) => number | null) =>
    recorded.every((s) => pick(s) !== null) ? round1(sum((s) => pick(s) ?? 0)) : null;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    runs: recorded.length,
    thresholdMs: first.thresholdMs,
    count: sum((s) => s.count),
    totalMs: round1(totalMs),
    attributedMs: round1(sum((s) => s.attributedMs)),
    samples: sum((s) => s.samples),
    samplingMs: round1(sum((s) => s.samplingMs)),
    cpuWaitMs: known((s) => s.cpuWaitMs),
    machineMs: known((s) => s.machineMs),
    stacks: rankStacks([...stacks.values()], totalMs),
  };
}

const base = (file: string) => file.slice(file.lastIndexOf('/') + 1);

/** `spin (scenarios/catalog/busy-wait.ts:17)`, `pbkdf2Sync (node internals)`. */
export function frameText(f: StackFrame, sameFileAs?: StackFrame): string {
  if (f.internal) return `${f.function} (node internals)`;
  if (f.file === null) return f.line === null ? f.function : `${f.function} (line ${f.line})`;
  const file = sameFileAs?.file === f.file ? base(f.file) : f.file;
  return `${f.function} (${file}${f.line === null ? '' : `:${f.line}`})`;
}

/**
 * The top of a stack, down to the app's first frame and its caller:
 * `spin (scenarios/catalog/busy-wait.ts:17) ← handle (busy-wait.ts:37)`.
 */
export function stackText(frames: readonly StackFrame[]): string {
  const own = frames.findIndex((f) => !f.internal);
  const shown = frames.slice(0, own < 0 ? 1 : own + 2);
  return shown.map((f, i) => frameText(f, shown[i - 1])).join(' ← ');
}

/**
 * The code that held the loop, in one phrase: `spin (scenarios/catalog/busy-wait.ts:17)`, or
 * for a Node function called from the app's code, `pbkdf2Sync, called from derive (…:18)`.
 */
export function blockerText(frames: readonly StackFrame[]): string {
  const [top, next] = frames;
  if (!top) return 'unknown code';
  if (top.internal && next && !next.internal)
    return `${top.function}, called from ${frameText(next)}`;
  return frameText(top);
}

type Shares = Pick<StallSummary, 'stacks' | 'cpuWaitMs' | 'machineMs' | 'totalMs'>;

/** A part of the stalled time as a share of all of it; 0 when unknown. */
const shareOf = (ms: number | null, s: Pick<StallSummary, 'totalMs'>) =>
  ms !== null && s.totalMs > 0 ? ms / s.totalMs : 0;

/** Below this share, a busy machine is not worth a word. */
const WORTH_SAYING = 0.1;

const MACHINE_HELD = 'stalls its code alone would not have made (its thread waited for a CPU core)';

/** What held the loop most: a stack, or a busy machine (stalls its code would not have made). */
export type HeldBy = { by: 'code'; stack: StallStack } | { by: 'machine'; share: number };

/** The stack with the largest share, unless a busy machine's stalls weigh more; null if neither. */
export function heldBy(stalls: Shares | undefined): HeldBy | null {
  if (!stalls) return null;
  const top = stalls.stacks[0];
  const machine = shareOf(stalls.machineMs, stalls);
  if (machine >= WORTH_SAYING && machine > (top?.share ?? 0))
    return { by: 'machine', share: machine };
  return top ? { by: 'code', stack: top } : null;
}

/**
 * What held the loop, as a clause: `held by spin (scenarios/catalog/busy-wait.ts:17), 96% of the
 * stalled time`, or that a busy machine did; '' when nothing was sampled.
 */
export function heldByText(stalls: Shares | undefined): string {
  const h = heldBy(stalls);
  if (!h) return '';
  if (h.by === 'machine')
    return `a busy machine held the loop: ${formatPercent(h.share)} of the stalled time was in ${MACHINE_HELD}`;
  return `held by ${blockerText(h.stack.frames)}, ${formatPercent(h.stack.share)} of the stalled time`;
}

/**
 * `14 stalls over 50 ms, 2.7 s in all; 96% in spin (…:17) ← handle (busy-wait.ts:37)`, with
 * what a busy machine added where that is worth saying.
 */
export function stallLine(stalls: Omit<StallSummary, 'runs'>): string {
  const total =
    stalls.totalMs >= 1000 ? `${(stalls.totalMs / 1000).toFixed(1)} s` : formatMs(stalls.totalMs);
  const head = `${plural(stalls.count, 'stall')} over ${stalls.thresholdMs} ms, ${total} in all`;
  const top = stalls.stacks[0];
  const machine = shareOf(stalls.machineMs, stalls);
  const parts: [number, string][] = [];
  if (top) parts.push([top.share, `${formatPercent(top.share)} in ${stackText(top.frames)}`]);
  if (machine >= WORTH_SAYING)
    parts.push([machine, `${formatPercent(machine)} in ${MACHINE_HELD}`]);
  const ranked = parts.sort((a, b) => b[0] - a[0]).map(([, text]) => text);
  const wait = shareOf(stalls.cpuWaitMs, stalls);
  // Said of the code's stalls only: the machine's own are already said to be the machine's.
  if (top && wait >= WORTH_SAYING)
    ranked.push(
      `a busy machine stretched them: the thread waited for a CPU core ${formatPercent(wait)} of the time`,
    );
  if (!top && machine < WORTH_SAYING && stalls.count > 0)
    ranked.unshift('each ended before it could be sampled');
  return ranked.length > 0 ? `${head}; ${ranked.join('; ')}` : head;
}
