/**
 * Outputs as a careless or a hostile user meets them (issue 25): an output never replaces an
 * input or another output, a failed write loses neither the table nor the other outputs, a
 * crafted report cannot break Markdown or reach the terminal with control codes, merge does not
 * count a run twice, and a replaced file keeps its mode. Behaviour only, on one tiny real
 * report: the checking lane. Each test works in a temp folder of its own.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  chmod,
  lchown,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Report } from '../../bench/report/types.ts';
import { cli, runCli, tinyBusyWaitReport } from './helpers.ts';

let dir: string;
let report: Report;
const at = (name: string) => join(dir, name);
const HOSTILE_VARIANT = '/a|b<img/src=x/onerror=alert(1)>';
const ESC = '\u001b';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'looplab-outputs-'));
  report = await tinyBusyWaitReport(2);
  await writeFile(at('victim.json'), JSON.stringify(report));
  // A report anyone could send: a route name with a pipe and a tag, escape codes in its texts.
  const crafted = structuredClone(report);
  const entry = crafted.results[0] as Report['results'][number];
  const old = entry.variant;
  entry.variant = HOSTILE_VARIANT;
  entry.diagnosis = {
    healthy: false,
    findings: [],
    text: `${ESC}[2J${ESC}[31mscreen cleared`,
  };
  for (const v of crafted.verdicts) v.text = v.text.replaceAll(old, HOSTILE_VARIANT);
  crafted.warnings.push(`a title ${ESC}]0;owned\u0007 and a bell`);
  crafted.warnings.push('a forged\n✓ line\tand a \u0007');
  await writeFile(at('crafted.json'), JSON.stringify(crafted));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('outputs never replace an input or each other (LOOPLAB_ERR_OUTPUT_CLASH)', () => {
  test('report victim.json --html victim.json: one line, exit 2, the report intact', async () => {
    const before = await readFile(at('victim.json'), 'utf8');
    const r = await cli(['report', at('victim.json'), '--html', at('victim.json')]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `looplab: --html ${at('victim.json')} is the input ${at('victim.json')}: writing it would destroy it; choose another name [LOOPLAB_ERR_OUTPUT_CLASH]\n`,
    );
    assert.equal(await readFile(at('victim.json'), 'utf8'), before);
  });

  test('the same, through a link to the input', async () => {
    await symlink(at('victim.json'), at('alias.html'));
    const r = await cli(['report', at('victim.json'), '--html', at('alias.html')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\[LOOPLAB_ERR_OUTPUT_CLASH\]\n$/);
  });

  test('bench --json x --md x --html x: refused before any benchmark runs', async () => {
    const r = await cli([
      'bench',
      'busy-wait',
      '--json',
      at('x'),
      '--md',
      at('x'),
      '--html',
      at('x'),
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `looplab: --md ${at('x')} and --json ${at('x')} are one file (${at('x')}); give each output a name of its own [LOOPLAB_ERR_OUTPUT_CLASH]\n`,
    );
    assert.equal(existsSync(at('x')), false);
  });

  test('bench --baseline victim.json --json victim.json: the baseline is an input', async () => {
    const r = await cli([
      'bench',
      'busy-wait',
      '--baseline',
      at('victim.json'),
      '--json',
      at('victim.json'),
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `looplab: --json ${at('victim.json')} is the --baseline ${at('victim.json')}: writing it would destroy it; choose another name [LOOPLAB_ERR_OUTPUT_CLASH]\n`,
    );
  });

  test('merge victim.json victim.json: the output would be the input', async () => {
    const r = await cli(['merge', at('victim.json'), at('victim.json')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^looplab: output .* is the input .*\[LOOPLAB_ERR_OUTPUT_CLASH\]\n$/);
  });

  test('compare with GITHUB_STEP_SUMMARY naming the base report', async () => {
    const before = await readFile(at('victim.json'), 'utf8');
    const r = await cli(['compare', at('victim.json'), at('victim.json')], {
      GITHUB_STEP_SUMMARY: at('victim.json'),
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^looplab: GITHUB_STEP_SUMMARY .* is the base .*OUTPUT_CLASH\]\n$/);
    assert.equal(await readFile(at('victim.json'), 'utf8'), before);
  });
});

describe('after a benchmark, each output is written on its own', () => {
  test('a full disk on --json: the table first, exit 2, --md and --html still written', async (t) => {
    if (!existsSync('/dev/full')) {
      t.skip('needs /dev/full (Linux), whose writes fail with ENOSPC');
      return;
    }
    const sub = await mkdtemp(join(dir, 'full-'));
    const r = await cli([
      'bench',
      'busy-wait',
      '--variant',
      'sync',
      '--param',
      'ms=5',
      '--runs',
      '1',
      '--duration',
      '0.4',
      '--warmup',
      '0',
      '--no-ceiling',
      '--json',
      '/dev/full',
      '--md',
      join(sub, 'out.md'),
      '--html',
      join(sub, 'out.html'),
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /busy-wait {2}ms=5/, 'the table is printed');
    assert.match(
      r.stderr,
      /\nlooplab: cannot write \/dev\/full \(ENOSPC\); check the path and its permissions \[LOOPLAB_ERR_WRITE_FAILED\]\n/,
    );
    assert.match(r.stderr, new RegExp(`\\nwrote ${join(sub, 'out.md')}\\n`));
    assert.match(r.stderr, new RegExp(`\\nwrote ${join(sub, 'out.html')}\\n`));
    assert.match(await readFile(join(sub, 'out.md'), 'utf8'), /^## looplab benchmark/);
    assert.match(await readFile(join(sub, 'out.html'), 'utf8'), /^<!doctype html>/i);
  });
});

describe('a crafted report', () => {
  test('compare --format markdown: a route named /a|b keeps its row in its cells', async () => {
    const summary = at('summary.md');
    const r = await cli(
      ['compare', at('crafted.json'), at('crafted.json'), '--format', 'markdown'],
      { GITHUB_STEP_SUMMARY: summary },
    );
    assert.equal(r.code, 0, r.stderr);
    for (const md of [r.stdout, await readFile(summary, 'utf8')]) {
      const header = md.split('\n').find((l) => l.startsWith('| scenario |')) as string;
      const rows = md.split('\n').filter((l) => l.startsWith(`| busy-wait /a`));
      assert.ok(rows.length > 0, md);
      const cellsOf = (line: string) => line.split(/(?<!\\)\|/).length;
      for (const row of rows) assert.equal(cellsOf(row), cellsOf(header), row);
      assert.doesNotMatch(md, /(?<!\\)<img/);
    }
  });

  test('report: no escape sequence or control character reaches the terminal', async () => {
    const r = await cli(['report', at('crafted.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /screen cleared/);
    assert.match(r.stdout, /a title {2}and a bell/);
    // On one line: a newline in a report's text cannot forge a line of its own.
    assert.ok(r.stdout.includes('\nwarning: a forged ✓ line and a \\x07\n'), r.stdout);
    // NO_COLOR is set: any control character here came from the report.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
    assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  test('report --html of it: the tag is escaped in the page too', async () => {
    const r = await cli(['report', at('crafted.json'), '--html', at('crafted.html')]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(await readFile(at('crafted.html'), 'utf8'), /<img\/src/);
  });
});

describe('merge skips a run it already has', () => {
  test('merge out a.json a.json: each run once, and it says so', async () => {
    const r = await cli(['merge', at('twice.json'), at('victim.json'), at('victim.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^looplab: skipped 4 runs of ${at('victim.json')}: it was given twice \\(same start time and server pid\\)\\n`,
      ),
    );
    const merged = JSON.parse(await readFile(at('twice.json'), 'utf8')) as Report;
    assert.deepEqual(
      merged.results.map((e) => e.runs.length),
      report.results.map((e) => e.runs.length),
    );
  });
});

describe('a replaced file keeps its mode; links are followed only when safe', () => {
  test('a 600 report stays 600 after report --html overwrites it', async () => {
    const page = at('private.html');
    await writeFile(page, 'old');
    await chmod(page, 0o600);
    const r = await cli(['report', at('victim.json'), '--html', page]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await stat(page)).mode & 0o777, 0o600);
    assert.match(await readFile(page, 'utf8'), /^<!doctype html>/i);
  });

  test("another user's link planted under an output name is refused, its target intact", async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root to give a link another owner');
      return;
    }
    const shared = await mkdtemp(join(dir, 'shared-'));
    await chmod(shared, 0o1777);
    const victim = join(shared, 'victim.txt');
    await writeFile(victim, 'precious');
    const planted = join(shared, 'page.html');
    await symlink(victim, planted);
    await lchown(planted, 12345, 12345);
    const r = await cli(['report', at('victim.json'), '--html', planted]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /is a symbolic link owned by user 12345, not by you; it is not followed\).*\[LOOPLAB_ERR_WRITE_FAILED\]\n$/,
    );
    assert.equal(await readFile(victim, 'utf8'), 'precious');
    assert.deepEqual((await readdir(shared)).sort(), ['page.html', 'victim.txt']);
  });
});

describe('a FIFO as an output (mkfifo): written when read, refused when not, never a hang', () => {
  /** The CLI, killed if it is still running after `ms`: a write blocked in open(2) ignores SIGTERM. */
  async function cliWithin(args: string[], env: NodeJS.ProcessEnv = {}, ms = 60_000) {
    const run = runCli(args, env);
    const guard = setTimeout(() => run.child.kill('SIGKILL'), ms);
    const { code, signal } = await run.done;
    clearTimeout(guard);
    return { code, signal, stdout: run.stdout(), stderr: run.stderr() };
  }
  const unread = (p: string) =>
    `looplab: cannot write ${p} (no process reads this FIFO, ENXIO); start its reader first, or write to a file [LOOPLAB_ERR_WRITE_FAILED]\n`;

  test('bench --json FIFO with no reader: one line, exit 2, before any benchmark runs', async () => {
    const fifo = join(await mkdtemp(join(dir, 'fifo-')), 'out.json');
    execFileSync('mkfifo', [fifo]);
    const args = ['bench', 'busy-wait', '--runs', '1', '--duration', '1', '--no-ceiling'];
    const r = await cliWithin([...args, '--json', fifo]);
    assert.equal(r.signal, null, `killed: it hung; stderr was:\n${r.stderr}`);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, unread(fifo), 'nothing measured, only the line');
  });

  test('compare with GITHUB_STEP_SUMMARY a FIFO nobody reads: one line, exit 2', async () => {
    const fifo = join(await mkdtemp(join(dir, 'fifo-')), 'summary.md');
    execFileSync('mkfifo', [fifo]);
    const r = await cliWithin(
      ['compare', at('victim.json'), at('victim.json'), '--format', 'markdown', '--quiet'],
      { GITHUB_STEP_SUMMARY: fifo },
    );
    assert.equal(r.signal, null, `killed: it hung; stderr was:\n${r.stderr}`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^looplab: cannot append to GITHUB_STEP_SUMMARY .* \(no process reads this FIFO, ENXIO\); check the path \[LOOPLAB_ERR_WRITE_FAILED\]\n$/,
    );
  });

  test('a reader waiting before looplab starts (cat out.json &) gets the whole report', async () => {
    const fifo = join(await mkdtemp(join(dir, 'fifo-')), 'out.json');
    execFileSync('mkfifo', [fifo]);
    const cat = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    let read = '';
    cat.stdout.on('data', (c: Buffer) => {
      read += c;
    });
    const catEnded = new Promise((resolve) => cat.on('close', resolve));
    try {
      // merge checks its output up front, then writes it: the check must not end the reader.
      const r = await cliWithin(['merge', fifo, at('victim.json')]);
      assert.equal(r.code, 0, r.stderr);
      await catEnded;
      const merged = JSON.parse(read) as Report;
      assert.deepEqual(
        merged.results.map((e) => e.runs.length),
        report.results.map((e) => e.runs.length),
      );
      assert.ok((await stat(fifo)).isFIFO(), 'still a FIFO');
    } finally {
      if (cat.exitCode === null && cat.signalCode === null) cat.kill('SIGKILL');
    }
  });
});
