/**
 * Ctrl-C keeps the runs: a bench stopped by SIGINT or SIGTERM after a run completed writes every
 * output it was asked for from the runs it has, marked partial, prints its table, exits 130 or
 * 143, and leaves no process behind; stopped before any run completed, it writes nothing and an
 * earlier report stays as it was. compare then says which side is partial. Only behaviour is
 * checked (the checking lane): what the runs measured does not matter here.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseJournal } from '../../bench/report/journal.ts';
import { parseReport } from '../../bench/report/read.ts';
import type { Report } from '../../bench/report/types.ts';
import { completedRun, entry, makeReport } from '../unit/fixtures.ts';
import { cli, runMarked } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-interrupt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** busy-wait's two variants, two runs each: four planned runs of about 1.5 s each here. */
const BENCH = ['bench', 'busy-wait', '--runs', '2', '--duration', '1', '--warmup', '0', '--debug'];

/** Runs the bench, and sends `signal` once the first run has completed (its progress line). */
function stopAfterFirstRun(args: string[], signal: NodeJS.Signals) {
  return runMarked([...BENCH, ...args], {}, (run) => {
    run
      .waitForStderr(/✓ \[1\/4\]/)
      .then(() => run.child.kill(signal))
      .catch(() => undefined);
  });
}

const runsIn = (report: Report) => report.results.reduce((n, e) => n + e.runs.length, 0);

/** What every partial report must hold: the stop, and each completed run once. */
function assertPartial(report: Report, signal: NodeJS.Signals): number {
  assert.equal(report.complete, false);
  assert.equal(report.stoppedBy, signal);
  assert.equal(report.plannedRuns, 4);
  const runs = runsIn(report);
  assert.ok(runs >= 1 && runs < 4, `${runs} runs`);
  for (const e of report.results) {
    assert.ok(e.runs.length >= 1, `${e.variant} has a run`);
    assert.deepEqual(
      e.runs.map((r) => r.run),
      e.runs.map((_, i) => i + 1),
      `${e.variant}: each run once, in order`,
    );
  }
  assert.equal(
    report.warnings[0]?.startsWith(`partial: stopped by ${signal} after ${runs} of 4 planned runs`),
    true,
    report.warnings[0],
  );
  return runs;
}

