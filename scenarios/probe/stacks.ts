/**
 * The stacks that held the loop, as data: Node's own frames folded, files named as a reader
 * knows them, and each stall's time split among the stacks sampled during it. Pure, so the
 * stall watchdog's worker (stall-worker.ts) stays a thin shell around it.
 *
 * Why time, not sample counts: samples are not evenly spaced. A pause cannot land while the main
 * thread is inside a native call (pbkdf2Sync's C++), only once it returns to JavaScript; so one
 * sample may stand for 175 ms of hashing and the next for 20 ms of spinning. Each sample is given
 * the time since the one before it.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { round } from '../../core/numbers.ts';
import type { StackFrame, StallStack, StallsRecorded } from './protocol.ts';

/** A frame with its file resolved (source-location.ts), before Node's own frames are folded. */
export interface ResolvedFrame {
  function: string;
  file: string | null;
  line: number | null;
  internal: boolean;
}

/**
 * Folds each run of Node's own frames into one, named after the outermost function of the run:
 * the one the code above it called (`pbkdf2Sync`, not the `Buffer.from` it was in when paused).
 */
export function foldInternals(frames: readonly ResolvedFrame[]): StackFrame[] {
  const out: StackFrame[] = [];
  let run: ResolvedFrame | undefined;
  for (const f of frames) {
    if (f.internal) {
      run = f;
      continue;
    }
    if (run) out.push({ function: run.function, file: null, line: null, internal: true });
    run = undefined;
    out.push({ function: f.function, file: f.file, line: f.line });
  }
  if (run) out.push({ function: run.function, file: null, line: null, internal: true });
  return out;
}

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/**
 * A file as the reader knows it: relative to the app's root, else to the working directory (a
 * learner's exercise), else absolute; always with `/`.
 */
export function displayPath(path: string, root: string, cwd: string): string {
  const base = inside(root, path) ? root : inside(cwd, path) ? cwd : undefined;
  const shown = base ? relative(base, path) : path;
  return sep === '/' ? shown : shown.split(sep).join('/');
}

/** One capture of the main thread's stack. */
export interface Sample {
  /** When the worker asked for it; all times here are ms on one monotonic clock. */
  requestedMs: number;
  /** When it ran on the main thread: the first moment the running JavaScript could be interrupted. */
  atMs: number;
  /** When the main thread went back to its own code. */
  resumedMs: number;
  frames: StackFrame[];
}

export interface Span {
  startMs: number;
  endMs: number;
}

/**
 * A sample taken this close before the heartbeat came back caught the loop after the stall, on
 * its way to the heartbeat (the request was already on its way when the blocking code returned),
 * not the code that stalled it. Discarding a genuine last sample costs only a sample.
 */
export const STALE_WITHIN_MS = 1;

const overlap = (a: number, b: number, w: Span) =>
  Math.max(0, Math.min(b, w.endMs) - Math.max(a, w.startMs));

/**
 * Splits a stall's time among the samples taken in it. What was observed goes to the sample that
 * observed it: the time since the sample before (or, for the first, since it was asked for: a
 * capture cannot interrupt a native call, so a long wait means the thread was in the call the
 * sample then finds at the top). What no sample observed, the stall's start before the first
 * request and its end after the last sample, is shared out in the proportions observed.
 *
 * Why not give the first sample everything since the stall began: the first request always comes
 * one threshold into the stall, at a fixed phase of whatever the loop repeats, and a weight that
 * large made one phase of the work look twice its size. Only the part inside `window` counts;
 * with no usable sample (one inside the stall, with a frame) the stall stays unattributed.
 */
export function attributeStall(
  stall: Span,
  samples: readonly Sample[],
  window: Span,
): { frames: StackFrame[]; ms: number }[] {
  const usable = samples
    .filter(
      (s) =>
        s.atMs >= stall.startMs &&
        s.atMs <= stall.endMs &&
        stall.endMs - s.resumedMs >= STALE_WITHIN_MS &&
        // A capture with no frame (the pause landed where V8 had none to show) names nothing:
        // its time goes to the samples that do, as time no sample observed.
        s.frames.length > 0,
    )
    .sort((a, b) => a.atMs - b.atMs);
  const first = usable[0];
  const last = usable.at(-1);
  if (!first || !last) return [];
  const observed = usable.map((s, i) =>
    overlap(
      i === 0 ? Math.max(stall.startMs, s.requestedMs) : (usable[i - 1] as Sample).atMs,
      s.atMs,
      window,
    ),
  );
  const unobserved =
    overlap(stall.startMs, Math.max(stall.startMs, first.requestedMs), window) +
    overlap(last.atMs, stall.endMs, window);
  const seen = observed.reduce((sum, ms) => sum + ms, 0);
  return usable.map((s, i) => ({
    frames: s.frames,
    ms:
      (observed[i] as number) +
      unobserved * (seen > 0 ? (observed[i] as number) / seen : 1 / usable.length),
  }));
}

