/**
 * Seeded random draws for the simulation tests: the same seed gives the same reports on every
 * machine, so a rate a test prints is reproducible.
 */

/** mulberry32: a small 32-bit generator, uniform in [0, 1); plenty for simulated benchmark noise. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
