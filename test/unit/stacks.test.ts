import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../core/package-info.ts';
import type { StackFrame } from '../../scenarios/probe/protocol.ts';
import { SourceLocator, sourceMappingUrl } from '../../scenarios/probe/source-location.ts';
import {
  attributeStall,
  displayPath,
  foldInternals,
  growthBetween,
  MAX_STACKS,
  type ResolvedFrame,
  type Sample,
  StallTally,
  withoutIncidentalTop,
} from '../../scenarios/probe/stacks.ts';
import { inspectorUnavailable } from '../../scenarios/probe/stall-watchdog.ts';

const own = (fn: string, line: number, file = 'app.ts'): ResolvedFrame => ({
  function: fn,
  file,
  line,
  internal: false,
});
const node = (fn: string): ResolvedFrame => ({
  function: fn,
  file: null,
  line: null,
  internal: true,
});
const frame = (fn: string, line: number, file = 'app.ts'): StackFrame => ({
  function: fn,
  file,
  line,
});
const folded = (fn: string): StackFrame => ({
  function: fn,
  file: null,
  line: null,
  internal: true,
});
const EVERYTHING = { startMs: 0, endMs: Number.POSITIVE_INFINITY };
/** A capture that came 0.2 ms after it was asked for (JavaScript that could be interrupted). */
const sample = (
  atMs: number,
  frames: StackFrame[],
  { requestedMs = atMs - 0.2, resumedMs = atMs + 0.3 } = {},
): Sample => ({ requestedMs, atMs, resumedMs, frames });

describe('foldInternals', () => {
  it("folds each run of Node's frames into one, named after the function the code above called", () => {
    assert.deepEqual(
      foldInternals([
        node('from'),
        node('pbkdf2Sync'),
        own('derive', 19),
        own('handle', 42),
        node('emit'),
        node('parserOnIncoming'),
      ]),
      [folded('pbkdf2Sync'), frame('derive', 19), frame('handle', 42), folded('parserOnIncoming')],
    );
  });

  it('leaves a stack of the app only as it is', () => {
    assert.deepEqual(foldInternals([own('spin', 17), own('handle', 37)]), [
      frame('spin', 17),
      frame('handle', 37),
    ]);
  });
});

describe('withoutIncidentalTop', () => {
  const stack = [folded('get performance'), frame('spin', 17)];
  it('drops a Node function the capture only landed in, and keeps one it had to wait for', () => {
    assert.deepEqual(withoutIncidentalTop(stack, 0.3), [frame('spin', 17)]);
    assert.deepEqual(withoutIncidentalTop(stack, 12), stack);
    assert.deepEqual(
      withoutIncidentalTop(stack, 1.2),
      stack,
      'a 4 ms native call, caught 1.2 ms before its end',
    );
    assert.deepEqual(withoutIncidentalTop([folded('processTimers')], 0.3), [
      folded('processTimers'),
    ]);
  });
});

describe('displayPath', () => {
  it('shows a file relative to the root, else to the working directory, else whole', () => {
    assert.equal(displayPath('/pkg/scenarios/a.ts', '/pkg', '/home/me'), 'scenarios/a.ts');
    assert.equal(displayPath('/home/me/ex/b.ts', '/pkg', '/home/me'), 'ex/b.ts');
    assert.equal(displayPath('/elsewhere/c.ts', '/pkg', '/home/me'), '/elsewhere/c.ts');
    assert.equal(displayPath('/pkg-other/d.ts', '/pkg', '/'), 'pkg-other/d.ts');
  });
});

