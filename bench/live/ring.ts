/**
 * The page server's memory of what it streamed: the last `capacity` events, each with its id in
 * a monotonic sequence, so that a page that reconnects with `Last-Event-ID` gets exactly what it
 * missed, and a reloaded page gets the whole history (k6's dashboard and Locust lose it).
 *
 * Bounded by count, not by time: a session's rate of events is known (frames per second times
 * variants), and a count keeps memory flat however long the session runs.
 */

export interface RingEntry<T> {
  /** 1, 2, 3…: never reused, so an id names one event for the session's whole life. */
  id: number;
  value: T;
}

export interface RingSlice<T> {
  entries: RingEntry<T>[];
  /** Events after the asked id that fell out of the ring before they could be sent. */
  lost: number;
}

export class Ring<T> {
  readonly capacity: number;
  private readonly items: (RingEntry<T> | undefined)[];
  private nextId = 1;

  /** @throws {RangeError} when capacity is not a positive integer (a programming error). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.items = new Array(capacity);
  }

  /** Keeps `value`, dropping the oldest when full; returns its id. */
  push(value: T): number {
    const id = this.nextId++;
    this.items[id % this.capacity] = { id, value };
    return id;
  }

  /** The id of the newest event, 0 before the first. */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** The id of the oldest event still held, or the next id when empty. */
  get firstId(): number {
    return Math.max(1, this.nextId - this.capacity);
  }

  get size(): number {
    return this.nextId - this.firstId;
  }

  /**
   * Every event after `afterId` still held, oldest first (all of them for 0), and how many
   * after it are gone. An id ahead of the ring (a page from an earlier looplab on the same
   * port) is read as 0: that page starts over rather than waiting for ids that will not come.
   */
  since(afterId: number): RingSlice<T> {
    const from = afterId > this.lastId || afterId < 0 ? 0 : afterId;
    const first = Math.max(from + 1, this.firstId);
    const entries: RingEntry<T>[] = [];
    for (let id = first; id <= this.lastId; id++) {
      const entry = this.items[id % this.capacity];
      if (entry !== undefined) entries.push(entry);
    }
    return { entries, lost: first - (from + 1) };
  }
}
