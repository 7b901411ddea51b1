/**
 * What the live page draws, from the events it has been sent: per variant a series of each
 * figure over elapsed time, the stalls newest first, the markers, and the silences. Pure: the
 * model is built from events alone and read at a moment `nowMs`; the DOM is main.ts's job, and
 * this is tested on recorded NDJSON without a browser or a server.
 *
 * A silence is the measurement of a blocked loop: a variant whose probe sent no frame, while the
 * session ran, for longer than its usual gap between frames allows (silenceAfterMs). It shows
 * as a band, "no word from sync's loop for 412 ms", that keeps growing while the silence lasts;
 * the series break there (a gap, never a zero). A frame answered as late as the variant's frames
 * usually are (a loop busy with 20 ms requests answers the probe between rounds of them, every
 * half second or so) is that loop's rhythm, not a silence.
 */
import type {
  FrameEvent,
  LiveEvent,
  MarkerEvent,
  SessionEvent,
  SessionState,
  StallEvent,
  WarningEvent,
} from '../events.ts';
import { stallName, stallStack } from './stall-text.ts';

/** The figures the page charts, each a chart with a line per variant. */
export const CHARTED = [
  { key: 'lagP99Ms', title: 'Event-loop lag p99', unit: 'ms', logY: true },
  { key: 'lagMaxMs', title: 'Event-loop lag max', unit: 'ms', logY: true },
  { key: 'lagP50Ms', title: 'Event-loop lag p50', unit: 'ms', logY: true },
  { key: 'pingP99Ms', title: 'Bystander /ping p99', unit: 'ms', logY: true },
  { key: 'latencyP99Ms', title: 'Latency p99', unit: 'ms', logY: true },
  { key: 'latencyP50Ms', title: 'Latency p50', unit: 'ms', logY: true },
  { key: 'requestsPerSec', title: 'Requests per second', unit: 'req/s', logY: false },
  { key: 'elu', title: 'Event-loop utilisation', unit: '0 to 1', logY: false },
  { key: 'cpuCores', title: 'CPU', unit: 'cores', logY: false },
  { key: 'rssBytes', title: 'Memory (RSS)', unit: 'MiB', logY: false },
] as const satisfies readonly {
  key: keyof FrameEvent;
  title: string;
  unit: string;
  logY: boolean;
}[];

export type ChartedKey = (typeof CHARTED)[number]['key'];

/** [seconds since the session started, value]; a null value is a gap. */
export type Point = readonly [number, number | null];

export interface StallView {
  variant: string;
  elapsedMs: number;
  ms: number;
  /** `spin (busy-wait.ts:17) ← handle` */
  name: string;
  /** Every frame, top first, for when the stall is opened. */
  stack: string[];
}

export interface SilenceView {
  variant: string;
  fromMs: number;
  toMs: number;
  /** Still silent at `nowMs`: the band grows. */
  open: boolean;
  label: string;
  /** The one that began last: only its band is labelled, so labels never pile up. */
  newest: boolean;
}

export interface LiveView {
  session: SessionEvent | null;
  variants: string[];
  state: SessionState;
  /** Why the state last changed, when looplab changed it. */
  stateReason: string | null;
  nowMs: number;
  /** The x window every chart shares, in seconds: the last WINDOW_MS, or the start. */
  windowS: readonly [number, number];
  series: Record<string, Record<ChartedKey, Point[]>>;
  /** Each variant's last frame, for the figures in words. */
  latest: Record<string, FrameEvent | null>;
  /** The newest STALLS_SHOWN stalls, newest first. */
  stalls: StallView[];
  /** How many older stalls are left out of `stalls`. */
  olderStalls: number;
  markers: MarkerEvent[];
  silences: SilenceView[];
  /** The newest warning of each code and variant, newest first. */
  warnings: WarningEvent[];
  /** `--alternate`: the variant under load now, and since when; null when none is. */
  turn: { variant: string; fromMs: number } | null;
}

