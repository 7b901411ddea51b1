/**
 * The CLI as a user meets it: bad input gets one line with a stable code and exit 2, never a
 * stack trace; output formats are what they claim.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli } from './helpers.ts';

const SCENARIOS = [
  'busy-wait',
  'fs-read',
  'crypto-pbkdf2',
  'cpu-bound',
  'json-parse',
  'redos',
  'zlib',
  'tick-starvation',
  'streams',
  'sync-logging',
  'websocket-broadcast',
  'upstream-calls',
];

const BAD_INPUT: [string[], string, RegExp][] = [
  [
    ['bench', 'nope'],
    'LOOPLAB_ERR_UNKNOWN_SCENARIO',
    /choose busy-wait, fs-read, .*, websocket-broadcast or upstream-calls \(see: looplab scenarios\)/,
  ],
  [
    ['bench', 'busy-wait', '--variant', 'worker'],
    'LOOPLAB_ERR_UNKNOWN_VARIANT',
    /choose sync or async/,
  ],
  [['bench', '--duration', '0'], 'LOOPLAB_ERR_BAD_OPTION', /--duration must be/],
  [['bench', '--duration', '-3'], 'LOOPLAB_ERR_BAD_OPTION', /--duration must be/],
  [['bench', '--runs', '1.5'], 'LOOPLAB_ERR_BAD_OPTION', /--runs must be a whole number/],
  [
    ['bench', '--connections', 'many'],
    'LOOPLAB_ERR_BAD_OPTION',
    /--connections takes a number, got 'many'/,
  ],
  [['live', '--rate=fast'], 'LOOPLAB_ERR_BAD_OPTION', /--rate takes a number, got 'fast'/],
  // A number flag with no value was unset (or its default), and the whole default bench ran.
  [['bench', '--runs'], 'LOOPLAB_ERR_BAD_OPTION', /--runs takes a number, and none was given/],
  [
    ['sweep', 'busy-wait', '-k', '--rates', '10'],
    'LOOPLAB_ERR_BAD_OPTION',
    /-k takes a number, and none was given/,
  ],
  [['bench', '--param', 'ms'], 'LOOPLAB_ERR_BAD_PARAM', /write name=value/],
  [['bench', 'busy-wait', '--param', 'ms=fast'], 'LOOPLAB_ERR_BAD_PARAM', /not a number/],
  [
    ['bench', 'busy-wait', '--param', 'iterations=5'],
    'LOOPLAB_ERR_BAD_PARAM',
    /known: busy-wait\.ms/,
  ],
  [['bench', '--durashun', '3'], 'LOOPLAB_ERR_USAGE', /Unknown argument/],
  [['bnch'], 'LOOPLAB_ERR_USAGE', /Did you mean bench/],
  [[], 'LOOPLAB_ERR_USAGE', /name a command/],
  [['serve', 'busy-wait', 'nope'], 'LOOPLAB_ERR_UNKNOWN_VARIANT', /choose sync or async/],
  [['serve', 'busy-wait', '--port', '70000'], 'LOOPLAB_ERR_BAD_OPTION', /--port must be/],
  [
    ['bench', 'busy-wait', '--json', '/proc/looplab/out.json'],
    'LOOPLAB_ERR_WRITE_FAILED',
    /cannot write/,
  ],
];

describe('bad input: one line, a stable code, exit 2', () => {
  for (const [args, code, message] of BAD_INPUT) {
    test(`looplab ${args.join(' ') || '(nothing)'}`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
      assert.match(lines[0] ?? '', new RegExp(`^looplab: .*\\[${code}\\]$`));
      assert.match(lines[0] ?? '', message);
      assert.equal(r.stdout, '');
    });
  }

  test('--debug adds detail but keeps the code and exit 2', async () => {
    const r = await cli(['bench', 'nope', '--debug']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\[LOOPLAB_ERR_UNKNOWN_SCENARIO\]/);
  });
});

describe('scenarios', () => {
  test('lists one line per scenario', async () => {
    const r = await cli(['scenarios']);
    assert.equal(r.code, 0);
    for (const id of SCENARIOS) assert.match(r.stdout, new RegExp(`^${id} `, 'm'));
  });

  test('--json is machine-readable', async () => {
    const r = await cli(['scenarios', '--json']);
    assert.equal(r.code, 0);
    const list = JSON.parse(r.stdout) as {
      id: string;
      calibration: boolean;
      variants: { name: string }[];
    }[];
    assert.deepEqual(
      list.filter((s) => !s.calibration).map((s) => s.id),
      SCENARIOS,
    );
    assert.deepEqual(
      list.filter((s) => s.calibration).map((s) => s.id),
      ['noop'],
    );
    // Every pair has the blocking variant and the one that keeps the loop free.
    for (const s of list) {
      const names = s.variants.map((v) => v.name);
      assert.ok(names.includes('sync') && names.includes('async'), `${s.id}: ${names}`);
    }
  });
});

test('--help explains every command', async () => {
  for (const args of [
    ['--help'],
    ['bench', '--help'],
    ['serve', '--help'],
    ['scenarios', '--help'],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /looplab/);
  }
  assert.match((await cli(['bench', '--help'])).stdout, /--param/);
});

describe('bench outputs', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'looplab-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const TINY = [
    'busy-wait',
    '--param',
    'ms=5',
    '--warmup',
    '0',
    '--duration',
    '1',
    '--runs',
    '1',
    '--connections',
    '2',
  ];

  test('--json FILE and --md FILE are written; the table and verdict go to stdout, progress to stderr', async () => {
    const json = join(dir, 'out.json');
    const md = join(dir, 'out.md');
    const r = await cli(['bench', ...TINY, '--json', json, '--md', md]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(await readFile(json, 'utf8'));
    assert.equal(report.schemaVersion, 2);
    assert.deepEqual(
      report.results.map((x: { variant: string }) => x.variant),
      ['sync', 'async'],
    );
    assert.match(await readFile(md, 'utf8'), /^## looplab benchmark/);
    // The verdict line is there; which variant served more in a 1 s run beside the measuring
    // lane is not this test's business.
    assert.match(
      r.stdout,
      /→ (?:(?:async|sync) served .* the requests of (?:sync|async)|async and sync served too nearly the same to tell apart)/,
    );
    assert.match(r.stderr, /✓ \[1\/2\] busy-wait sync run 1: [\d.]+ req\/s/);
  });

  test('--json alone prints only JSON on stdout; --quiet silences progress', async () => {
    const r = await cli(['bench', ...TINY, '--json', '--quiet']);
    assert.equal(r.code, 0, `${r.stderr}${r.stdout.slice(0, 4000)}`);
    assert.equal(JSON.parse(r.stdout).schemaVersion, 2);
    assert.equal(r.stderr, '');
  });
});

describe('a reader that stops reading', () => {
  test('live --replay --ndjson | head -1: exit 0, no error, once the pipe closes', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const cliPath = fileURLToPath(new URL('../../scripts/cli.js', import.meta.url));
    const recording = fileURLToPath(
      new URL('../../../test/fixtures/live/replay-busy-wait.ndjson', import.meta.url),
    );
    // bash's `head -1` closes the pipe after a line, as a user's does.
    const child = spawn(
      'bash',
      [
        '-c',
        `set -o pipefail; "${process.execPath}" "${cliPath}" live --replay "${recording}" --ndjson | head -1`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stdout.trim().split('\n').length, 1);
    assert.match(stdout, /^\{"type":"session"/);
    assert.doesNotMatch(stderr, /EPIPE|unexpected error/, stderr);
    assert.equal(code, 0);
  });
});
