/**
 * A load driver: what loads a server through one window after another and says what each
 * measured. autocannon for HTTP, looplab's own for WebSocket scenarios; a run (measure-run.ts)
 * picks one by the scenario's protocol and otherwise goes through the same phases.
 */
import type { LoadResult } from '../../report/types.ts';
import { type LoadOptions, loadAutocannon, runLoad } from './load.ts';

export interface DriveOptions {
  /** Called about once a second with the requests (messages) completed so far. */
  onTick?: (completed: number) => void;
  /** Called with each answer's latency as it comes, where the driver can (autocannon on this thread). */
  onAnswer?: (latencyMs: number) => void;
  /** Wait for what is still on its way after the last send (the measured window); not in warm-up. */
  settle?: boolean;
  /** Called as the load starts sending: the window opens. */
  onStart?: () => void;
  /**
   * Open every connection before sending, so that the window does not open on connections the
   * server is still accepting one per loop turn (load.ts, connectFirst). A driver whose
   * connections outlive its windows (WebSocket) has nothing to do.
   */
  connectFirst?: boolean;
}

export interface LoadDriver {
  /** Loads the server for `durationSec`; resolves early, with what it has, on abort. */
  run(durationSec: number, options?: DriveOptions): Promise<LoadResult>;
  /** Closes what the driver keeps open between windows (connections). */
  close(): Promise<void>;
}

/**
 * autocannon, a fresh instance per window: nothing is kept open between them. It is loaded here,
 * before any window, so that loading it never takes a window's first moments (--warmup 0).
 * Every window, warm-up included, waits for its last answers (load.ts): a warm-up that left them
 * to the server would only leave them to the drain before the window.
 */
export async function openHttpDriver(
  load: Omit<LoadOptions, 'durationSec' | 'onTick' | 'onAnswer' | 'onStart' | 'connectFirst'>,
): Promise<LoadDriver> {
  await loadAutocannon();
  return {
    run: (durationSec, o = {}) =>
      runLoad({
        ...load,
        durationSec,
        ...(o.onTick && { onTick: o.onTick }),
        ...(o.onAnswer && { onAnswer: o.onAnswer }),
        ...(o.onStart && { onStart: o.onStart }),
        ...(o.connectFirst && { connectFirst: true }),
      }),
    close: async () => {},
  };
}
