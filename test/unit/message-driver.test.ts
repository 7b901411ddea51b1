/**
 * The WebSocket driver's pure parts: the stamp and the frames, the histogram's percentiles, the
 * send schedule, and the accounting of a window (delivered, late, dropped), with exact numbers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dueBy,
  MessageWindow,
  sendIntervalMs,
  sendsIn,
} from '../../bench/run/load/message-tally.ts';
import { bucketOf, LatencyHistogram } from '../../bench/stats/histogram.ts';
import {
  decodeStamp,
  encodeStamp,
  readFrame,
  STAMP_BYTES,
  splitStamped,
  stampedFrame,
  stampedMessage,
} from '../../scenarios/message-frame.ts';

describe('stamps and frames', () => {
  const stamp = { sender: 7, seq: 4_000_000_001, sentAtMs: 1234.5678 };

  it('round-trips a stamp through 16 bytes', () => {
    const bytes = encodeStamp(stamp);
    assert.equal(bytes.length, STAMP_BYTES);
    assert.deepEqual(decodeStamp(bytes), stamp);
    assert.equal(
      bytes.toString('hex'),
      `00000007ee6b2801${Buffer.from(bytes.subarray(8)).toString('hex')}`,
    );
  });

  it('splits what a stamping client sends into the stamp and the message the handler gets', () => {
    const sent = stampedMessage(stamp, Buffer.from('hello'));
    const split = splitStamped(sent);
    assert.ok(split);
    assert.deepEqual(decodeStamp(split.stamp), stamp);
    assert.equal(split.message.toString(), 'hello');
    assert.equal(splitStamped(Buffer.alloc(STAMP_BYTES - 1)), null, 'shorter than a stamp');
    assert.equal(splitStamped(Buffer.alloc(STAMP_BYTES))?.message.length, 0, 'an empty message');
  });

  it('reads back a broadcast and an error with its status, and nothing else', () => {
    const raw = encodeStamp(stamp);
    const broadcast = readFrame(stampedFrame('broadcast', raw, Buffer.from('{"text":"hi"}')));
    assert.deepEqual(broadcast && { ...broadcast, body: broadcast.body.toString() }, {
      kind: 'broadcast',
      stamp,
      status: 200,
      body: '{"text":"hi"}',
    });
    const error = readFrame(stampedFrame('error', raw, Buffer.from('nope'), 413));
    assert.deepEqual(error && { ...error, body: error.body.toString() }, {
      kind: 'error',
      stamp,
      status: 413,
      body: 'nope',
    });
    assert.equal(readFrame(Buffer.concat([Buffer.of(9), raw])), null, 'an unknown kind');
    assert.equal(readFrame(Buffer.from('plain text, no stamp')), null);
  });
});

describe('LatencyHistogram', () => {
  it('keeps values under 2,048 µs exactly, and larger ones to a 1/1,024 of their value', () => {
    assert.deepEqual(bucketOf(0), { index: 0, lowUs: 0 });
    assert.deepEqual(bucketOf(2047), { index: 2047, lowUs: 2047 });
    assert.deepEqual(bucketOf(2048), { index: 2048, lowUs: 2048 });
    assert.deepEqual(bucketOf(2049), { index: 2048, lowUs: 2048 });
    assert.deepEqual(bucketOf(4095), { index: 3071, lowUs: 4094 });
    assert.deepEqual(bucketOf(4096), { index: 3072, lowUs: 4096 });
    assert.deepEqual(bucketOf(2 ** 31 + 5), { index: 2048 + 20 * 1024, lowUs: 2 ** 31 });
  });

  it('gives nearest-rank percentiles and the exact max', () => {
    const h = new LatencyHistogram();
    // 1.000 … 100.000 ms, in a shuffled order.
    const values = Array.from({ length: 100 }, (_, i) => i + 1).sort(
      (a, b) => ((a * 37) % 101) - ((b * 37) % 101),
    );
    for (const v of values) h.record(v);
    assert.equal(h.count, 100);
    // 50 of the 100 are ≤ 50 ms: 50,000 µs, in a bucket 32 µs wide from 49,984
    assert.equal(h.percentile(50), 49.984);
    assert.equal(h.percentile(99), 98.944); // 99 ms = 99,000 µs, in a bucket 64 µs wide from 98,944
    assert.equal(h.percentile(100), 100);
    assert.equal(h.maxMs, 100);
  });

  it('takes p99.9 of 1,000 samples at rank 999, not the max: the rank of a whole p × n is whole', () => {
    const h = new LatencyHistogram();
    // 0.001 … 1.000 ms: exact buckets, the 999th smallest 0.999 ms.
    for (let us = 1; us <= 1000; us++) h.record(us / 1000);
    assert.equal(h.percentile(99.9), 0.999);
    assert.equal(h.percentile(99), 0.99);
    assert.equal(h.percentile(100), 1);
  });

  it('keeps sub-millisecond values to the microsecond', () => {
    const h = new LatencyHistogram();
    for (const v of [0.2504, 0.7, 1.5, 1.5]) h.record(v);
    assert.equal(h.percentile(25), 0.25);
    assert.equal(h.percentile(50), 0.7);
    assert.equal(h.percentile(75), 1.5);
    assert.equal(h.maxMs, 1.5);
  });

  it('is null when empty, and counts a negative latency as 0', () => {
    const h = new LatencyHistogram();
    assert.equal(h.percentile(99), null);
    assert.equal(h.maxMs, null);
    h.record(-0.3);
    assert.equal(h.percentile(50), 0);
    assert.throws(() => h.record(Number.NaN), RangeError);
    assert.throws(() => h.percentile(0), RangeError);
  });
});

describe('the send schedule', () => {
  it('spreads clients × rate messages evenly over the room', () => {
    assert.equal(sendIntervalMs(20, 20), 2.5); // 400 messages a second
    assert.equal(sendIntervalMs(1, 0.5), 2000);
  });

  it('counts the sends due before the end of a window: at 0, one interval, …', () => {
    assert.equal(sendsIn(1000, 2.5), 400);
    assert.equal(sendsIn(1001, 2.5), 401); // one more is due at 1000 ms
    assert.equal(sendsIn(100, 2000), 1); // the first message is sent at once
    assert.equal(sendsIn(2000, 1000 / 3), 6); // 2000 / 333.3… is 6, not 6.000…1 rounded up to 7
  });

  it('says how many are due so far, never more than the window holds', () => {
    assert.equal(dueBy(0, 2.5, 400), 1);
    assert.equal(dueBy(2.4, 2.5, 400), 1);
    assert.equal(dueBy(2.5, 2.5, 400), 2);
    assert.equal(dueBy(5000, 2.5, 400), 400);
  });
});

describe('MessageWindow', () => {
  const options = { clients: 3, lateMs: 50, timeoutMs: 1000, firstSeq: 10 };

  it('counts deliveries, late ones, round trips and drops', () => {
    const w = new MessageWindow(options);
    assert.equal(w.sent(), 10);
    assert.equal(w.sent(), 11);
    const s10 = { sender: 0, seq: 10, sentAtMs: 100 };
    const s11 = { sender: 1, seq: 11, sentAtMs: 110 };
    // seq 10 reaches all three clients, one of them late; seq 11 reaches only its sender.
    w.received(0, 'broadcast', s10, 40, 102);
    w.received(1, 'broadcast', s10, 40, 104);
    w.received(2, 'broadcast', s10, 40, 160);
    w.received(1, 'broadcast', s11, 40, 111);
    assert.equal(w.complete, false);
    const c = w.counts();
    assert.deepEqual(
      {
        sent: c.sent,
        answered: c.answered,
        errors: c.errors,
        delivered: c.delivered,
        expected: c.expected,
        late: c.late,
        dropped: c.dropped,
        bytes: c.bytesReceived,
      },
      {
        sent: 2,
        answered: 2,
        errors: 0,
        delivered: 4,
        expected: 6,
        late: 1,
        dropped: 2,
        bytes: 160,
      },
    );
    assert.deepEqual([c.delivery.percentile(50), c.delivery.maxMs], [2, 60]);
    // Round trips: 2 ms for seq 10 (sender 0 at 102), 1 ms for seq 11.
    assert.deepEqual([c.roundTrip.count, c.roundTrip.percentile(50), c.roundTrip.maxMs], [2, 1, 2]);
  });

  it('expects an error back at its sender alone', () => {
    const w = new MessageWindow(options);
    w.sent();
    w.received(0, 'error', { sender: 0, seq: 10, sentAtMs: 0 }, 20, 5);
    const c = w.counts();
    assert.deepEqual([c.answered, c.errors, c.expected, c.dropped], [1, 1, 1, 0]);
    assert.equal(w.complete, true);
  });

  it("ignores other windows' messages, strangers' messages and deliveries past the timeout", () => {
    const w = new MessageWindow(options);
    w.sent();
    w.received(0, 'broadcast', { sender: 0, seq: 9, sentAtMs: 0 }, 10, 1); // the warm-up's
    w.received(0, 'broadcast', { sender: 0, seq: 11, sentAtMs: 0 }, 10, 1); // not sent yet
    w.received(0, 'broadcast', { sender: 0xffffffff, seq: 10, sentAtMs: 0 }, 10, 1); // wscat's
    w.received(0, 'broadcast', { sender: 0, seq: 10, sentAtMs: 0 }, 10, 1000.5); // too late
    const c = w.counts();
    assert.deepEqual([c.delivered, c.answered, c.dropped, c.bytesReceived], [0, 0, 3, 40]);
  });

  it('is complete once every expected delivery is in', () => {
    const w = new MessageWindow({ ...options, clients: 2 });
    w.sent();
    const s = { sender: 1, seq: 10, sentAtMs: 0 };
    w.received(1, 'broadcast', s, 1, 1);
    assert.equal(w.complete, false);
    w.received(0, 'broadcast', s, 1, 1);
    assert.equal(w.complete, true);
  });
});
