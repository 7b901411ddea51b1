/**
 * Lesson 8's claim that bodies take turns on the pool: three 1 MiB gzip() calls started at once,
 * against one alone and against gzipSync. Async zlib hands the pool one job per output chunk
 * (16 KiB, zlib's default chunkSize), so with one pool thread the three bodies' jobs alternate in
 * the queue and all three finish near the end, instead of one after another.
 *
 * Usage: UV_THREADPOOL_SIZE=1 node dist/scripts/dev/zlib-turns.js [rounds=5]
 * (the variable must be in the environment that starts Node: lesson 3).
 */
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { logText } from '../../scenarios/catalog/lib/log-text.ts';

const gzipAsync = promisify(gzip);
const rounds = Number(process.argv[2] ?? 5);
const MiB = 1024 * 1024;
const bodies = [0, 1, 2].map((seed) => logText(MiB, seed));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (x: number) => x.toFixed(1);

const syncMs: number[] = [];
const aloneMs: number[] = [];
const together: number[][] = [];
await gzipAsync(bodies[0] as Buffer); // the pool started, before anything is timed
for (let r = 0; r < rounds; r++) {
  let t = performance.now();
  gzipSync(bodies[0] as Buffer);
  syncMs.push(performance.now() - t);
  t = performance.now();
  await gzipAsync(bodies[0] as Buffer);
  aloneMs.push(performance.now() - t);
  t = performance.now();
  const done: number[] = [];
  await Promise.all(bodies.map((b) => gzipAsync(b).then(() => done.push(performance.now() - t))));
  together.push(done);
}
const outKiB = gzipSync(bodies[0] as Buffer).length / 1024;
console.log(
  `Node ${process.version}, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '(unset: 4)'}, ` +
    `1 MiB of log text → ${outKiB.toFixed(0)} KiB gzipped (${Math.ceil(outKiB / 16)} output chunks of 16 KiB), ${rounds} rounds`,
);
console.log(`gzipSync of one body: median ${ms(median(syncMs))} ms`);
console.log(`gzip() of one body alone: median ${ms(median(aloneMs))} ms`);
for (const [i, d] of together.entries())
  console.log(`round ${i + 1}: three gzip() at once finished at ${d.map(ms).join(', ')} ms`);
