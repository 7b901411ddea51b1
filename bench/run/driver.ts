/**
 * A load driver: what loads a server through one window after another and says what each
 * measured. autocannon for HTTP, looplab's own for WebSocket scenarios; a run (measure-run.ts)
 * picks one by the scenario's protocol and otherwise goes through the same phases.
 */
import type { LoadResult } from '../report/types.ts';
import { type LoadOptions, runLoad } from './load.ts';

export interface DriveOptions {
  /** Called about once a second with the requests (messages) completed so far. */
  onTick?: (completed: number) => void;
  /** Wait for what is still on its way after the last send (the measured window); not in warm-up. */
  settle?: boolean;
}

export interface LoadDriver {
  /** Loads the server for `durationSec`; resolves early, with what it has, on abort. */
  run(durationSec: number, options?: DriveOptions): Promise<LoadResult>;
  /** Closes what the driver keeps open between windows (connections). */
  close(): Promise<void>;
}

/** autocannon, a fresh instance per window: nothing is kept open between them. */
export function httpDriver(load: Omit<LoadOptions, 'durationSec' | 'onTick'>): LoadDriver {
  return {
    run: (durationSec, o = {}) =>
      runLoad({ ...load, durationSec, ...(o.onTick && { onTick: o.onTick }) }),
    close: async () => {},
  };
}
