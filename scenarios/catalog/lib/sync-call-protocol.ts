/**
 * The shared memory between the loop's thread and the worker that makes its synchronous calls
 * (upstream-client.ts): an Int32Array of two slots, then the answer's bytes.
 */

/**
 * How long a call to the upstream may wait for its headers, or between two pieces of its body:
 * undici's own default is 300 s, and a call that hangs would hold its request that long.
 */
export const UPSTREAM_TIMEOUTS = { headersTimeout: 30_000, bodyTimeout: 30_000 } as const;

/** Room for one answer; the upstream's are a few hundred bytes. */
export const SYNC_ANSWER_BYTES = 64 * 1024;
/** The slot that is 0 while a call is out and 1 once it is answered. */
export const DONE_SLOT = 0;
/** The slot with the answer's length in bytes, or minus its status (-1: no answer) on failure. */
export const LENGTH_SLOT = 1;
