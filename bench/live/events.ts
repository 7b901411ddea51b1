/**
 * What `looplab live` tells the page, a recording and `--ndjson`: one event per line or per
 * server-sent event, each a JSON object with a `type`. The contract between the session that
 * measures (session.ts), the page server that streams (page-server.ts) and the page that draws.
 *
 * A figure not measured in a frame is `null`, never 0: a probe that fell silent sends no frame at
 * all, and that silence is itself the measurement (the page draws it as a band).
 */
import type { StackFrame } from '../../scenarios/probe/protocol.ts';
import type { ParamSpec, Params } from '../../scenarios/types.ts';

/** Bumped when an event changes in a way an older reader would misread. */
export const LIVE_EVENTS_VERSION = 1;

/** The session as it starts, and again whenever a page connects: enough to lay out the page. */
export interface SessionEvent {
  type: 'session';
  version: typeof LIVE_EVENTS_VERSION;
  /** The scenario's id, or null for `--cmd` (the user's own server). */
  scenario: string | null;
  /** Drawn side by side, in this order: a scenario's variants, or the paths given with `--cmd`. */
  variants: string[];
  /** The knobs: the scenario's own parameters, as its schema gives them. Empty for `--cmd`. */
  paramSpecs: Record<string, ParamSpec>;
  params: Params;
  /**
   * Connections per variant; null with `--no-load`. Under an open-model load (`rate`), the most
   * connections the generator opens per variant.
   */
  connections: number | null;
  /**
   * `--rate`: the load is open-model, this many requests/s per variant due at poisson arrivals
   * whatever the server does, and each frame's `latencyP50Ms`/`latencyP99Ms` is timed from when
   * the request was due (corrected for coordinated omission). null: a closed loop of
   * `connections` clients, or no load. Absent in recordings made before `--rate`.
   */
  rate?: number | null;
  state: SessionState;
  /** When the session started, ms since the epoch; every `elapsedMs` counts from here. */
  startEpochMs: number;
  /** How often each variant's probe is read. */
  frameIntervalMs: number;
  /** `--alternate`: variants take turns, and only one is loaded at a time. */
  alternate: boolean;
  /** With `--alternate`, a turn's length in ms (of load); absent otherwise. */
  turnMs?: number;
  /**
   * With `--alternate` while running: whose turn it is now, and since when. The first turn
   * begins with the session, before anyone has subscribed to its `turn` events.
   */
  turn?: { variant: string; elapsedMs: number };
  /**
   * True when every variant is a path of one server (`--cmd`): their lag, utilisation, CPU and
   * memory are one loop's, the same in each path's frames; only the load's figures are each
   * path's own. Absent (false) in recordings made before `--cmd`.
   */
  sharedLoop?: boolean;
  /**
   * `looplab lesson N --live`: the lesson whose runs these are. Its runs take turns, one fresh
   * server at a time: a `turn` event names the variant whose run's window opens, and only that
   * variant owes frames until the next `turn` or a `state` that is not `running`.
   */
  lesson?: { number: number; id: string; title: string };
}

export type SessionState = 'idle' | 'running' | 'paused' | 'stopped';

/** One variant over one frame: what the load saw and what its loop did. */
export interface FrameEvent {
  type: 'frame';
  variant: string;
  /** When the frame closed, since the session started. */
  elapsedMs: number;
  /** The frame's own length, as the probe measured it: a blocked loop makes one long frame. */
  frameMs: number;
  requestsPerSec: number | null;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  errors: number | null;
  timeouts: number | null;
  /** Corrected for coordinated omission, from this frame's own histogram (not a mean). */
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  /** Event-loop utilisation, 0 to 1. */
  elu: number | null;
  /**
   * The bystander's pings that ended in the frame, each timed from when it was due; one that
   * timed out or failed counts at the timeout, and in `pingTimeouts`.
   */
  pingP50Ms: number | null;
  pingP99Ms: number | null;
  pingTimeouts: number | null;
  /** The server process's CPU over the frame, in cores (1 = one core busy throughout). */
  cpuCores: number | null;
  rssBytes: number | null;
  /**
   * Only under an open-model load (`--rate`), where the latency above is timed from each
   * request's due time: the rate offered (requests/s, beside `requestsPerSec`, what was achieved)
   * and the latency from each request's send, uncorrected, as a closed-loop tool would say it.
   * null when no load ran in the frame.
   */
  offeredPerSec?: number | null;
  uncorrectedP50Ms?: number | null;
  uncorrectedP99Ms?: number | null;
}

/** One stall, as it was caught: the code that held the loop. */
export interface StallEvent {
  type: 'stall';
  variant: string;
  elapsedMs: number;
  /** The stalled time attributed to this stack in the frame it was caught in. */
  ms: number;
  /** Top of the stack first, as the report has it. */
  frames: StackFrame[];
}

/** Something changed that the timeline should show: "ms 20 → 50", "connections 10 → 50". */
export interface MarkerEvent {
  type: 'marker';
  elapsedMs: number;
  text: string;
  /** The variants the change concerns; all of them when absent. */
  variants?: string[];
  /**
   * The change restarted those variants' servers (a parameter): until a fresh server's first
   * frame no loop owes one, and the page breaks their lines here rather than band a silence.
   */
  restart?: boolean;
}

/**
 * `--alternate`: `variant`'s turn begins; the load goes to it alone. The turn before it ended
 * when its load was held, once its requests in flight were answered: a turn ends where the next
 * begins, or at a `state` event that is not `running`.
 */
export interface TurnEvent {
  type: 'turn';
  elapsedMs: number;
  variant: string;
}

export interface StateEvent {
  type: 'state';
  elapsedMs: number;
  state: SessionState;
  /** Why it changed when looplab changed it: `max-time`, `no page for 30 s`, a server that died. */
  reason?: string;
}

/** A warning the reports would also give (the machine busy, the load generator saturated). */
export interface WarningEvent {
  type: 'warning';
  elapsedMs: number;
  code: string;
  text: string;
  variant?: string;
}

export type LiveEvent =
  | SessionEvent
  | FrameEvent
  | StallEvent
  | MarkerEvent
  | TurnEvent
  | StateEvent
  | WarningEvent;

/** What a page (or a test) may ask of a session. */
export type LiveControl =
  | { action: 'start' }
  | { action: 'pause' }
  | { action: 'stop' }
  | { action: 'params'; params: Params }
  | { action: 'connections'; connections: number }
  /** Under `--rate`: the open-model load's requests/s per variant. */
  | { action: 'rate'; rate: number };

/**
 * Where events come from: a session that measures (session.ts) or a recording played back
 * (replay.ts). The page server knows only this.
 */
export interface LiveSource {
  /** The session event as things stand now (state, params and connections included). */
  describe(): SessionEvent;
  /** Every event from now on; returns the unsubscribe. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  /**
   * @throws {LooplabError} LOOPLAB_ERR_BAD_PARAM on a parameter, connection count or rate out of
   * range; LOOPLAB_ERR_USAGE on a rate without `--rate`; a replay refuses every control with
   * LOOPLAB_ERR_USAGE.
   */
  control(request: LiveControl): Promise<void>;
  /** Stops the load and reaps every process the source started. Idempotent. */
  close(): Promise<void>;
}
