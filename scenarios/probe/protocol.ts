/**
 * The IPC protocol between the harness and a scenario server child.
 *
 * The probe is read over IPC, not HTTP, so that reading it never queues behind the load on the
 * very loop it measures, and never shows up in the server's request counts.
 */
import type { Params } from '../types.ts';

export interface ChildConfig {
  scenario: string;
  variant: string;
  params: Params;
  /** 0 asks the OS for a free port; the child reports the one it got. */
  port: number;
  /** The address to bind; 127.0.0.1 when absent (only `serve --host` sets another). */
  host?: string;
  /** false only for the probe-overhead benchmark. */
  probe: boolean;
  timelineIntervalMs: number;
  /** A learner's TypeScript file whose exported handler is served instead of `variant`'s. */
  handlerFile?: string;
  /** That file compiled to JavaScript, to import in its place (Node 20, compiled-handler.ts). */
  handlerModule?: string;
  /** Capture what held the loop (stall-watchdog.ts); absent: off. */
  stalls?: StallOptions;
  /** The origin of the upstream the harness started for this server, if its scenario calls one. */
  upstream?: string;
}

export interface StallOptions {
  /** A heartbeat this much later than due is a stall. */
  thresholdMs: number;
}

/**
 * One frame of a stack that held the loop, top of the stack first. A run of Node's own frames is
 * folded into one, named after the function the code above it called (`pbkdf2Sync`).
 */
export interface StackFrame {
  /** `(anonymous)` for a function without a name. */
  function: string;
  /** Relative to the app's root (or the working directory); null for Node's internals. */
  file: string | null;
  /** 1-based, in the source file where a source map says where that is; null for internals. */
  line: number | null;
  /** Node's own code (`node:` modules), folded. */
  internal?: true;
}

/** One stack that held the loop, with the stalled time attributed to it. */
export interface StallStack {
  frames: StackFrame[];
  ms: number;
  /** Of all the stalled time in the window, this stack's share, 0 to 1. */
  share: number;
  samples: number;
}

/** What held the loop in one window: every stall over the threshold and the stacks behind it. */
export interface StallsRecorded {
  state: 'recorded';
  thresholdMs: number;
  /** Stalls: heartbeats later than the threshold. */
  count: number;
  /** Their total lateness in the window, the loop lag they add up to. */
  totalMs: number;
  /**
   * The part of `totalMs` attributed to a stack; the rest is `machineMs` and stalls that ended
   * before a sample landed.
   */
  attributedMs: number;
  samples: number;
  /** Time the main thread spent taking those samples; part of `totalMs` and of the lag. */
  samplingMs: number;
  /**
   * Of `totalMs`, the time the main thread was ready to run but waited for a CPU core (Linux's
   * schedstat): a busy machine stretched the stalls by this much. Null where it cannot be read.
   */
  cpuWaitMs: number | null;
  /**
   * Of `totalMs`, the stalls the code alone would not have made (their length less the CPU wait
   * is under the threshold): the machine held the loop, and no stack is blamed. Null where the
   * CPU wait cannot be read.
   */
  machineMs: number | null;
  /** The heaviest stacks first, at most ten. */
  stacks: StallStack[];
}

/** Stall capture could not run (no inspector, or one already in use); the run goes on without it. */
export interface StallsUnavailable {
  state: 'unavailable';
  reason: string;
}

export type StallReading = StallsRecorded | StallsUnavailable;

export interface TimelinePoint {
  /** Since the window started. Real time, not the tick count: a blocked loop ticks late. */
  tMs: number;
  lagMaxMs: number;
  elu: number;
}

export interface ProbeData {
  windowMs: number;
  /** When the window opened, in ms since the epoch (timeOrigin + now): the harness lines it up. */
  windowStartEpochMs?: number;
  /**
   * How late the window closed past its planned end (`probe:reset`'s windowMs), in ms: its timer
   * waited behind a blocked loop. Absent when it was read before that end.
   */
  windowEndLateMs?: number;
  /** Corrected for coordinated omission (lag-histograms.ts): each stall back-filled. */
  lagP50Ms: number;
  lagP99Ms: number;
  /** One sample per firing of the 10 ms sampler, as monitorEventLoopDelay would give. */
  lagRawP50Ms: number;
  lagRawP99Ms: number;
  lagMaxMs: number;
  /** How many firings the sampler took (raw samples); a blocked loop takes few. */
  lagSamples: number;
  elu: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** CPU time of the event loop's own thread (user + system); null where it cannot be read. */
  loopCpuMs: number | null;
  rssMaxBytes: number;
  heapUsedMaxBytes: number;
  /** What the scenario wrote to its own output in the window (Scenario.output); absent without one. */
  outputBytes?: number;
  timelineIntervalMs: number;
  timeline: TimelinePoint[];
  /** With stall capture on: what held the loop in the window. */
  stalls?: StallReading;
}

/**
 * What the loop did since the previous frame (`looplab live`): read while the load runs, and the
 * next frame starts at once. Separate from the window (`probe:reset`/`probe:read`), which it
 * leaves alone, except that stall capture has one tally per process (frames take it over).
 */
export interface ProbeFrame {
  /** Since the previous frame, or the probe's start: a blocked loop answers late, with a long frame. */
  frameMs: number;
  /** When the frame closed, ms since the epoch. */
  frameEndEpochMs: number;
  /** Corrected for coordinated omission, from this frame's own histograms. */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** Firings of the 10 ms sampler in the frame; 0 and every lag figure is 0 (the caller nulls them). */
  lagSamples: number;
  elu: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Resident set size as the frame closed. */
  rssBytes: number;
  /** With stall capture on: the stacks caught since the previous frame. */
  stalls?: StallReading;
}

export type ToChild =
  /**
   * `windowMs`: the probe closes the window itself after this long (see probe.ts).
   * `atFirstRequest`: answer once idle, but open the window only when the next request arrives
   * (a load whose start lags, as autocannon's worker threads do).
   */
  | { type: 'probe:reset'; windowMs?: number; atFirstRequest?: boolean }
  | { type: 'probe:read' }
  /** Read the frame since the last one and start the next, at once: no wait for idle. */
  | { type: 'probe:frame' };

export type FromChild =
  | { type: 'ready'; port: number; pid: number }
  | { type: 'failed'; code?: string; message: string }
  | { type: 'probe:reset:done' }
  | { type: 'probe:data'; data: ProbeData | null }
  | { type: 'probe:frame:data'; data: ProbeFrame | null };

/** The environment variable that carries a PreloadConfig (JSON) to a preloaded app. */
export const PRELOAD_ENV = 'LOOPLAB_PRELOAD';

/** What the probe preloaded into a user's server (preload.ts) is told by the harness. */
export interface PreloadConfig {
  /** The harness's Unix socket (a named pipe on Windows) that the preload reports to. */
  socket: string;
  timelineIntervalMs: number;
  /** The app's own bystander route (--ping); null: the preload serves /ping on a port of its own. */
  pingPath: string | null;
  /** Capture what held the app's loop (--stalls); absent: off. */
  stalls?: StallOptions;
}

/**
 * Messages from a preloaded app, one JSON object a line on the socket: the ports it listens on,
 * the bystander port the preload opened, and the probe's answers as a scenario child gives them.
 */
export type FromPreload =
  | { type: 'listening'; pid: number; port: number; address: string; family: string }
  | { type: 'bystander'; pid: number; port: number }
  | Extract<FromChild, { type: 'probe:reset:done' | 'probe:data' | 'probe:frame:data' }>;