describe('attributeStall', () => {
  const a = [frame('a', 1)];
  const b = [frame('b', 2)];
  const split = (parts: { frames: StackFrame[]; ms: number }[]) =>
    parts.map((p) => [p.frames[0]?.function, Number(p.ms.toFixed(6))]);

  it('gives each sample what it observed, and shares what none observed in those proportions', () => {
    // Observed: a 0.2 (its own request) + 20, b 80; unobserved: 100 -> 149.8 and 250 -> 300.
    const parts = attributeStall(
      { startMs: 100, endMs: 300 },
      [sample(150, a), sample(170, a), sample(250, b)],
      EVERYTHING,
    );
    const seen = 0.2 + 20 + 80;
    const rest = 49.8 + 50;
    assert.deepEqual(split(parts), [
      ['a', Number((0.2 + (rest * 0.2) / seen).toFixed(6))],
      ['a', Number((20 + (rest * 20) / seen).toFixed(6))],
      ['b', Number((80 + (rest * 80) / seen).toFixed(6))],
    ]);
    assert.equal(Number(parts.reduce((n, p) => n + p.ms, 0).toFixed(6)), 200);
  });

  it('does not let the first sample, at a fixed phase of the work, take the whole start', () => {
    // Work that repeats a (24 ms) then b (8 ms): the first capture, one threshold in, lands in b.
    const samples = [sample(56, b), sample(76, a), sample(96, a), sample(116, b), sample(136, a)];
    const parts = attributeStall({ startMs: 0, endMs: 150 }, samples, EVERYTHING);
    const of = (fn: string) =>
      parts.filter((p) => p.frames[0]?.function === fn).reduce((n, p) => n + p.ms, 0);
    assert.ok(of('a') > 2 * of('b'), JSON.stringify(split(parts)));
  });

  it("gives a native call's whole length to the sample that had to wait for it to return", () => {
    // pbkdf2Sync cannot be interrupted: asked for at 60 ms, the capture comes at 175.
    const parts = attributeStall(
      { startMs: 0, endMs: 200 },
      [sample(175, a, { requestedMs: 60 }), sample(195, b)],
      EVERYTHING,
    );
    const [native, after] = parts.map((p) => p.ms);
    assert.ok((native as number) > 170 && (after as number) < 30, JSON.stringify(split(parts)));
  });

  it('drops a sample taken just before the heartbeat came back: it caught the loop after the stall', () => {
    const parts = attributeStall(
      { startMs: 0, endMs: 100 },
      [sample(60, a), sample(99.5, b, { resumedMs: 99.6 })],
      EVERYTHING,
    );
    assert.deepEqual(split(parts), [['a', 100]]);
  });

  it('names no stack for a capture without a frame: its time goes to the samples that have one', () => {
    const parts = attributeStall(
      { startMs: 0, endMs: 100 },
      [sample(40, []), sample(60, a)],
      EVERYTHING,
    );
    assert.deepEqual(split(parts), [['a', 100]]);
    assert.deepEqual(attributeStall({ startMs: 0, endMs: 100 }, [sample(40, [])], EVERYTHING), []);
  });

  it('counts only the part inside the window, and nothing for samples outside the stall', () => {
    const parts = attributeStall(
      { startMs: 0, endMs: 100 },
      [sample(40, a), sample(80, b), sample(150, b)],
      { startMs: 20, endMs: 90 },
    );
    assert.equal(Number(parts.reduce((n, p) => n + p.ms, 0).toFixed(6)), 70);
    assert.deepEqual(
      parts.map((p) => p.frames[0]?.function),
      ['a', 'b'],
    );
  });

  it('leaves a stall without a sample unattributed', () => {
    assert.deepEqual(attributeStall({ startMs: 0, endMs: 55 }, [], EVERYTHING), []);
  });
});

describe('growthBetween', () => {
  const readings = [
    { tMs: 10, valueMs: 100 },
    { tMs: 20, valueMs: 110 },
    { tMs: 40, valueMs: 110 },
  ];
  it('interpolates between readings, and holds the ends beyond them', () => {
    assert.equal(growthBetween(readings, 10, 20), 10);
    assert.equal(growthBetween(readings, 15, 30), 5);
    assert.equal(growthBetween(readings, 0, 100), 10);
    assert.equal(growthBetween([], 0, 100), 0);
  });
  it('never grows more than the time that passed', () => {
    assert.equal(
      growthBetween(
        [
          { tMs: 0, valueMs: 0 },
          { tMs: 10, valueMs: 50 },
        ],
        0,
        10,
      ),
      10,
    );
  });
});