/** How much time the charts show. */
export const WINDOW_MS = 60_000;
/** The stall list keeps this many, newest first: a list a reader can take in at a glance. */
export const STALLS_SHOWN = 20;
/** No band for less quiet than this, whatever the frame interval and rhythm. */
export const SILENCE_MIN_MS = 300;
/** A silence is longer than this many times the variant's usual gap between frames. */
export const SILENCE_OVER_USUAL = 1.5;
/** The usual gap is the median of the variant's last this many ordinary gaps. */
const USUAL_GAPS_KEPT = 16;
/** Before the session event says how often frames come. */
const DEFAULT_FRAME_MS = 200;

interface Silence {
  variant: string;
  fromMs: number;
  toMs: number;
}

/**
 * A frame as the model keeps it: whether a silence came before it, and in a lesson's runs
 * (`lesson --live`) where its variant's run began when an earlier run's frames came before it:
 * the line breaks there, rather than join two runs' servers.
 */
interface FrameEntry {
  frame: FrameEvent;
  afterSilence: boolean;
  runFromMs?: number;
}

/** What the events so far add up to. Built by addEvent, read by viewAt. */
export interface LiveModel {
  session: SessionEvent | null;
  state: SessionState;
  stateReason: string | null;
  frames: Map<string, FrameEntry[]>;
  stalls: StallEvent[];
  markers: MarkerEvent[];
  warnings: WarningEvent[];
  silences: Silence[];
  /** `--alternate`: whose turn it is, since when (ms); null when paused, stopped, or all at once. */
  turn: { variant: string; fromMs: number } | null;
  /** While running: when each variant last spoke (its last frame, or when running began). */
  lastWord: Map<string, number>;
  /** The latest elapsedMs any event carried. */
  lastElapsedMs: number;
  /**
   * Where each variant's line breaks for a fresh server, until its first frame takes it: a
   * lesson's next run, or servers restarted by a knob (from when the load is back on).
   */
  runFrom: Map<string, number>;
  /** The variants whose servers a knob restarted, until the session runs again. */
  restarted: Set<string>;
  /** Each variant's latest gaps between frames while running (ms), by gapKey. */
  gaps: Map<string, number[]>;
}

export function createModel(): LiveModel {
  return {
    session: null,
    state: 'idle',
    stateReason: null,
    frames: new Map(),
    stalls: [],
    markers: [],
    warnings: [],
    silences: [],
    turn: null,
    lastWord: new Map(),
    lastElapsedMs: 0,
    runFrom: new Map(),
    restarted: new Set(),
    gaps: new Map(),
  };
}

/**
 * How long a variant must send no frame before its quiet is a silence: over 1.5 times its usual
 * gap (the median of its latest; the frame interval until it has four), over a frame interval
 * and 100 ms, and over 300 ms. A loop that otherwise answers on time is silent past some 375 ms
 * at 250 ms frames, so a 400 ms freeze always shows (the gap it leaves is 400 to 650 ms), while
 * sync's loop under busy-wait's load, whose frames come some 540 ms apart, is silent past 810.
 */
export function silenceAfterMs(model: LiveModel, variant: string): number {
  const interval = model.session?.frameIntervalMs ?? DEFAULT_FRAME_MS;
  const gaps = model.gaps.get(gapKey(model, variant)) ?? [];
  const sorted = [...gaps].sort((a, b) => a - b);
  const usual = sorted.length < 4 ? interval : (sorted[sorted.length >> 1] as number);
  return Math.max(SILENCE_MIN_MS, interval + 100, SILENCE_OVER_USUAL * usual);
}

/**
 * Whose rhythm a gap is: with --alternate a variant's loaded turns and its idle ones apart (an
 * idle loop answers every frame on time, and would make a loaded one's rhythm look like silence).
 */
function gapKey(model: LiveModel, variant: string): string {
  if (!model.session?.alternate || !model.turn) return variant;
  return `${variant} ${model.turn.variant === variant ? 'loaded' : 'idle'}`;
}

