/**
 * The HTTP load's bookkeeping for one window, without a socket in sight: what was sent, what was
 * answered before the window closed and after it, and what never was. Pure; the clock comes in as
 * numbers, so every rule here has a unit test with exact expectations.
 *
 * A window ends by sending nothing new and waiting, up to the request timeout, for the requests
 * still in flight (load.ts). Those are the slowest of the window: dropping them, as a generator
 * that destroys its connections at the end does, would cut the tail off the latency percentiles.
 * So every answer counts in the latencies, whenever it came, and a request never answered counts
 * as a timeout, at the timeout, as a timed-out ping does.
 */
import { LatencyHistogram } from '../../stats/histogram.ts';

/** What became of the requests of one window. */
export interface RequestCounts {
  sent: number;
  /** Answered before the window closed: requests/s divides these by the window. */
  answeredInWindow: number;
  /** Answered after it closed, while the load waited for what was in flight. */
  answeredAfterClose: number;
  /** The bytes of the answers before the window closed: bytes/s divides these by the window. */
  bytesInWindow: number;
  /** Timed out (never answered within the timeout), including those the end of the wait found. */
  timeouts: number;
  /** Lost to a connection error. */
  errors: number;
  /** Every answer and every timeout (at the timeout), in ms. */
  latency: LatencyHistogram;
}

export class RequestTally {
  readonly #timeoutMs: number;
  #closed = false;
  #sent = 0;
  #inWindow = 0;
  #afterClose = 0;
  #bytesInWindow = 0;
  #timeouts = 0;
  #errors = 0;
  readonly #latency = new LatencyHistogram();

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  sent(): void {
    this.#sent++;
  }

  /** An answer of `bytes` that took `ms` from its send. */
  answered(ms: number, bytes = 0): void {
    if (this.#closed) this.#afterClose++;
    else {
      this.#inWindow++;
      this.#bytesInWindow += bytes;
    }
    this.#latency.record(ms);
  }

  timedOut(): void {
    this.#timeouts++;
    this.#latency.record(this.#timeoutMs);
  }

  /** A request lost with its connection: neither answered nor timed out. */
  failed(): void {
    this.#errors++;
  }

  /** The window closes: answers from now on came after it. */
  close(): void {
    this.#closed = true;
  }

  /** Requests sent and not yet answered, timed out or lost. */
  get inFlight(): number {
    return this.#sent - this.#inWindow - this.#afterClose - this.#timeouts - this.#errors;
  }

  /**
   * The counts; with `final`, what is still in flight counts as timed out (the wait for it ended
   * at the timeout, or the load was stopped), never as nothing.
   */
  counts(final = false): RequestCounts {
    if (final) for (let n = Math.max(0, this.inFlight); n > 0; n--) this.timedOut();
    return {
      sent: this.#sent,
      answeredInWindow: this.#inWindow,
      answeredAfterClose: this.#afterClose,
      bytesInWindow: this.#bytesInWindow,
      timeouts: this.#timeouts,
      errors: this.#errors,
      latency: this.#latency,
    };
  }
}

/**
 * One connection's part of a window, as a client on autocannon's worker threads reports it when
 * it ends (autocannon-client.cts): a function cannot reach those threads, so each client keeps
 * its own books and sends them over a BroadcastChannel.
 */
export interface ClientReport {
  sent: number;
  /** The latencies of the answers before its window closed, and after, in ms. */
  inWindowMs: ArrayLike<number>;
  /** The bytes of the answers before its window closed. */
  inWindowBytes: number;
  afterCloseMs: ArrayLike<number>;
  timeouts: number;
  errors: number;
  /** Its answers with a status outside 2xx. */
  non2xx: number;
  /** From its window's start to its last answer in the window; null for none. */
  lastAnswerMs: number | null;
}

/** The tally of a window from its connections' reports: the same books as on one thread. */
export function tallyOfReports(reports: readonly ClientReport[], timeoutMs: number): RequestTally {
  const tally = new RequestTally(timeoutMs);
  for (const r of reports) {
    for (let i = 0; i < r.sent; i++) tally.sent();
    // Its bytes come as one total (counted on its answers only): they ride on its first answer.
    for (let i = 0; i < r.inWindowMs.length; i++) {
      tally.answered(r.inWindowMs[i] as number, i === 0 ? r.inWindowBytes : 0);
    }
  }
  tally.close();
  for (const r of reports) {
    for (let i = 0; i < r.afterCloseMs.length; i++) tally.answered(r.afterCloseMs[i] as number);
    for (let i = 0; i < r.timeouts; i++) tally.timedOut();
    for (let i = 0; i < r.errors; i++) tally.failed();
  }
  return tally;
}
