/**
 * The shared memory between the loop's thread and the worker that makes its synchronous calls
 * (upstream-client.ts): an Int32Array of two slots, then the answer's bytes.
 */

/** Room for one answer; the upstream's are a few hundred bytes. */
export const SYNC_ANSWER_BYTES = 64 * 1024;
/** The slot that is 0 while a call is out and 1 once it is answered. */
export const DONE_SLOT = 0;
/** The slot with the answer's length in bytes, or minus its status (-1: no answer) on failure. */
export const LENGTH_SLOT = 1;