describe('Ctrl-C keeps the runs', () => {
  test('SIGINT after a run completed: --json, --md and --html hold it, marked partial; the table is printed; exit 130', {
    timeout: 60_000,
  }, async () => {
    const sub = mkdtempSync(join(dir, 'int-'));
    const [json, md, html] = ['out.json', 'out.md', 'out.html'].map((f) => join(sub, f)) as [
      string,
      string,
      string,
    ];
    const r = await stopAfterFirstRun(['--json', json, '--md', md, '--html', html], 'SIGINT');
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(r.left, [], 'no process left behind');
    // The journal beside the report stays, to resume: it holds the same runs.
    assert.deepEqual(readdirSync(sub).sort(), [
      'out.html',
      'out.json',
      'out.json.journal.ndjson',
      'out.md',
    ]);
    // parseReport checks it against the schema.
    const report = parseReport(readFileSync(json, 'utf8'), json);
    const runs = assertPartial(report, 'SIGINT');
    const journal = parseJournal(readFileSync(`${json}.journal.ndjson`, 'utf8'), 'journal');
    assert.equal(journal.runs.length, runs);
    // The command that finishes them writes the same files.
    assert.ok(
      r.stderr.includes(
        `the runs so far are in ${json}.journal.ndjson; finish them with: looplab bench --resume ${json}.journal.ndjson --json ${json} --md ${md} --html ${html}\n`,
      ),
      r.stderr,
    );
    const line = `partial: stopped by SIGINT after ${runs} of 4 planned runs`;
    assert.ok(r.stdout.includes(line), r.stdout);
    assert.match(r.stdout, /busy-wait {2}ms=20/, 'the table');
    assert.ok(r.stdout.includes(`warning: ${line}`), r.stdout);
    assert.ok(readFileSync(md, 'utf8').includes(`> ⚠️ ${line}`));
    assert.ok(readFileSync(html, 'utf8').includes(line));
    assert.match(r.stderr, /wrote .*out\.json/);

    // compare reads it, says it is partial, and judges on the runs it has.
    const head = join(sub, 'head.json');
    copyFileSync(json, head);
    for (const format of ['table', 'markdown']) {
      const c = await cli(['compare', json, head, '--format', format]);
      assert.ok([0, 1].includes(c.code as number), c.stderr);
      for (const side of ['base', 'head']) {
        assert.ok(
          c.stdout.includes(
            `${side} is partial: stopped by SIGINT after ${runs} of 4 planned runs; judged on the runs it has`,
          ),
          `${format}, ${side}: ${c.stdout}`,
        );
      }
    }
  });

  test('SIGTERM after a run completed: the report holds it, exit 143', {
    timeout: 60_000,
  }, async () => {
    const json = join(mkdtempSync(join(dir, 'term-')), 'out.json');
    const r = await stopAfterFirstRun(['--json', json], 'SIGTERM');
    assert.equal(r.code, 143, r.stderr);
    assert.deepEqual(r.left, [], 'no process left behind');
    assertPartial(parseReport(readFileSync(json, 'utf8'), json), 'SIGTERM');
  });

  test('SIGINT before any run completed: nothing written, an earlier report untouched, exit 130', {
    timeout: 60_000,
  }, async () => {
    const sub = mkdtempSync(join(dir, 'none-'));
    const json = join(sub, 'out.json');
    const existing = `${JSON.stringify(makeReport([entry('noop', 'sync', [completedRun(1, { requestsPerSec: 1 })])]), null, 2)}\n`;
    writeFileSync(json, existing);
    // In the first run's window: its server has started, and the window is 5 s long.
    const r = await runMarked(
      ['bench', 'busy-wait', '--runs', '1', '--duration', '5', '--warmup', '0', '--debug'].concat([
        '--json',
        json,
      ]),
      {},
      (run) => {
        run
          .waitForStderr(/server pid \d+/)
          .then(() => setTimeout(() => run.child.kill('SIGINT'), 500))
          .catch(() => undefined);
      },
    );
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(r.left, [], 'no process left behind');
    assert.match(r.stderr, /stopped by SIGINT before any run completed; nothing written/);
    assert.equal(readFileSync(json, 'utf8'), existing);
    assert.deepEqual(readdirSync(sub), ['out.json'], 'no temporary file beside it');
    assert.doesNotMatch(r.stderr, /wrote /);
  });

  /**
   * Moments in a bench of busy-wait's two variants, one run each, with a 0.5 s warm-up and a 1 s
   * window: each is the --debug phase marker the signal is sent at. That the signal landed in that
   * phase is proven, not assumed from a delay: the last marker before the CLI's `SIGINT, stopping
   * servers…` line is the phase it was in. A signal that landed after the phase (a busy machine)
   * is sent again in a fresh bench, up to three times.
   */
  const MOMENTS: { at: string; phase: string; signal: NodeJS.Signals }[] = [
    { at: "the first server's start", phase: 'sync run 1 phase starting', signal: 'SIGINT' },
    { at: 'the warm-up', phase: 'sync run 1 phase warmup', signal: 'SIGTERM' },
    { at: 'the window', phase: 'sync run 1 phase measuring', signal: 'SIGINT' },
    { at: 'the probe read', phase: 'sync run 1 phase reading', signal: 'SIGTERM' },
    { at: "the second server's start", phase: 'async run 1 phase starting', signal: 'SIGINT' },
    { at: "the second run's warm-up", phase: 'async run 1 phase warmup', signal: 'SIGTERM' },
    { at: 'the outputs being written', phase: 'phase writing outputs', signal: 'SIGINT' },
  ];
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** The phase the CLI was in when it heard the signal: the last marker before its line. */
  const phaseAtStop = (stderr: string): string | null => {
    const before = stderr.split(/looplab: SIG\w+, stopping servers/)[0] ?? '';
    const phases = [...before.matchAll(/^debug: (?:busy-wait )?(.*phase .*)$/gm)];
    return stderr.includes('stopping servers') ? (phases.at(-1)?.[1] ?? null) : null;
  };

  test('SIGINT and SIGTERM at many moments, each proven hit: each completed run once, in the journal and in whole outputs that pass the schema; nothing left behind', {
    timeout: 300_000,
  }, async (t) => {
    for (const moment of MOMENTS) {
      await t.test(`${moment.signal} during ${moment.at}`, async (st) => {
        let sub = '';
        let r: Awaited<ReturnType<typeof runMarked>> | undefined;
        const seen: (string | null)[] = [];
        for (let attempt = 1; attempt <= 3; attempt++) {
          sub = mkdtempSync(join(dir, 'moment-'));
          const [json, md, html, journal] = ['out.json', 'out.md', 'out.html', 'run.ndjson'].map(
            (f) => join(sub, f),
          ) as [string, string, string, string];
          r = await runMarked(
            [
              'bench',
              'busy-wait',
              '--runs',
              '1',
              '--duration',
              '1',
              '--warmup',
              '0.5',
              '--no-ceiling',
              '--debug',
              '--json',
              json,
              '--md',
              md,
              '--html',
              html,
              '--journal',
              journal,
            ],
            {},
            (run) => {
              run
                .waitForStderr(new RegExp(`^debug: (busy-wait )?${literal(moment.phase)}$`, 'm'))
                .then(() => run.child.kill(moment.signal))
                .catch(() => undefined);
            },
          );
          seen.push(phaseAtStop(r.stderr));
          if (seen.at(-1) === moment.phase) break;
          // Not hit: what this bench left must still hold, and it is checked below only if
          // it is the last; a missed attempt's outputs are dropped.
          assert.deepEqual(r.left, [], 'no process left behind');
        }
        assert.ok(r);
        st.diagnostic(`phase at the stop, by attempt: ${seen.join(' | ')}`);
        assert.equal(seen.at(-1), moment.phase, `the signal landed in ${moment.phase}`);
        const [json, md, html, journal] = ['out.json', 'out.md', 'out.html', 'run.ndjson'].map(
          (f) => join(sub, f),
        ) as [string, string, string, string];
        assert.deepEqual(r.left, [], 'no process left behind');
        const files = readdirSync(sub).sort();
        st.diagnostic(`exit ${r.code}; ${files.join(', ') || 'nothing written'}`);
        assert.ok(
          files.every((f) => ['out.html', 'out.json', 'out.md', 'run.ndjson'].includes(f)),
          `no temporary file left: ${files.join(', ')}`,
        );
        // The journal's runs: its header, then one whole line per completed run.
        const journaled = files.includes('run.ndjson')
          ? readFileSync(journal, 'utf8')
              .split('\n')
              .filter(Boolean)
              .slice(1)
              .map((l) => JSON.parse(l) as unknown)
          : [];
        // The CLI said it heard the signal (the phase above is read from that line): whatever
        // it had left to do, it ends as a signal's exit, never 0.
        assert.equal(r.code, moment.signal === 'SIGINT' ? 130 : 143, r.stderr);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        if (!files.includes('out.json')) {
          assert.equal(journaled.length, 0, 'a run was journaled but no report written');
          assert.ok(!files.includes('out.md') && !files.includes('out.html'), files.join(', '));
          return;
        }
        // parseReport checks the schema; every output is whole.
        const report = parseReport(readFileSync(json, 'utf8'), json);
        const runs = runsIn(report);
        assert.equal(runs, journaled.length, 'the report holds exactly the journaled runs');
        for (const e of report.results) {
          assert.deepEqual(
            e.runs.map((run) => run.run),
            e.runs.map((_, i) => i + 1),
            `${e.variant}: each run once`,
          );
        }
        if (report.complete === false) {
          assert.equal(report.stoppedBy, moment.signal);
          assert.equal(report.plannedRuns, 2);
          const line = `partial: stopped by ${moment.signal} after ${runs} of 2 planned runs`;
          assert.ok(report.warnings[0]?.startsWith(line), report.warnings[0]);
        } else {
          assert.equal(runs, 2, 'a report not marked partial holds every planned run');
        }
        assert.match(readFileSync(md, 'utf8'), /busy-wait/);
        assert.match(readFileSync(html, 'utf8'), /<\/html>\s*$/);
      });
    }
  });

  test("SIGINT during a lesson's measurement: the runs that completed are shown, marked partial, and the lesson asks to be run again; exit 130", {
    timeout: 60_000,
  }, async () => {
    const r = await runMarked(['lesson', '1', '--no-input', '--debug'], {}, (run) => {
      run
        .waitForStderr(/✓ \[1\/4\]/)
        .then(() => run.child.kill('SIGINT'))
        .catch(() => undefined);
    });
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(r.left, [], 'no process left behind');
    assert.match(r.stdout, /partial: stopped by SIGINT after [123] of 4 planned runs/);
    assert.match(r.stdout, /busy-wait {2}ms=20/, 'the table of the runs that completed');
    assert.ok(r.stdout.includes('run `npx looplab lesson 1` again'), r.stdout);
    assert.doesNotMatch(r.stdout, /Exercise 1/, 'no explanation from a partial measurement');
  });

  test("SIGINT early in a lesson's second measurement: the first measurement's runs are still shown; exit 130", {
    timeout: 60_000,
  }, async () => {
    // files-sync-vs-async measures a 4 KiB file, then a 16 MiB one; stopped as the second
    // starts (its label), before any of its runs completed.
    const args = ['lesson', 'files-sync-vs-async', '--no-input', '--runs', '1', '--duration', '1'];
    const r = await runMarked([...args, '--warmup', '0', '--debug'], {}, (run) => {
      run
        .waitForStderr(/✓ \[2\/2\][^\n]*\n16 MiB file\n/)
        .then(() => run.child.kill('SIGINT'))
        .catch(() => undefined);
    });
    assert.equal(r.code, 130, r.stderr);
    assert.deepEqual(r.left, [], 'no process left behind');
    assert.equal(r.stderr.match(/✓ \[/g)?.length, 2, 'only the first measurement’s runs ended');
    assert.match(r.stdout, /4 KiB file\n[\s\S]*fs-read {2}size=4096[\s\S]*req\/s/, r.stdout);
    assert.match(
      r.stdout,
      /16 MiB file\npartial: stopped by SIGINT before its first run completed/,
    );
    assert.ok(r.stdout.includes('run `npx looplab lesson 2` again'), r.stdout);
    assert.doesNotMatch(r.stdout, /Exercise 2/, 'no explanation from a partial measurement');
  });
});
