/**
 * Seeded random draws for the simulation tests: the same seed gives the same reports on every
 * machine, so a rate a test prints is reproducible.
 */

import { seededRandom as seededUniform } from '../../bench/run/load/open-schedule.ts';

/** mulberry32, uniform in [0, 1): the open-model generator's own, so there is one of it. */
export { seededUniform };

/** Standard normal draws by Box–Muller over a seeded uniform source. */
export function seededNormal(seed: number): () => number {
  const uniform = seededUniform(seed);
  return () => {
    // 1 - u keeps the logarithm's argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    return r * Math.cos(2 * Math.PI * uniform());
  };
}

/**
 * A draw from the log-normal whose mean is `mean` and whose coefficient of variation is `cv`:
 * benchmark figures are positive and skewed to the right, latencies most of all.
 */
export function logNormalDraw(normal: () => number, mean: number, cv: number): number {
  const s2 = Math.log(1 + cv * cv);
  return mean * Math.exp(Math.sqrt(s2) * normal() - s2 / 2);
}