/** Keeps `gap` among the variant's latest, for its usual gap. */
function rememberGap(model: LiveModel, variant: string, gap: number): void {
  const key = gapKey(model, variant);
  const gaps = model.gaps.get(key) ?? [];
  gaps.push(gap);
  if (gaps.length > USUAL_GAPS_KEPT) gaps.shift();
  model.gaps.set(key, gaps);
}

/** Adds one event to the model it is given (and changes nothing else). */
export function addEvent(model: LiveModel, event: LiveEvent): void {
  if (event.type === 'session') {
    // Sent again on every reconnect: the layout and the knobs' values, never the history.
    model.session = event;
    model.state = event.state;
    // The turn under way as the page connects; the history's `turn` events, if any, follow.
    if (event.turn) model.turn = { variant: event.turn.variant, fromMs: event.turn.elapsedMs };
    return;
  }
  model.lastElapsedMs = Math.max(model.lastElapsedMs, event.elapsedMs);
  switch (event.type) {
    case 'frame': {
      const before = model.lastWord.get(event.variant);
      let silent = false;
      if (before !== undefined) {
        const gap = event.elapsedMs - before;
        silent = gap > silenceAfterMs(model, event.variant);
        if (silent)
          model.silences.push({ variant: event.variant, fromMs: before, toMs: event.elapsedMs });
        // Every gap, silences too: the median shrugs off a freeze now and then, and a loop whose
        // every gap is long has that rhythm (banded only until four gaps tell it).
        if (model.state === 'running') rememberGap(model, event.variant, gap);
      }
      const list = model.frames.get(event.variant) ?? [];
      const runFromMs = model.runFrom.get(event.variant);
      model.runFrom.delete(event.variant);
      list.push({
        frame: event,
        afterSilence: silent,
        ...(runFromMs !== undefined && list.length > 0 && { runFromMs }),
      });
      model.frames.set(event.variant, list);
      if (model.state === 'running') model.lastWord.set(event.variant, event.elapsedMs);
      return;
    }
    case 'stall':
      model.stalls.push(event);
      return;
    case 'marker':
      model.markers.push(event);
      // A knob turned (live, not a lesson's next run): the loops' rhythm is learnt again.
      if (!model.session?.lesson) model.gaps.clear();
      // Fresh servers: their lines start anew once the load is back on them.
      if (event.restart)
        for (const v of event.variants ?? variantsOf(model)) model.restarted.add(v);
      return;
    case 'warning':
      model.warnings.push(event);
      return;
    case 'turn':
      model.turn = { variant: event.variant, fromMs: event.elapsedMs };
      // A lesson's runs: one server at a time, so only the variant whose run it is owes frames.
      if (model.session?.lesson) {
        model.runFrom.set(event.variant, event.elapsedMs);
        if (model.state === 'running') {
          model.lastWord.clear();
          model.lastWord.set(event.variant, event.elapsedMs);
        }
      }
      return;
    case 'state': {
      if (event.state === 'running') {
        // Silence is counted from when the load (re)started: a paused server owes no frames,
        // nor one restarting (the session is idle meanwhile).
        for (const v of variantsOf(model)) model.lastWord.set(v, event.elapsedMs);
        for (const v of model.restarted)
          if (model.frames.has(v)) model.runFrom.set(v, event.elapsedMs);
        model.restarted.clear();
      } else {
        // A silence that had begun when the session paused or stopped ends there.
        for (const [variant, fromMs] of model.lastWord)
          if (event.elapsedMs - fromMs > silenceAfterMs(model, variant))
            model.silences.push({ variant, fromMs, toMs: event.elapsedMs });
        model.lastWord.clear();
        // A turn ends with the load: the next `running` begins one again.
        model.turn = null;
      }
      model.state = event.state;
      model.stateReason = event.reason ?? null;
      return;
    }
  }
}

function variantsOf(model: LiveModel): string[] {
  const named = model.session?.variants ?? [];
  return [...named, ...[...model.frames.keys()].filter((v) => !named.includes(v))];
}

const silenceLabel = (variant: string, ms: number) =>
  `no word from ${variant}'s loop for ${Math.round(ms)} ms`;