/**
 * A Node function on top of a capture that came at once was only where the capture happened to
 * land (`performance.now()` in a spin loop); one that kept the capture waiting was a native call
 * the code above it made (`pbkdf2Sync`). Waits under this, on the CPU, are the former: a capture
 * that lands in JavaScript comes within about 0.3 ms here, and one held by a native call waits
 * anywhere up to the call's length. It was 2 ms, and a 4 ms pbkdf2Sync (a faster CPU) lost its
 * frame in half its captures, and so its place on top.
 */
export const NATIVE_WAIT_MS = 1;

/**
 * A capture's frames without a Node function on top, when the capture did not wait for it:
 * `waitedMs` counts only the time the main thread was on a CPU (a thread the scheduler kept
 * waiting was in no call at all).
 */
export function withoutIncidentalTop(frames: StackFrame[], waitedMs: number): StackFrame[] {
  const [top, next] = frames;
  return waitedMs < NATIVE_WAIT_MS && top?.internal && next && !next.internal
    ? frames.slice(1)
    : frames;
}

/** A reading of a counter that only grows (the main thread's time waiting for a CPU), at a time. */
export interface Reading {
  tMs: number;
  valueMs: number;
}

/**
 * How much a growing counter grew between two times, read from readings in time order,
 * assuming it grew evenly between two readings; at most `to - from`.
 */
export function growthBetween(readings: readonly Reading[], fromMs: number, toMs: number): number {
  const at = (t: number): number => {
    const after = readings.findIndex((r) => r.tMs >= t);
    if (after === -1) return readings.at(-1)?.valueMs ?? 0;
    const b = readings[after] as Reading;
    const a = readings[after - 1];
    if (!a || b.tMs === a.tMs) return b.valueMs;
    return a.valueMs + ((b.valueMs - a.valueMs) * (t - a.tMs)) / (b.tMs - a.tMs);
  };
  return Math.max(0, Math.min(toMs - fromMs, at(toMs) - at(fromMs)));
}

export const stackKey = (frames: readonly StackFrame[]): string =>
  frames.map((f) => `${f.function}\t${f.file ?? ''}\t${f.line ?? ''}`).join('\n');

/**
 * Stacks are counted by function, not by line: a loop caught on two of its lines is one stack
 * (shown at the line caught most), or one function would read as two smaller ones.
 */
export const functionKey = (frames: readonly StackFrame[]): string =>
  frames.map((f) => `${f.function}\t${f.file ?? ''}`).join('\n');

/**
 * A stack as it is counted: from the first frame of the app's own code down. The Node function
 * that code was inside when paused (`now` within `performance.now()` in a spin loop, `Buffer.from`
 * at the end of `pbkdf2Sync`) is kept apart, as a candidate for the top frame.
 */
export function split(frames: readonly StackFrame[]): { callee?: StackFrame; own: StackFrame[] } {
  const [top, ...rest] = frames;
  return top?.internal && rest.length > 0 ? { callee: top, own: rest } : { own: [...frames] };
}

/** The heaviest stacks a reading keeps; the rest still count in `attributedMs`. */
export const MAX_STACKS = 10;

interface Tallied {
  /** The stack at each set of lines it was caught on, and the time there. */
  lines: Map<string, { own: StackFrame[]; ms: number }>;
  ms: number;
  samples: number;
  /** Time by the Node function on top of `own` ('' for none): the top frame is the majority's. */
  callees: Map<string, { frame?: StackFrame; ms: number }>;
}

/**
 * Stalls and the stacks behind them, added up over one window. A stack paused inside a Node
 * function sometimes and in its own code at other times is one stack: it shows the Node function
 * on top only when that held at least half its time, as `pbkdf2Sync` does for the code calling it.
 *
 * Where the main thread's wait for a CPU is known, a stall that would not have been one on an
 * idle machine (its length less that wait is under the threshold) is the machine's, not any
 * code's: a short callback that the scheduler kept waiting. Every other stall is its code's,
 * wait included: the wait only stretched a stall the code would have made anyway.
 */
export class StallTally {
  count = 0;
  totalMs = 0;
  samplingMs = 0;
  /** Null where the wait cannot be measured (no /proc schedstat). */
  cpuWaitMs: number | null;
  machineMs: number | null;
  readonly #thresholdMs: number;
  readonly #stacks = new Map<string, Tallied>();

