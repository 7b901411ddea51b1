import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatHeldByNotes, heldByNotes } from '../../lessons/engine/held-by.ts';
import { EXERCISE_VARIANT } from '../../lessons/engine/types.ts';
import { exerciseHeldBy } from '../../lessons/engine/verify.ts';
import { findLesson } from '../../lessons/registry.ts';
import type { StackFrame, StallsRecorded } from '../../scenarios/probe/protocol.ts';
import { completedRun, entry, makeReport } from './fixtures.ts';

const hashing: StackFrame[] = [
  { function: 'pbkdf2Sync', file: null, line: null, internal: true },
  { function: 'handle', file: 'looplab-exercises/the-threadpool.ts', line: 21 },
];
const spin: StackFrame[] = [{ function: 'spin', file: 'scenarios/catalog/busy-wait.ts', line: 17 }];

function stalls(over: Partial<StallsRecorded> = {}): StallsRecorded {
  return {
    state: 'recorded',
    thresholdMs: 50,
    count: 22,
    totalMs: 3600,
    attributedMs: 3500,
    samples: 150,
    samplingMs: 5,
    cpuWaitMs: 0,
    machineMs: 0,
    stacks: [{ frames: spin, ms: 3492, share: 0.97, samples: 150 }],
    ...over,
  };
}
const variant = (name: string, s: StallsRecorded) =>
  entry('busy-wait', name, [completedRun(1, {}, { stalls: s })]);

describe('what held the learner loop, in the explanation', () => {
  const lesson = findLesson('the-waiter');
  const key = lesson.measurements[0]?.key as string;

  it('names the code per variant, and says when a loop never stalled', () => {
    const report = makeReport([
      variant('sync', stalls()),
      variant('async', stalls({ count: 0, totalMs: 0, attributedMs: 0, samples: 0, stacks: [] })),
    ]);
    const notes = heldByNotes(lesson, { [key]: report });
    assert.deepEqual(
      notes.map((n) => n.variant),
      ['sync', 'async'],
    );
    assert.equal(
      formatHeldByNotes(notes),
      '\n\n**What held your loop.** While the load ran, a watchdog inside your server caught the stack whenever the loop stalled:\n\n' +
        "- `sync`'s loop stalled 22 times over 50 ms, 3.6 s in all: held by spin (scenarios/catalog/busy-wait.ts:17), 97% of the stalled time.\n" +
        "- `async`'s loop never stalled longer than 50 ms.\n",
    );
  });

  it('explains a native call at its JavaScript caller', () => {
    const report = makeReport([
      variant(
        'sync',
        stalls({ stacks: [{ frames: hashing, ms: 3400, share: 0.94, samples: 90 }] }),
      ),
    ]);
    assert.match(
      formatHeldByNotes(heldByNotes(lesson, { [key]: report })),
      /held by pbkdf2Sync, called from handle \(looplab-exercises\/the-threadpool\.ts:21\), 94%[^\n]*\n\n`pbkdf2Sync` is Node's own code: a call into C\+\+ cannot be interrupted halfway/,
    );
  });

  it('says nothing where stalls were not captured', () => {
    const report = makeReport([entry('busy-wait', 'sync', [completedRun(1)])]);
    assert.equal(formatHeldByNotes(heldByNotes(lesson, { [key]: report })), '');
  });
});

describe('exerciseHeldBy', () => {
  it("names the exercise's blocking code, as verify's hint says it", () => {
    const report = makeReport([
      variant(
        EXERCISE_VARIANT,
        stalls({ stacks: [{ frames: hashing, ms: 3400, share: 0.94, samples: 9 }] }),
      ),
    ]);
    assert.deepEqual(exerciseHeldBy(report), {
      text: 'pbkdf2Sync, called from handle (looplab-exercises/the-threadpool.ts:21)',
      // The variant's summary ranks again over its runs: 3400 of 3600 ms.
      share: 0.9444,
    });
  });

  it('blames no code when a busy machine held the loop, or nothing was sampled', () => {
    const busy = stalls({
      machineMs: 2000,
      stacks: [{ frames: spin, ms: 500, share: 0.14, samples: 3 }],
    });
    assert.equal(exerciseHeldBy(makeReport([variant(EXERCISE_VARIANT, busy)])), null);
    assert.equal(
      exerciseHeldBy(makeReport([variant(EXERCISE_VARIANT, stalls({ stacks: [] }))])),
      null,
    );
    assert.equal(exerciseHeldBy(makeReport([variant('sync', stalls())])), null);
  });
});