describe('StallTally', () => {
  const spin = [frame('spin', 17), frame('handle', 37)];

  it('adds up stalls and stacks, and ranks the stacks with their share of the stalled time', () => {
    const t = new StallTally(50);
    t.addStall({ startMs: 0, endMs: 100 }, [sample(60, spin)], EVERYTHING);
    t.addStall({ startMs: 200, endMs: 260 }, [sample(250, [frame('parse', 9)])], EVERYTHING);
    t.addStall({ startMs: 300, endMs: 340 }, [], EVERYTHING);
    t.samplingMs = 0.6;
    assert.deepEqual(t.reading(), {
      state: 'recorded',
      thresholdMs: 50,
      count: 3,
      totalMs: 200,
      attributedMs: 160,
      samples: 2,
      samplingMs: 0.6,
      cpuWaitMs: null,
      machineMs: null,
      stacks: [
        { frames: spin, ms: 100, share: 0.5, samples: 1 },
        { frames: [frame('parse', 9)], ms: 60, share: 0.3, samples: 1 },
      ],
    });
  });

  it('blames a busy machine, not the code, for a stall the code alone would not have made', () => {
    // Cumulative CPU wait of the main thread: 30 ms during [0, 100], 80 ms during [200, 300].
    const readings = [
      { tMs: 0, valueMs: 500 },
      { tMs: 100, valueMs: 530 },
      { tMs: 200, valueMs: 530 },
      { tMs: 300, valueMs: 610 },
    ];
    const wait = (a: number, b: number) => growthBetween(readings, a, b);
    const t = new StallTally(50, true);
    // 100 - 30 = 70 ms of its own: the code's stall, stretched by the wait, all of it the stack's.
    t.addStall({ startMs: 0, endMs: 100 }, [sample(60, spin)], EVERYTHING, wait);
    // 100 - 80 = 20 ms of its own: on an idle machine no stall at all.
    t.addStall({ startMs: 200, endMs: 300 }, [sample(260, [frame('end', 3)])], EVERYTHING, wait);
    const r = t.reading();
    assert.equal(r.count, 2);
    assert.equal(r.totalMs, 200);
    assert.equal(r.cpuWaitMs, 110);
    assert.equal(r.machineMs, 100);
    assert.equal(r.attributedMs, 100);
    assert.deepEqual(
      r.stacks.map((x) => [x.frames[0]?.function, x.ms, x.share]),
      [['spin', 100, 0.5]],
    );
  });

  it('counts a loop caught on two of its lines as one stack, shown at the line caught most', () => {
    const t = new StallTally(50);
    t.addStall({ startMs: 0, endMs: 100 }, [sample(60, [frame('countPrimes', 14)])], EVERYTHING);
    t.addStall({ startMs: 200, endMs: 260 }, [sample(250, [frame('countPrimes', 12)])], EVERYTHING);
    const r = t.reading();
    assert.deepEqual(
      r.stacks.map((x) => [x.frames, x.ms, x.samples]),
      [[[frame('countPrimes', 14)], 160, 2]],
    );
  });

  it('counts a stall only for its part inside the window', () => {
    const t = new StallTally(50);
    t.addStall({ startMs: 0, endMs: 100 }, [], { startMs: 80, endMs: 1000 });
    t.addStall({ startMs: 0, endMs: 70 }, [], { startMs: 80, endMs: 1000 });
    assert.equal(t.reading().count, 1);
    assert.equal(t.reading().totalMs, 20);
  });

  it('counts a stack paused sometimes inside a Node function and sometimes not as one, topped by the function only when it held half its time', () => {
    const now = [folded('now'), ...spin];
    const t = new StallTally(50);
    t.addStall({ startMs: 0, endMs: 100 }, [sample(30, now), sample(60, spin)], EVERYTHING);
    const [stack] = t.reading().stacks;
    assert.deepEqual(stack?.frames, spin);
    assert.equal(stack?.samples, 2);

    const hashing = [folded('pbkdf2Sync'), frame('derive', 19)];
    const h = new StallTally(50);
    h.addStall({ startMs: 0, endMs: 100 }, [sample(90, hashing)], EVERYTHING);
    h.addStall({ startMs: 200, endMs: 260 }, [sample(250, [frame('derive', 19)])], EVERYTHING);
    assert.deepEqual(h.reading().stacks[0]?.frames, hashing);
  });

  it(`keeps the ${MAX_STACKS} heaviest stacks; the rest still count as attributed`, () => {
    const t = new StallTally(50);
    for (let i = 0; i < MAX_STACKS + 2; i++) {
      t.addStall(
        { startMs: i * 100, endMs: i * 100 + 60 + i },
        [sample(i * 100 + 55, [frame(`f${i}`, i + 1)])],
        EVERYTHING,
      );
    }
    const r = t.reading();
    assert.equal(r.stacks.length, MAX_STACKS);
    assert.equal(r.stacks[0]?.frames[0]?.function, `f${MAX_STACKS + 1}`);
    assert.equal(r.attributedMs, r.totalMs);
  });

  it('copies without sharing: a provisional stall on the copy leaves the tally as it was', () => {
    const t = new StallTally(50);
    t.addStall({ startMs: 0, endMs: 100 }, [sample(60, spin)], EVERYTHING);
    const c = t.copy();
    c.addStall({ startMs: 200, endMs: 300 }, [sample(260, spin)], EVERYTHING);
    assert.equal(t.reading().totalMs, 100);
    assert.equal(t.reading().stacks[0]?.samples, 1);
    assert.equal(c.reading().totalMs, 200);
  });
});

