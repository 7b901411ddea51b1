/**
 * The house's two rules, on the code as it is: no import cycle, and every import points to its
 * own layer or a lower one. The layers, bottom up: core ← scenarios ← bench ← lessons ← scripts;
 * inside bench, stats ← report ← sweep ← run, compare ← render, profile ← live. The scenario server runs inside
 * every measured process, so scenarios/ may never load harness code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packageRoot } from '../../core/package-info.ts';
import {
  findCycles,
  type ImportGraph,
  importsOf,
  type Layer,
  readImportGraph,
  upwardImports,
} from './import-graph.ts';

const LAYERS: Layer[] = [
  { prefix: 'core/', rank: 0 },
  { prefix: 'scenarios/', rank: 1 },
  { prefix: 'bench/', rank: 2 },
  { prefix: 'lessons/', rank: 3 },
  { prefix: 'scripts/', rank: 4 },
  { prefix: 'test/', rank: 5 },
  // Development tools may use the tests' simulated reports; nothing imports them.
  { prefix: 'scripts/dev/', rank: 6 },
];

/** The rooms of bench/, bottom up; two rooms of one rank do not import each other. */
const BENCH_ROOMS: Layer[] = [
  { prefix: 'bench/stats/', rank: 0 },
  { prefix: 'bench/report/', rank: 1 },
  // The sweep's contract and pure core: it reads the report's types, and run, compare and
  // render read it.
  { prefix: 'bench/sweep/', rank: 1.5 },
  { prefix: 'bench/run/', rank: 2 },
  { prefix: 'bench/compare/', rank: 2 },
  { prefix: 'bench/render/', rank: 3 },
  { prefix: 'bench/profile/', rank: 3 },
  // `looplab live` composes the run's pieces and draws with render's charts.
  { prefix: 'bench/live/', rank: 4 },
];

/**
 * The rooms of bench/run/, bottom up: the processes it starts and reaps, and the load it drives,
 * know nothing of each other; the user's own app is started with the process room's tools; the
 * files at bench/run/'s top compose them into a run and a benchmark.
 */
const RUN_ROOMS: Layer[] = [
  { prefix: 'bench/run/process/', rank: 0 },
  { prefix: 'bench/run/load/', rank: 0 },
  { prefix: 'bench/run/app/', rank: 1 },
  { prefix: 'bench/run/', rank: 2 },
];

const graph = readImportGraph(packageRoot(), [
  'core',
  'scenarios',
  'bench',
  'lessons',
  'scripts',
  'test',
]);

describe('the import rules, checked by hand-made graphs', () => {
  const g = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

  it('reads static, re-exported, side-effect, dynamic and child-script imports; not packages', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b/b.ts';",
      "export { c } from './c.ts';",
      "import './d.ts';",
      // Built from parts, so that this test's own source does not read as these imports.
      `const e = await ${'import'}('./e.ts');`,
      `const w = ${'moduleUrl'}(import.meta.url, '../server/server');`,
      "import yargs from 'yargs';",
      "import { x } from 'node:fs';",
    ].join('\n');
    assert.deepEqual(importsOf('bench/run/x.ts', text), [
      'bench/b/b.ts',
      'bench/run/a.ts',
      'bench/run/c.ts',
      'bench/run/d.ts',
      'bench/run/e.ts',
      'bench/server/server.ts',
    ]);
  });

  it('finds a cycle through three files, and a file that imports itself', () => {
    assert.deepEqual(
      findCycles(g({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts'], 'd.ts': ['a.ts'] })),
      [['a.ts', 'b.ts', 'c.ts']],
    );
    assert.deepEqual(findCycles(g({ 'a.ts': ['a.ts'] })), [['a.ts']]);
    assert.deepEqual(findCycles(g({ 'a.ts': ['b.ts'], 'b.ts': [] })), []);
  });

  it('flags an import to a higher layer and to a sibling of the same rank', () => {
    const layers: Layer[] = [
      { prefix: 'low/', rank: 0 },
      { prefix: 'left/', rank: 1 },
      { prefix: 'right/', rank: 1 },
      { prefix: 'high/', rank: 2 },
    ];
    const edges = g({
      'low/x.ts': ['high/y.ts', 'low/z.ts'],
      'left/x.ts': ['right/y.ts', 'low/x.ts'],
      'high/x.ts': ['left/x.ts', 'low/x.ts'],
    });
    assert.deepEqual(upwardImports(edges, layers), [
      'left/x.ts -> right/y.ts',
      'low/x.ts -> high/y.ts',
    ]);
  });
});

describe('the import rules, on looplab itself', () => {
  it('reads the whole house', () => {
    assert.ok(graph.size > 100, `only ${graph.size} files read`);
    assert.ok(graph.get('scripts/cli.ts')?.includes('scripts/commands/index.ts'));
    assert.ok(graph.get('scripts/commands/index.ts')?.includes('scripts/commands/bench.ts'));
  });

  it('has no import cycle', () => {
    assert.deepEqual(findCycles(graph), []);
  });

  it('imports only sideways or down: core ← scenarios ← bench ← lessons ← scripts', () => {
    assert.deepEqual(upwardImports(graph, LAYERS), []);
  });

  it('keeps the rooms of bench in order: stats ← report ← sweep ← run, compare ← render, profile ← live', () => {
    assert.deepEqual(upwardImports(graph, BENCH_ROOMS), []);
  });

  it('keeps the rooms of bench/run in order: process, load ← app ← the run', () => {
    assert.deepEqual(upwardImports(graph, RUN_ROOMS), []);
    assert.ok(
      [...graph.keys()].some((f) => f.startsWith('bench/run/load/')),
      'no load room read',
    );
  });

  it('names only files that exist', () => {
    const missing = [...graph].flatMap(([from, targets]) =>
      targets.filter((t) => !graph.has(t)).map((t) => `${from} -> ${t}`),
    );
    assert.deepEqual(missing, []);
  });
});
