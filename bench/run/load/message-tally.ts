/**
 * The WebSocket driver's bookkeeping, without a socket in sight: when each message is due, and
 * what became of every message sent in a window. Pure; the clock comes in as numbers, so every
 * rule here has a unit test with exact expectations.
 */
import type { FrameKind, Stamp } from '../../../scenarios/message-frame.ts';
import { LatencyHistogram } from '../../stats/histogram.ts';

/**
 * The room-wide pace: `clients` clients each sending `ratePerSec` messages a second, spread
 * evenly, are one message every `1000 / (clients × ratePerSec)` ms, client after client. Each
 * client then sends at its own steady rate, and the room never gets its messages in bursts.
 */
export const sendIntervalMs = (clients: number, ratePerSec: number): number =>
  1000 / (clients * ratePerSec);

/** How many sends fall in a window of `durationMs`: those due at 0, interval, 2 × interval, … before its end. */
export const sendsIn = (durationMs: number, intervalMs: number): number =>
  Math.max(1, Math.ceil(durationMs / intervalMs - 1e-9));

/** How many of `total` sends are due `elapsedMs` into the window. */
export const dueBy = (elapsedMs: number, intervalMs: number, total: number): number =>
  Math.min(total, Math.floor(elapsedMs / intervalMs + 1e-9) + 1);

/** What became of the messages sent in one window. */
export interface WindowCounts {
  /** Messages sent. */
  sent: number;
  /** Sent messages whose answer reached their sender: their broadcast, or an error for them alone. */
  answered: number;
  /** Of those, answered with an error (a status outside 2xx). */
  errors: number;
  /** Deliveries received in time, to every client, the sender's own included. */
  delivered: number;
  /** Deliveries that should have arrived: each broadcast to every client, each error to its sender. */
  expected: number;
  /** Delivered, but later than the late threshold. */
  late: number;
  /** Expected deliveries that never came, or came after the timeout. */
  dropped: number;
  /** Time from send to every delivery. */
  delivery: LatencyHistogram;
  /** Time from send to the answer reaching the sender: the message's round trip. */
  roundTrip: LatencyHistogram;
  bytesReceived: number;
}

export interface WindowOptions {
  clients: number;
  lateMs: number;
  /** A delivery later than this after its send is dropped, not delivered. */
  timeoutMs: number;
  /** The first sequence number of this window; earlier ones are a previous window's. */
  firstSeq: number;
}

/** The tally of one window: told of every send and every frame received, in any order. */
export class MessageWindow {
  readonly #o: WindowOptions;
  #nextSeq: number;
  #sent = 0;
  #answered = 0;
  #errors = 0;
  #delivered = 0;
  #late = 0;
  #bytes = 0;
  readonly #delivery = new LatencyHistogram();
  readonly #roundTrip = new LatencyHistogram();

  constructor(o: WindowOptions) {
    this.#o = o;
    this.#nextSeq = o.firstSeq;
  }

  /** Records the next send; returns its sequence number. */
  sent(): number {
    this.#sent++;
    return this.#nextSeq++;
  }

  /**
   * Records a frame that `receiver` got at `nowMs`. A frame of another window, of a client that is
   * not the driver's, or later than the timeout, counts for nothing but its bytes.
   */
  received(receiver: number, kind: FrameKind, stamp: Stamp, bytes: number, nowMs: number): void {
    this.#bytes += bytes;
    const ours = stamp.sender < this.#o.clients;
    if (!ours || stamp.seq < this.#o.firstSeq || stamp.seq >= this.#nextSeq) return;
    const ms = nowMs - stamp.sentAtMs;
    if (ms > this.#o.timeoutMs) return;
    this.#delivered++;
    this.#delivery.record(ms);
    if (ms > this.#o.lateMs) this.#late++;
    if (receiver === stamp.sender) {
      this.#answered++;
      this.#roundTrip.record(ms);
      if (kind === 'error') this.#errors++;
    }
  }

  /** Every expected delivery has arrived: nothing is left to wait for. */
  get complete(): boolean {
    return this.#answered === this.#sent && this.#delivered >= this.#expected();
  }

  // An unanswered message is expected everywhere: had it been answered, it would have been broadcast.
  #expected(): number {
    return (this.#sent - this.#errors) * this.#o.clients + this.#errors;
  }

  counts(): WindowCounts {
    const expected = this.#expected();
    return {
      sent: this.#sent,
      answered: this.#answered,
      errors: this.#errors,
      delivered: this.#delivered,
      expected,
      late: this.#late,
      dropped: Math.max(0, expected - this.#delivered),
      delivery: this.#delivery,
      roundTrip: this.#roundTrip,
      bytesReceived: this.#bytes,
    };
  }
}