describe('SourceLocator', () => {
  const root = packageRoot();
  const locator = new SourceLocator(root, '/nowhere');

  it("maps a compiled file back to its TypeScript source through tsc's map beside it", () => {
    const compiled = join(root, 'dist/scenarios/catalog/busy-wait.js');
    const lines = readFileSync(compiled, 'utf8').split('\n');
    const line0 = lines.findIndex((l) => l.includes('while (performance.now() < until)'));
    assert.ok(line0 >= 0);
    const column = (lines[line0] as string).indexOf('while') + 1;
    const f = locator.locate('spin', pathToFileURL(compiled).href, line0 + 1, column);
    const source = readFileSync(join(root, 'scenarios/catalog/busy-wait.ts'), 'utf8').split('\n');
    assert.equal(f.file, 'scenarios/catalog/busy-wait.ts');
    assert.match(source[(f.line as number) - 1] ?? '', /while \(performance\.now\(\) < until\)/);
    // CommonJS names the same script by path: the same answer.
    assert.deepEqual(locator.locate('spin', compiled, line0 + 1, column), f);
  });

  it('reads an inline data: map at the end of a script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'looplab-map-'));
    try {
      // Generated line 1, column 0 maps to line 21 (0-based 20), column 0 of handler.ts.
      const map = { version: 3, sources: ['handler.ts'], names: [], mappings: 'AAoBA' };
      const script = join(dir, 'handler.js');
      writeFileSync(
        script,
        `export default 1;\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`,
      );
      const f = new SourceLocator('/pkg', dir).locate('handle', pathToFileURL(script).href, 1, 1);
      assert.deepEqual(f, { function: 'handle', file: 'handler.ts', line: 21, internal: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trusts a frame Node already mapped, and keeps a position where no map exists', () => {
    assert.deepEqual(
      new SourceLocator('/pkg', '/home/me').locate(
        'handle',
        'file:///home/me/ex/a.ts',
        21,
        3,
        true,
      ),
      { function: 'handle', file: 'ex/a.ts', line: 21, internal: false },
    );
    assert.deepEqual(
      new SourceLocator('/pkg', '/home/me').locate('', '/pkg/no-such-file.js', 10, 5),
      { function: '(anonymous)', file: 'no-such-file.js', line: 10, internal: false },
    );
  });

  it("marks Node's own modules and V8's built-ins internal", () => {
    const internal = { file: null, line: null, internal: true };
    assert.deepEqual(locator.locate('now', 'node:internal/perf/utils', 6, 1), {
      function: 'now',
      ...internal,
    });
    assert.deepEqual(locator.locate('JSON.parse', null, null, null), {
      function: 'JSON.parse',
      ...internal,
    });
  });
});

describe('sourceMappingUrl', () => {
  it("finds a script's last source map comment", () => {
    assert.equal(sourceMappingUrl('x();\n//# sourceMappingURL=a.js.map\n'), 'a.js.map');
    assert.equal(sourceMappingUrl('x();\n'), undefined);
    assert.equal(
      sourceMappingUrl(
        `//# sourceMappingURL=old.map\n${'y();'.repeat(5000)}\n//# sourceMappingURL=new.map`,
      ),
      'new.map',
    );
  });
});

describe('inspectorUnavailable', () => {
  it('gives up without the inspector, or when one is already open, and says why', () => {
    assert.equal(
      inspectorUnavailable(true, () => undefined),
      null,
    );
    assert.equal(
      inspectorUnavailable(false, () => undefined),
      'this Node was built without the inspector',
    );
    assert.equal(
      inspectorUnavailable(true, () => 'ws://127.0.0.1:9229/x'),
      'the inspector is already open (--inspect); stalls are left to your debugger',
    );
  });
});
