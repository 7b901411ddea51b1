/**
 * Who held a step's rate down, the generator or the server, in a sentence a user can act on.
 *
 * In order: a step not held with the server's loop busy 90% of the hold is the server's (its
 * capacity), even if the generator sent late; a generator whose own thread was starved timed
 * nothing the server can answer for; a loop busy 75% or more is near its capacity; answers that
 * took over twice as long from their sends as at the lowest rate (and 10 ms more, and more than
 * the generator's send lag) are a server that slowed off its loop (a thread pool, a downstream).
 * Otherwise a generator that sent late is named; then, with every connection busy, the cap on
 * connections may be what held the rate (in an open model the requests in flight grow with the
 * latency, Little's law), and raising it tells which: so the generator is named, with that
 * advice. Without a measured loop (`--url`) looplab cannot tell a busy server from a waiting
 * one, and says so.
 */
import { formatNumber, formatPercent } from '../../core/numbers.ts';
import { heldRate, SATURATED_ELU } from './knee.ts';
import { rateText } from './rates.ts';
import type { LimitedBy } from './types.ts';

/** A loop busy this share of a step it did not hold was the requests' wait, near capacity. */
export const NEAR_SATURATED_ELU = 0.75;

export interface LimitInput {
  offeredPerSec: number;
  /** Requests due per second of the hold, as the arrivals drew them (SweepStep.arrivedPerSec). */
  arrivedPerSec: number;
  /** null: the step failed, nothing answered. */
  achievedPerSec: number | null;
  /** Why the generator could not send on time (its CPU, its send lag); null: it could. */
  generatorLimited: string | null;
  /** At some due time every connection was busy: requests queued in the generator. */
  connectionsExhausted: boolean;
  /** The server loop's utilisation over the hold; null: not measured. */
  elu: number | null;
  /**
   * The step's p50 timed from each send, and the run's first held step's: a server whose answers
   * slowed that much was what filled the connections, not their cap. Absent: not known.
   */
  sentP50Ms?: number | null;
  lowLoadSentP50Ms?: number | null;
  /**
   * The generator's own thread was starved (busy 90% of the step or more): it read its answers
   * late too, so nothing it timed, from send included, says what the server did.
   */
  generatorStarved?: boolean;
  /** The generator's send lag p99 (ms): a rise from send under it may be its own lateness. */
  sendLagP99Ms?: number | null;
}

/** Slowed: its p50 from send over this factor of the lowest rate's, and by 10 ms or more. */
export const SLOWED_FACTOR = 2;
export const SLOWED_BY_MS = 10;

/**
 * How much the server's own answers slowed, in words; null when they did not, or by no more than
 * the generator's own send lag (a generator late to send is late to read its answers too).
 */
function slowedText(
  sent: number | null | undefined,
  low: number | null | undefined,
  sendLag: number | null | undefined,
): string | null {
  if (sent == null || low == null) return null;
  const rise = sent - low;
  if (sent <= SLOWED_FACTOR * low || rise < SLOWED_BY_MS || rise <= (sendLag ?? 0)) return null;
  return `its answers took ${formatNumber(sent)} ms from send (p50) against ${formatNumber(low)} ms at the lowest rate`;
}

export interface Limit {
  limitedBy: LimitedBy | null;
  limitedWhy: string | null;
}

/** The generator's limit: the step says nothing about the server. */
const generatorLimit = (offeredPerSec: number, why: string): Limit => ({
  limitedBy: 'generator',
  limitedWhy: `looplab's generator could not send ${rateText(offeredPerSec)} req/s on time (${why}): this step says nothing about the server; sweep lower rates, or run on a quieter machine`,
});

/** Who limited a step, or nobody (both null) when it held its rate with a connection to spare. */
export function classifyLimit(input: LimitInput): Limit {
  const {
    offeredPerSec,
    arrivedPerSec,
    achievedPerSec,
    generatorLimited,
    connectionsExhausted,
    elu,
  } = input;
  const held = heldRate({ arrivedPerSec, achievedPerSec });
  const answered =
    achievedPerSec === null
      ? `the server answered nothing of the ${rateText(arrivedPerSec)} req/s that arrived`
      : `the server answered ${rateText(achievedPerSec)} of the ${rateText(arrivedPerSec)} req/s that arrived`;
  // A loop busy 90% of the hold served all it could, however late the generator sent: what it
  // answered is its capacity. (First: a server saturated off the generator's two shared cores
  // was called the generator's limit, and its knee then said to be beyond the machine.)
  const limited = !held || connectionsExhausted;
  const lateToo =
    generatorLimited === null ? '' : ` (looplab's generator also sent late: ${generatorLimited})`;
  if (limited && elu !== null && elu >= SATURATED_ELU)
    return {
      limitedBy: 'server',
      limitedWhy: `${answered}, its loop busy ${formatPercent(elu)} of the time: requests queue for the loop; this is its capacity, move the work off the loop to raise it${lateToo}`,
    };
  // A starved generator timed nothing the server can answer for: from here on, its figures are
  // read as the server's.
  if (generatorLimited !== null && input.generatorStarved)
    return generatorLimit(offeredPerSec, generatorLimited);
  // Busy most of the hold, the loop is what the requests wait for, near its capacity: at 88%
  // (busy-wait's sync at 95% of its ceiling) the words "it waits off the loop" sent a reader to
  // a thread pool the route never uses. Before the answers' slowing: a loop near capacity
  // slows them too.
  if (!held && elu !== null && elu >= NEAR_SATURATED_ELU)
    return {
      limitedBy: 'server',
      limitedWhy: `${answered}, its loop busy ${formatPercent(elu)} of the time: near its capacity, requests queue for the loop; move work off the loop to raise it${lateToo}`,
    };
  // A step not held whose answers, timed from their sends (no lateness of the generator in
  // them), took far longer than at low load: the server slowed (its thread pool, a downstream),
  // whatever the connections or the generator did; more connections would queue more in it.
  // (pbkdf2 on a full thread pool, 109 of 160 a second answered in 0.9 s, was called the
  // generator's limit, connections all busy or sends 83 ms late, and dropped from the knee.)
  const slowed = held
    ? null
    : slowedText(input.sentP50Ms, input.lowLoadSentP50Ms, input.sendLagP99Ms);
  if (slowed !== null && elu !== null)
    return {
      limitedBy: 'server',
      limitedWhy: `${answered} while its loop was busy only ${formatPercent(elu)}${connectionsExhausted ? ', every connection busy' : ''}: ${slowed}: it waits off the loop (the thread pool, a downstream); more connections would only queue more in it${lateToo}`,
    };
  if (generatorLimited !== null) return generatorLimit(offeredPerSec, generatorLimited);
  if (!limited) return { limitedBy: null, limitedWhy: null };
  if (connectionsExhausted && (held || elu !== null)) {
    const loop = elu === null ? '' : ` while its loop was busy only ${formatPercent(elu)}`;
    return {
      limitedBy: 'generator',
      limitedWhy: `every connection was busy at times${loop}: requests waited in looplab's generator for one; raise --max-connections (if the rate still is not held, the server waits off its loop)`,
    };
  }
  if (elu === null)
    return {
      limitedBy: 'server',
      limitedWhy: `${answered}; its loop is not measured (--url), so looplab cannot tell a busy loop from one waiting${connectionsExhausted ? ', and every connection was busy: raise --max-connections to rule out the cap' : ''}`,
    };
  return {
    limitedBy: 'server',
    limitedWhy: `${answered} while its loop was busy only ${formatPercent(elu)}: it waits off the loop (the thread pool, a downstream, errors); look there, not at the loop`,
  };
}
