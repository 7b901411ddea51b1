/**
 * Measures what the preloaded probe costs a user's server (`bench --cmd`), for docs/own-server.md
 * and closing notes: the same app on a trivial route (test/fixtures/apps/http-app.cjs, /health)
 * with the preload and, twice, without it, in interleaved slices (slices.ts says why and how).
 *
 * Usage: node dist/scripts/dev/preload-overhead.js [processes=4] [slices=12] [slice=1]
 */
import {
  measureSlices,
  printSlices,
  type SliceDesign,
  withoutPreload,
  withPreload,
} from './slices.ts';

const design: SliceDesign = {
  start: { on: () => withPreload(), off: withoutPreload, control: withoutPreload },
  path: '/health',
  processes: Number(process.argv[2] ?? 4),
  slices: Number(process.argv[3] ?? 12),
  sliceSec: Number(process.argv[4] ?? 1),
};
printSlices(await measureSlices(design), design, { on: 'the preload', off: 'none' });