  constructor(thresholdMs: number, measuresCpuWait = false) {
    this.#thresholdMs = thresholdMs;
    this.cpuWaitMs = measuresCpuWait ? 0 : null;
    this.machineMs = measuresCpuWait ? 0 : null;
  }

  /**
   * Counts a stall (the part inside `window`) and gives its time to the samples taken in it, or
   * to the machine; `cpuWait` says how long the main thread waited for a CPU between two times.
   */
  addStall(
    stall: Span,
    samples: readonly Sample[],
    window: Span,
    cpuWait?: (fromMs: number, toMs: number) => number,
  ): void {
    const ms = overlap(stall.startMs, stall.endMs, window);
    if (ms <= 0) return;
    this.count++;
    this.totalMs += ms;
    if (cpuWait && this.cpuWaitMs !== null && this.machineMs !== null) {
      const from = Math.max(stall.startMs, window.startMs);
      this.cpuWaitMs += cpuWait(from, from + ms);
      const length = stall.endMs - stall.startMs;
      if (length - cpuWait(stall.startMs, stall.endMs) < this.#thresholdMs) {
        this.machineMs += ms;
        return;
      }
    }
    for (const part of attributeStall(stall, samples, window)) this.#add(part.frames, part.ms, 1);
  }

  #add(frames: readonly StackFrame[], ms: number, samples: number): void {
    const { callee, own } = split(frames);
    const key = functionKey(own);
    const seen = this.#stacks.get(key) ?? {
      lines: new Map(),
      ms: 0,
      samples: 0,
      callees: new Map(),
    };
    seen.ms += ms;
    seen.samples += samples;
    const at = seen.lines.get(stackKey(own)) ?? { own, ms: 0 };
    at.ms += ms;
    seen.lines.set(stackKey(own), at);
    const name = callee?.function ?? '';
    const c = seen.callees.get(name) ?? { ...(callee && { frame: callee }), ms: 0 };
    c.ms += ms;
    seen.callees.set(name, c);
    this.#stacks.set(key, seen);
  }

  copy(): StallTally {
    const c = new StallTally(this.#thresholdMs);
    c.cpuWaitMs = this.cpuWaitMs;
    c.machineMs = this.machineMs;
    c.count = this.count;
    c.totalMs = this.totalMs;
    c.samplingMs = this.samplingMs;
    for (const [k, v] of this.#stacks) {
      const callees = new Map([...v.callees].map(([n, x]) => [n, { ...x }]));
      const lines = new Map([...v.lines].map(([n, x]) => [n, { ...x }]));
      c.#stacks.set(k, { ...v, lines, callees });
    }
    return c;
  }

  #stacksWithTop(): { frames: StackFrame[]; ms: number; samples: number }[] {
    const heaviest = <T extends { ms: number }>(xs: Iterable<T>) =>
      [...xs].sort((a, b) => b.ms - a.ms)[0];
    return [...this.#stacks.values()].map((s) => {
      const top = heaviest(s.callees.values());
      const own = heaviest(s.lines.values())?.own ?? [];
      const frames = top?.frame && top.ms >= s.ms / 2 ? [top.frame, ...own] : own;
      return { frames, ms: s.ms, samples: s.samples };
    });
  }

  reading(): StallsRecorded {
    const all = this.#stacksWithTop();
    const attributedMs = all.reduce((sum, s) => sum + s.ms, 0);
    return {
      state: 'recorded',
      thresholdMs: this.#thresholdMs,
      count: this.count,
      totalMs: round(this.totalMs, 1),
      attributedMs: round(attributedMs, 1),
      samples: all.reduce((sum, s) => sum + s.samples, 0),
      samplingMs: round(this.samplingMs, 1),
      cpuWaitMs: this.cpuWaitMs === null ? null : round(this.cpuWaitMs, 1),
      machineMs: this.machineMs === null ? null : round(this.machineMs, 1),
      stacks: rankStacks(all, this.totalMs),
    };
  }
}
/** The heaviest `MAX_STACKS` stacks, with their share of `totalMs`. */
export function rankStacks(
  stacks: readonly { frames: StackFrame[]; ms: number; samples: number }[],
  totalMs: number,
): StallStack[] {
  return stacks
    .filter((s) => s.ms > 0)
    .sort(
      (a, b) =>
        b.ms - a.ms ||
        b.samples - a.samples ||
        stackKey(a.frames).localeCompare(stackKey(b.frames)),
    )
    .slice(0, MAX_STACKS)
    .map((s) => ({
      frames: s.frames,
      ms: round(s.ms, 1),
      share: totalMs > 0 ? round(Math.min(1, s.ms / totalMs), 4) : 0,
      samples: s.samples,
    }));
}
