import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReportHtml } from '../../bench/render/html/render.ts';
import { formatMarkdown } from '../../bench/render/markdown.ts';
import { scenarioNotes } from '../../bench/render/notes.ts';
import { diagnose } from '../../bench/report/diagnosis.ts';
import {
  blockerText,
  frameText,
  heldByText,
  stackText,
  stallLine,
  summarizeStalls,
} from '../../bench/report/stalls.ts';
import type { StallSummary } from '../../bench/report/types.ts';
import { reportWarnings } from '../../bench/report/warnings.ts';
import type { StackFrame, StallReading, StallsRecorded } from '../../scenarios/probe/protocol.ts';
import { completedRun, entry, failedRun, makeReport } from './fixtures.ts';

const spin: StackFrame[] = [
  { function: 'spin', file: 'scenarios/catalog/busy-wait.ts', line: 17 },
  { function: 'handle', file: 'scenarios/catalog/busy-wait.ts', line: 37 },
  { function: '(anonymous)', file: 'scenarios/server/server.ts', line: 57 },
  { function: 'parserOnHeadersComplete', file: null, line: null, internal: true },
];
const hashing: StackFrame[] = [
  { function: 'pbkdf2Sync', file: null, line: null, internal: true },
  { function: 'derive', file: 'scenarios/catalog/crypto-pbkdf2.ts', line: 19 },
  { function: 'handle', file: 'scenarios/catalog/crypto-pbkdf2.ts', line: 42 },
];

function recorded(over: Partial<StallsRecorded> = {}): StallsRecorded {
  return {
    state: 'recorded',
    thresholdMs: 50,
    count: 10,
    totalMs: 2000,
    attributedMs: 1900,
    samples: 80,
    samplingMs: 30,
    cpuWaitMs: null,
    machineMs: null,
    stacks: [
      { frames: spin, ms: 1800, share: 0.9, samples: 76 },
      { frames: [{ function: 'body', file: 'x.ts', line: 13 }], ms: 100, share: 0.05, samples: 4 },
    ],
    ...over,
  };
}
const runWith = (n: number, stalls: StallReading | null) => completedRun(n, {}, { stalls });

describe('summarizeStalls', () => {
  it('adds up the runs that recorded stalls and ranks the stacks by their total time', () => {
    const s = summarizeStalls([
      runWith(1, recorded()),
      failedRun(2),
      runWith(3, null),
      runWith(4, {
        ...recorded({ count: 5, totalMs: 1000, attributedMs: 1000, samples: 40, samplingMs: 10 }),
        stacks: [
          {
            frames: [{ function: 'body', file: 'x.ts', line: 13 }],
            ms: 600,
            share: 0.6,
            samples: 24,
          },
          { frames: spin, ms: 400, share: 0.4, samples: 16 },
        ],
      }),
      runWith(5, { state: 'unavailable', reason: 'no inspector' }),
    ]);
    assert.deepEqual(s, {
      runs: 2,
      thresholdMs: 50,
      count: 15,
      totalMs: 3000,
      attributedMs: 2900,
      samples: 120,
      samplingMs: 40,
      cpuWaitMs: null,
      machineMs: null,
      stacks: [
        { frames: spin, ms: 2200, share: 0.7333, samples: 92 },
        {
          frames: [{ function: 'body', file: 'x.ts', line: 13 }],
          ms: 700,
          share: 0.2333,
          samples: 28,
        },
      ],
    });
  });

  it('merges a stack seen with a Node function on top and without, keeping the heavier view', () => {
    const s = summarizeStalls([
      runWith(1, recorded({ stacks: [{ frames: hashing, ms: 900, share: 0.45, samples: 5 }] })),
      runWith(
        2,
        recorded({ stacks: [{ frames: hashing.slice(1), ms: 100, share: 0.05, samples: 1 }] }),
      ),
    ]);
    assert.equal(s?.stacks.length, 1);
    assert.deepEqual(s?.stacks[0]?.frames, hashing);
    assert.equal(s?.stacks[0]?.ms, 1000);
  });

  it("sums the CPU wait and the machine's stalls, unknown when any run could not measure them", () => {
    const s = (a: number | null, b: number | null) =>
      summarizeStalls([
        runWith(1, recorded({ cpuWaitMs: a, machineMs: a })),
        runWith(2, recorded({ cpuWaitMs: b, machineMs: b })),
      ]);
    assert.equal(s(10, 5.5)?.cpuWaitMs, 15.5);
    assert.equal(s(10, 5.5)?.machineMs, 15.5);
    assert.equal(s(10, null)?.cpuWaitMs, null);
    assert.equal(s(10, null)?.machineMs, null);
  });

  it('is undefined when no run recorded stalls', () => {
    assert.equal(summarizeStalls([runWith(1, null), failedRun(2)]), undefined);
    assert.equal(summarizeStalls([completedRun(1)]), undefined);
  });
});

