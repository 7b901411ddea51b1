/**
 * `looplab lesson N --live`: a benchmark's runs, shown live as they measure. The runs are the
 * benchmark's own (a fresh server per run, the variants interleaved, warm-up, window, reaping);
 * this only watches each run's measured window: it reads the server's probe frame by frame
 * (the per-frame messages `looplab live` reads) and counts the load's answers as they come, and
 * sends what it sees as the events `looplab live` sends, to the same page server and page.
 *
 * Watching changes nothing the run measures: a frame leaves the window's own figures alone (the
 * probe keeps them apart), and holds the server's loop for some 0.2 to 0.3 ms a frame (docs/live.md).
 */
import { performance } from 'node:perf_hooks';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { round } from '../../core/numbers.ts';
import type { Params } from '../../scenarios/types.ts';
import type { WindowWatch } from '../run/measure-run.ts';
import type { MeasuredServer } from '../run/process/target.ts';
import {
  LIVE_EVENTS_VERSION,
  type LiveEvent,
  type LiveSource,
  type SessionEvent,
  type SessionState,
} from './events.ts';
import { emptyTally, frameEvent, stallEvents } from './frames.ts';

/** How long a frame's answer is waited for; until it comes, that server is not asked again. */
const FRAME_ANSWER_TIMEOUT_MS = 60_000;

export interface RunsSourceOptions {
  /** The scenario the runs measure. */
  scenario: string;
  /** The lanes, drawn side by side in this order: each a variant (with its measurement's name). */
  lanes: string[];
  params: Params;
  connections: number;
  frameIntervalMs: number;
  lesson: { number: number; id: string; title: string };
}

export interface RunsSource extends LiveSource {
  /** A run begins (its server starts): a marker, `run 3 of 8: sync`. */
  runStarts(text: string, lane: string): void;
  /** Watches `lane`'s run's window on `server`: its frames, until the watch ends. */
  watch(lane: string, server: MeasuredServer, o: { answers: boolean }): WindowWatch;
  /** The runs are over (or stopped): a `stopped` state with `reason`; nothing is sent after. */
  end(reason: string): void;
}

/** The source of a benchmark's runs, as they measure; it starts no process of its own. */
export function runsSource(options: RunsSourceOptions): RunsSource {
  const listeners = new Set<(event: LiveEvent) => void>();
  const startEpochMs = round(performance.timeOrigin + performance.now(), 3);
  const elapsed = () => round(performance.timeOrigin + performance.now() - startEpochMs);
  let state: SessionState = 'idle';
  let turn: { variant: string; elapsedMs: number } | undefined;

  const emit = (event: LiveEvent) => {
    if (state === 'stopped' && !(event.type === 'state' && event.state === 'stopped')) return;
    for (const listener of listeners) listener(event);
  };
  const setState = (next: SessionState, reason?: string) => {
    if (state === next || state === 'stopped') return;
    state = next;
    emit({ type: 'state', elapsedMs: elapsed(), state: next, ...(reason && { reason }) });
  };

  return {
    describe(): SessionEvent {
      return {
        type: 'session',
        version: LIVE_EVENTS_VERSION,
        scenario: options.scenario,
        variants: options.lanes,
        // No knob: a lesson measures what it was written to measure.
        paramSpecs: {},
        params: options.params,
        connections: options.connections,
        rate: null,
        state,
        startEpochMs,
        frameIntervalMs: options.frameIntervalMs,
        alternate: false,
        ...(state === 'running' && turn && { turn }),
        lesson: options.lesson,
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    control() {
      return Promise.reject(
        new LooplabError(
          ERROR_CODES.USAGE,
          "a lesson's runs are the lesson's: the page only watches them (Ctrl-C in the terminal stops the lesson)",
        ),
      );
    },
    async close() {
      listeners.clear();
    },
    runStarts(text, lane) {
      emit({ type: 'marker', elapsedMs: elapsed(), text, variants: [lane] });
    },
    watch(lane, server, o) {
      /**
       * The run's turn begins once its probe has answered the first frame (the warm-up's, which
       * is dropped): a silence counts from there.
       */
      const begin = () => {
        setState('running');
        turn = { variant: lane, elapsedMs: elapsed() };
        emit({ type: 'turn', ...turn });
      };
      const frameProbe = server.frameProbe?.bind(server);
      let answers = emptyTally();
      let last = performance.now();
      let ended = false;
      let timer: NodeJS.Timeout | undefined;
      /** Reads a frame: its load is the answers since the frame before. */
      const ask = async (first: boolean) => {
        if (!frameProbe) {
          if (first) begin();
          return;
        }
        const frame = await frameProbe(FRAME_ANSWER_TIMEOUT_MS).catch(() => null);
        if (first && !ended) begin();
        const now = performance.now();
        // Answers not counted (on --workers): the load's figures are null, not 0.
        const tally = o.answers ? { ...answers, spanMs: now - last } : null;
        answers = emptyTally();
        last = now;
        // The first reading closes the frame the warm-up was in: only the window's are sent.
        if (!frame || first || state === 'stopped') return;
        emit({
          ...frameEvent(lane, startEpochMs, frame, tally),
          // What a window's watch cannot count per frame: not measured, so null, never 0.
          errors: null,
          timeouts: null,
          pingP50Ms: null,
          pingP99Ms: null,
          pingTimeouts: null,
        });
        for (const stall of stallEvents(lane, startEpochMs, frame)) emit(stall);
      };
      // Each frame once the one before has answered: a blocked loop is not asked again until
      // it answers, and its next frame covers the whole silence, as `looplab live` reads it.
      const loop = async (first: boolean) => {
        await ask(first);
        if (!ended) timer = setTimeout(() => void loop(false), options.frameIntervalMs);
      };
      void loop(true);
      return {
        onAnswer(latencyMs) {
          answers.completed++;
          answers.latenciesMs.push(latencyMs);
        },
        end() {
          if (ended) return;
          ended = true;
          clearTimeout(timer);
          // No frame of the stretch since the last: it ends after the window's load, as the
          // first (dropped) began before it.
          turn = undefined;
          setState('idle', 'between runs');
        },
      };
    },
    end(reason) {
      setState('stopped', reason);
    },
  };
}
