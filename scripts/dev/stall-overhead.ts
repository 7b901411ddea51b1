/**
 * Measures what the stall watchdog costs, for docs/stalls.md and closing notes: the same app
 * (test/fixtures/apps/http-app.cjs) under the preload, with stall capture on and, twice, off, in
 * interleaved slices (slices.ts says why and how).
 *
 * - `/health`: a trivial route, where the only cost is the heartbeat and an idle worker thread;
 *   the watchdog is on by default only if this costs under 2% of requests/s.
 * - `/block?ms=1`: a server-bound route with no stall over the threshold.
 * - `/block?ms=20`: a loop stalled nearly all the time, sampled all the time: the price of the
 *   samples themselves, which lengthen the stalls they sample.
 *
 * Usage: node dist/scripts/dev/stall-overhead.js [path=/health] [processes=4] [slices=12] [slice=1]
 */
import { STALL_THRESHOLD_MS } from '../../bench/run/options.ts';
import { measureSlices, printSlices, type SliceDesign, withPreload } from './slices.ts';

const design: SliceDesign = {
  start: {
    on: () => withPreload(STALL_THRESHOLD_MS),
    off: () => withPreload(null),
    control: () => withPreload(null),
  },
  path: process.argv[2] ?? '/health',
  processes: Number(process.argv[3] ?? 4),
  slices: Number(process.argv[4] ?? 12),
  sliceSec: Number(process.argv[5] ?? 1),
};
printSlices(await measureSlices(design), design, {
  on: `the watchdog at ${STALL_THRESHOLD_MS} ms`,
  off: 'no watchdog',
});
