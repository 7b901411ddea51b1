/**
 * A latency histogram of bounded size, for counts too large to keep every sample: the WebSocket
 * driver records every delivery of every message, tens of thousands a second.
 *
 * Values are kept in whole microseconds: exactly below 2,048 µs, and above that in buckets a
 * 1/1,024 of their value wide (HdrHistogram's layout with 10 bits of precision), so a
 * percentile is never more than 0.1% below the true sample. The minimum and maximum are kept
 * exactly.
 */

/** Below this many µs every value has a bucket of its own. */
const EXACT_BELOW_US = 2048;
const SUB_BUCKET_BITS = 10;

/** The largest value kept, in µs (71 minutes); anything longer is kept as this. */
export const MAX_US = 2 ** 32 - 1;

/** The bucket of `us` (a whole, non-negative number of µs), and the smallest value in it. */
export function bucketOf(us: number): { index: number; lowUs: number } {
  if (us < EXACT_BELOW_US) return { index: us, lowUs: us };
  // The position of the highest bit, exactly: a logarithm can round up just under a power of 2.
  const exponent = 31 - Math.clz32(us);
  const shift = exponent - SUB_BUCKET_BITS;
  const sub = Math.floor(us / 2 ** shift);
  return {
    index: EXACT_BELOW_US + (exponent - 11) * 1024 + (sub - 1024),
    lowUs: sub * 2 ** shift,
  };
}

export class LatencyHistogram {
  readonly #counts = new Map<number, { lowUs: number; n: number }>();
  #n = 0;
  #maxMs: number | null = null;
  #minMs: number | null = null;

  /** Records one latency in ms; a negative one (clocks never run back here) counts as 0. */
  record(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`LatencyHistogram: non-finite ${ms}`);
    const clamped = Math.max(0, ms);
    const { index, lowUs } = bucketOf(Math.min(MAX_US, Math.round(clamped * 1000)));
    const bucket = this.#counts.get(index);
    if (bucket) bucket.n++;
    else this.#counts.set(index, { lowUs, n: 1 });
    this.#n++;
    if (this.#maxMs === null || clamped > this.#maxMs) this.#maxMs = clamped;
    if (this.#minMs === null || clamped < this.#minMs) this.#minMs = clamped;
  }

  get count(): number {
    return this.#n;
  }

  /** The smallest latency recorded, exactly; null when none was. */
  get minMs(): number | null {
    return this.#minMs;
  }

  /** The largest latency recorded, exactly; null when none was. */
  get maxMs(): number | null {
    return this.#maxMs;
  }

  /**
   * The `p`th percentile (0 < p ≤ 100) by nearest rank, in ms: the smallest recorded value that at
   * least p% of the samples are at or below, to its bucket's precision; null when empty.
   */
  percentile(p: number): number | null {
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}`);
    if (this.#n === 0) return null;
    if (p === 100) return this.#maxMs;
    // p × n first: (99.9 / 100) × 1000 is 999.0000000000001 in floating point, whose ceiling
    // made the p99.9 of 1,000 samples the largest; the tolerance keeps a whole rank whole.
    const rank = Math.ceil((p * this.#n) / 100 - 1e-9);
    let seen = 0;
    for (const index of [...this.#counts.keys()].sort((a, b) => a - b)) {
      const bucket = this.#counts.get(index) as { lowUs: number; n: number };
      seen += bucket.n;
      if (seen >= rank) return bucket.lowUs / 1000;
    }
    return this.#maxMs;
  }
}
