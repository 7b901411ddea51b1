/**
 * The probe's side of the IPC protocol, shared by the scenario server and the preload: a new
 * window opens only once the server is idle, and a read answers with the current reading.
 */
import type { IdleTracker } from '../server/idle-tracker.ts';
import type { Probe } from './probe.ts';
import type { FromChild, ToChild } from './protocol.ts';

type ProbeAnswer = Extract<
  FromChild,
  { type: 'probe:reset:done' | 'probe:data' | 'probe:frame:data' }
>;

/** Returns the handler of the harness's probe messages; `probe` null answers reads with null. */
export function answerProbe(
  probe: Probe | null,
  idle: IdleTracker,
  send: (msg: ProbeAnswer) => void,
): (msg: ToChild) => void {
  return (msg) => {
    if (msg.type === 'probe:reset') {
      // A new window opens only once the work the warm-up left behind is done.
      idle.whenIdle(() => {
        if (msg.atFirstRequest) idle.onNextWork(() => probe?.reset(msg.windowMs));
        else probe?.reset(msg.windowMs);
        send({ type: 'probe:reset:done' });
      });
    } else if (msg.type === 'probe:read') {
      // The reading is async: the stall tally lives on the watchdog's thread.
      void (probe ? probe.read() : Promise.resolve(null)).then((data) =>
        send({ type: 'probe:data', data }),
      );
    } else if (msg.type === 'probe:frame') {
      // No wait for idle: under continuous load that never comes, and a frame is read mid-load.
      void (probe ? probe.frame() : Promise.resolve(null)).then((data) =>
        send({ type: 'probe:frame:data', data }),
      );
    }
  };
}

/** One tracker over several servers: idle when each is; the next work request on any. */
export function allIdle(trackers: readonly IdleTracker[]): IdleTracker {
  return {
    whenIdle(fn) {
      let i = 0;
      const next = () => {
        const tracker = trackers[i++];
        if (tracker) tracker.whenIdle(next);
        else fn();
      };
      next();
    },
    onNextWork(fn) {
      let called = false;
      const once = () => {
        if (called) return;
        called = true;
        fn();
      };
      for (const t of trackers) t.onNextWork(once);
    },
  };
}
