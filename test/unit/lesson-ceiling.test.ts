/**
 * The ceiling paragraph of a lesson's explanation: the learner's own operation cost, the
 * ceiling it implies, and an honest word when the server was far from it (or above it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MicroResult, Report } from '../../bench/report/types.ts';
import { ceilingNotes, formatCeilingNotes } from '../../lessons/engine/ceiling.ts';
import { findLesson } from '../../lessons/registry.ts';
import { entry, makeReport, runsFrom } from './fixtures.ts';

const waiter = findLesson('the-waiter');
const key = waiter.measurements[0]?.key as string;

function micro(meanMs: number): MicroResult {
  return {
    scenario: 'busy-wait',
    params: { ms: 20 },
    operation: 'spins in a while loop for ms milliseconds',
    samples: 50,
    meanMs,
    p99Ms: meanMs * 1.01,
    rmePct: 0.25,
    ceilingPerSec: 1000 / meanMs,
  };
}

function reportWith(syncPerSec: number[], ceiling?: MicroResult): Report {
  const report = makeReport([
    entry('busy-wait', 'sync', runsFrom({ requestsPerSec: syncPerSec })),
    entry('busy-wait', 'async', runsFrom({ requestsPerSec: [450, 460] })),
  ]);
  if (ceiling) report.ceilings = [ceiling];
  return report;
}

describe('lesson ceilings', () => {
  it("holds sync's measured throughput against the ceiling of its operation", () => {
    const notes = ceilingNotes(waiter, { [key]: reportWith([47, 48], micro(20)) });
    assert.deepEqual(notes, [
      {
        measurement: key,
        label: waiter.measurements[0]?.label,
        operation: 'spins in a while loop for ms milliseconds',
        meanMs: 20,
        rmePct: 0.25,
        ceilingPerSec: 50,
        syncPerSec: 47.5,
        shareOfCeiling: 0.95,
      },
    ]);
    assert.equal(
      formatCeilingNotes(notes),
      '\n\n**The arithmetic of blocking.** On your machine, one call of what `sync` does per request ' +
        '(spins in a while loop for ms milliseconds) took 20.0 ms when timed alone (±0.25%), so one ' +
        'event loop doing it can finish at most 1000 / 20.0 = 50.0 requests a second. Under load ' +
        '`sync` served 47.5: 95% of that ceiling. The blocked loop, not the machine, set the pace.\n',
    );
  });

  it('says so when something other than the operation set the pace', () => {
    const text = formatCeilingNotes(
      ceilingNotes(waiter, { [key]: reportWith([10, 10], micro(20)) }),
    );
    assert.match(text, /served 10\.0: 20% of that ceiling\. Far below it: /);
  });

  it('says so when the server beat the ceiling timed alone', () => {
    const text = formatCeilingNotes(
      ceilingNotes(waiter, { [key]: reportWith([60, 60], micro(20)) }),
    );
    assert.match(text, /served 60\.0: 120% of that ceiling\. Above it: /);
  });

  it("speaks of a WebSocket room's messages, which come at the room's own rate", () => {
    const room = findLesson('the-chat-room');
    const report = makeReport([
      entry('websocket-broadcast', 'sync', runsFrom({ requestsPerSec: [400, 400] })),
      entry('websocket-broadcast', 'async', runsFrom({ requestsPerSec: [400, 400] })),
    ]);
    report.ceilings = [{ ...micro(0.4), scenario: 'websocket-broadcast', operation: 'moderates' }];
    const notes = ceilingNotes(room, { [room.measurements[0]?.key as string]: report });
    assert.equal(notes[0]?.openLoop, true);
    assert.equal(
      formatCeilingNotes(notes),
      '\n\n**The arithmetic of blocking.** On your machine, one call of what `sync` does per message ' +
        '(moderates) took 0.40 ms on average over the messages the clients send, timed alone ' +
        '(±0.25%), so one event loop doing it can handle at most 1000 / 0.40 = 2,500 messages a ' +
        'second. `sync` answered 400 messages a second, 16% of that ceiling: on average its loop ' +
        'had time to spare. What hurt is when it spent it: an average hides one message that ' +
        'holds the loop for tens of milliseconds at once, while everyone else waits.\n',
    );
  });

  it('adds nothing when no ceiling was measured', () => {
    const notes = ceilingNotes(waiter, { [key]: reportWith([47, 48]) });
    assert.deepEqual(notes, []);
    assert.equal(formatCeilingNotes(notes), '');
  });
});