/** A frame's figure in the unit its chart shows. */
function charted(frame: FrameEvent, key: ChartedKey): number | null {
  const v = frame[key];
  if (v === null) return null;
  return key === 'rssBytes' ? v / 1024 ** 2 : v;
}

function seriesOf(
  list: readonly FrameEntry[],
  fromMs: number,
  silences: readonly Silence[],
): Record<ChartedKey, Point[]> {
  // The frames in the window, and the one before it so a line enters from the left edge.
  const first = Math.max(
    0,
    list.findIndex((f) => f.frame.elapsedMs >= fromMs),
  );
  const shown = list.slice(Math.max(0, first - 1));
  const out = Object.fromEntries(CHARTED.map((c) => [c.key, [] as Point[]])) as Record<
    ChartedKey,
    Point[]
  >;
  for (const { frame, afterSilence, runFromMs } of shown) {
    // The line breaks where the probe fell silent: a null where the silence began; and where a
    // lesson's next run of the variant began, in a fresh server.
    const gapFromMs = afterSilence
      ? (silences.find((x) => x.variant === frame.variant && x.toMs === frame.elapsedMs)?.fromMs ??
        frame.elapsedMs)
      : (runFromMs ?? null);
    for (const c of CHARTED) {
      if (gapFromMs !== null) out[c.key].push([gapFromMs / 1000, null]);
      out[c.key].push([frame.elapsedMs / 1000, charted(frame, c.key)]);
    }
  }
  return out;
}

/** The page as it should look at `nowMs` (since the session started). */
export function viewAt(model: LiveModel, nowMs: number): LiveView {
  const variants = variantsOf(model);
  const fromMs = Math.max(0, nowMs - WINDOW_MS);
  const windowS = [fromMs / 1000, Math.max(nowMs, 10_000) / 1000] as const;
  const series: LiveView['series'] = {};
  const latest: LiveView['latest'] = {};
  for (const v of variants) {
    const list = model.frames.get(v) ?? [];
    series[v] = seriesOf(list, fromMs, model.silences);
    latest[v] = list.at(-1)?.frame ?? null;
  }
  const closed = model.silences.map((s) => ({
    ...s,
    open: false,
    label: silenceLabel(s.variant, s.toMs - s.fromMs),
    newest: false,
  }));
  const open = [...model.lastWord]
    .filter(([variant, fromMs]) => nowMs - fromMs > silenceAfterMs(model, variant))
    .map(([variant, fromMs]) => ({
      variant,
      fromMs,
      toMs: nowMs,
      open: true,
      label: silenceLabel(variant, nowMs - fromMs),
      newest: false,
    }));
  const silences = [...closed, ...open];
  // The one that began last; on a tie, the first listed.
  let newest = -1;
  silences.forEach((s, i) => {
    if (newest < 0 || s.fromMs > (silences[newest] as SilenceView).fromMs) newest = i;
  });
  if (newest >= 0) (silences[newest] as SilenceView).newest = true;
  const stalls = model.stalls
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.elapsedMs - a.s.elapsedMs || b.i - a.i)
    .slice(0, STALLS_SHOWN)
    .map(({ s }) => ({
      variant: s.variant,
      elapsedMs: s.elapsedMs,
      ms: s.ms,
      name: stallName(s.frames),
      stack: stallStack(s.frames),
    }));
  const seen = new Set<string>();
  const warnings = [...model.warnings].reverse().filter((w) => {
    const key = `${w.code} ${w.variant ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    session: model.session,
    variants,
    state: model.state,
    stateReason: model.stateReason,
    nowMs,
    windowS,
    series,
    latest,
    stalls,
    olderStalls: Math.max(0, model.stalls.length - STALLS_SHOWN),
    markers: [...model.markers],
    silences,
    warnings,
    turn: model.turn,
  };
}

/** The view after `events`, at `nowMs`: what the tests and a replay read. */
export function viewOf(events: readonly LiveEvent[], nowMs: number): LiveView {
  const model = createModel();
  for (const e of events) addEvent(model, e);
  return viewAt(model, nowMs);
}
