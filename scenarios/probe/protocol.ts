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
}

export interface TimelinePoint {
  /** Since the window started. Real time, not the tick count: a blocked loop ticks late. */
  tMs: number;
  lagMaxMs: number;
  elu: number;
}

export interface ProbeData {
  windowMs: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** How many delay samples the histogram took; a blocked loop takes few. */
  lagSamples: number;
  elu: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** CPU time of the event loop's own thread (user + system); null where it cannot be read. */
  loopCpuMs: number | null;
  rssMaxBytes: number;
  heapUsedMaxBytes: number;
  timelineIntervalMs: number;
  timeline: TimelinePoint[];
}

export type ToChild =
  /**
   * `windowMs`: the probe closes the window itself after this long (see probe.ts).
   * `atFirstRequest`: answer once idle, but open the window only when the next request arrives
   * (a load whose start lags, as autocannon's worker threads do).
   */
  { type: 'probe:reset'; windowMs?: number; atFirstRequest?: boolean } | { type: 'probe:read' };

export type FromChild =
  | { type: 'ready'; port: number; pid: number }
  | { type: 'failed'; code?: string; message: string }
  | { type: 'probe:reset:done' }
  | { type: 'probe:data'; data: ProbeData | null };

/** The environment variable that carries a PreloadConfig (JSON) to a preloaded app. */
export const PRELOAD_ENV = 'LOOPLAB_PRELOAD';

/** What the probe preloaded into a user's server (preload.ts) is told by the harness. */
export interface PreloadConfig {
  /** The harness's Unix socket (a named pipe on Windows) that the preload reports to. */
  socket: string;
  timelineIntervalMs: number;
  /** The app's own bystander route (--ping); null: the preload serves /ping on a port of its own. */
  pingPath: string | null;
}

/**
 * Messages from a preloaded app, one JSON object a line on the socket: the ports it listens on,
 * the bystander port the preload opened, and the probe's answers as a scenario child gives them.
 */
export type FromPreload =
  | { type: 'listening'; pid: number; port: number; address: string; family: string }
  | { type: 'bystander'; pid: number; port: number }
  | Extract<FromChild, { type: 'probe:reset:done' | 'probe:data' }>;