describe('stall texts', () => {
  it('names a frame by function and file:line, shortening a caller in the same file', () => {
    assert.equal(frameText(spin[0] as StackFrame), 'spin (scenarios/catalog/busy-wait.ts:17)');
    assert.equal(frameText(spin[1] as StackFrame, spin[0]), 'handle (busy-wait.ts:37)');
    assert.equal(frameText(hashing[0] as StackFrame), 'pbkdf2Sync (node internals)');
  });

  it("shows a stack down to the app's first frame and its caller", () => {
    assert.equal(
      stackText(spin),
      'spin (scenarios/catalog/busy-wait.ts:17) ← handle (busy-wait.ts:37)',
    );
    assert.equal(
      stackText(hashing),
      'pbkdf2Sync (node internals) ← derive (scenarios/catalog/crypto-pbkdf2.ts:19) ← handle (crypto-pbkdf2.ts:42)',
    );
  });

  it('names the blocker: the function, or the Node function and who called it', () => {
    assert.equal(blockerText(spin), 'spin (scenarios/catalog/busy-wait.ts:17)');
    assert.equal(
      blockerText(hashing),
      'pbkdf2Sync, called from derive (scenarios/catalog/crypto-pbkdf2.ts:19)',
    );
    const none = { totalMs: 100, cpuWaitMs: null, machineMs: null };
    assert.equal(heldByText({ ...none, stacks: [] }), '');
    assert.equal(
      heldByText({ ...none, stacks: [{ frames: spin, ms: 1, share: 0.957, samples: 1 }] }),
      'held by spin (scenarios/catalog/busy-wait.ts:17), 96% of the stalled time',
    );
  });

  it('says a busy machine held the loop when its stalls outweigh every stack', () => {
    const stacks = [{ frames: spin, ms: 400, share: 0.2, samples: 1 }];
    assert.equal(
      heldByText({ totalMs: 100, cpuWaitMs: 70, machineMs: 60, stacks }),
      'a busy machine held the loop: 60% of the stalled time was in stalls its code alone would not have made (its thread waited for a CPU core)',
    );
    const more = [{ ...stacks[0], share: 0.8 }] as typeof stacks;
    assert.match(
      heldByText({ totalMs: 100, cpuWaitMs: 70, machineMs: 15, stacks: more }),
      /^held by spin/,
    );
    const s = summarizeStalls([
      runWith(1, recorded({ cpuWaitMs: 1400, machineMs: 1200, stacks })),
    ]) as StallSummary;
    assert.equal(
      stallLine(s),
      '10 stalls over 50 ms, 2.0 s in all; 60% in stalls its code alone would not have made (its thread waited for a CPU core); 20% in spin (scenarios/catalog/busy-wait.ts:17) ← handle (busy-wait.ts:37); a busy machine stretched them: the thread waited for a CPU core 70% of the time',
    );
  });

  it("does not say a busy machine stretched stalls that were all the machine's", () => {
    const machine = recorded({ cpuWaitMs: 1500, machineMs: 2000, attributedMs: 0, stacks: [] });
    assert.equal(
      stallLine(summarizeStalls([runWith(1, machine)]) as StallSummary),
      '10 stalls over 50 ms, 2.0 s in all; 100% in stalls its code alone would not have made (its thread waited for a CPU core)',
    );
  });

  it('sums a variant up in one line, and says when no stall could be sampled', () => {
    const s = summarizeStalls([runWith(1, recorded())]) as StallSummary;
    assert.equal(
      stallLine(s),
      '10 stalls over 50 ms, 2.0 s in all; 90% in spin (scenarios/catalog/busy-wait.ts:17) ← handle (busy-wait.ts:37)',
    );
    assert.equal(
      stallLine({ ...s, count: 1, totalMs: 52, attributedMs: 0, stacks: [] }),
      '1 stall over 50 ms, 52 ms in all; each ended before it could be sampled',
    );
  });
});

describe('stalls in the diagnosis, the warnings and the renderings', () => {
  const sync = entry('busy-wait', 'sync', [
    completedRun(1, { lagRawP50Ms: 200, lagMaxMs: 220 }, { stalls: recorded() }),
  ]);
  const async = entry('busy-wait', 'async', [
    completedRun(
      1,
      { lagRawP50Ms: 0.3, lagMaxMs: 4 },
      {
        stalls: recorded({
          count: 0,
          totalMs: 0,
          attributedMs: 0,
          samples: 0,
          samplingMs: 0,
          stacks: [],
        }),
      },
    ),
  ]);
  const withDiagnosis = [sync, async].map((e) => ({ ...e, diagnosis: diagnose(e) }));

  it('says what held a blocked loop, and nothing more for a healthy one', () => {
    assert.match(
      withDiagnosis[0]?.diagnosis?.text ?? '',
      /; held by spin \(scenarios\/catalog\/busy-wait\.ts:17\), 90% of the stalled time$/,
    );
    assert.doesNotMatch(withDiagnosis[1]?.diagnosis?.text ?? '', /held by/);
  });

  it('puts one line per stalled variant under the diagnosis', () => {
    const notes = scenarioNotes(withDiagnosis, undefined).split('\n');
    assert.equal(notes.filter((l) => l.startsWith('held the loop: ')).length, 1, notes.join('\n'));
    assert.match(notes.at(-2) ?? '', /^held the loop: sync: 10 stalls over 50 ms/);
  });

  it('lists what held the loop in the Markdown and the HTML, bars as inline SVG', () => {
    const report = makeReport(withDiagnosis);
    assert.match(
      formatMarkdown(report),
      /\*\*What held the loop:\*\*\n\n- `sync`: 10 stalls over 50 ms/,
    );
    const html = renderReportHtml(report);
    assert.equal(html.match(/<details class="stalls">/g)?.length, 1);
    assert.match(html, /<rect class="s0" width="90\.0" height="8"\/>/);
    assert.match(html, /spin \(scenarios\/catalog\/busy-wait\.ts:17\)/);
    assert.doesNotMatch(html, /<script/);
  });

  it('warns once per reason when capture was unavailable', () => {
    const off = { state: 'unavailable', reason: 'the inspector is already open' } as const;
    const warnings = reportWarnings([
      entry('busy-wait', 'sync', [runWith(1, off), runWith(2, off)]),
      entry('busy-wait', 'async', [runWith(1, off)]),
    ]);
    assert.deepEqual(warnings, [
      'what held the loop was not captured in 3 runs: the inspector is already open',
    ]);
  });
});
