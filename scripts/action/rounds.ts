/**
 * The order of the two sides in a round of looplab's own scenarios. Pure.
 *
 * A side that always ran first would carry whatever the first run of a round has (a cold page
 * cache, a CPU boost not yet spent) into the comparison as if it were the code's; alternating
 * the order round by round leaves it to cancel out, as bench --vs-cmd does run by run.
 */
export type Side = 'base' | 'head';

/** Round 1 runs the base first, round 2 the head, and so on. */
export function sidesInRound(round: number): readonly [Side, Side] {
  return round % 2 === 1 ? ['base', 'head'] : ['head', 'base'];
}
