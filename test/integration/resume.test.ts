/**
 * A killed benchmark resumes: bench --journal killed with SIGKILL after a run completed leaves a
 * journal of its whole runs; bench --resume runs only the missing ones, in plan order, and writes
 * the whole report, the runs from before unchanged. Only behaviour is checked (the checking
 * lane): what the runs measured does not matter here.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { journalLine, parseJournal } from '../../bench/report/journal.ts';
import { parseReport } from '../../bench/report/read.ts';
import type { RunRecord } from '../../bench/report/types.ts';
import { runMarked } from './helpers.ts';
import { APPS } from './own-server-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-resume-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** busy-wait's two variants, two runs each: four planned runs of about 1.5 s each here. */
const PLAN = ['busy-wait', '--runs', '2', '--duration', '1', '--warmup', '0', '--no-ceiling'];

const serverPid = (r: RunRecord) => (r.state === 'completed' ? r.serverPid : null);

describe('bench --resume', () => {
  test('SIGKILL after a run completed, then --resume: exactly the planned runs, in plan order, those from before unchanged', {
    timeout: 60_000,
  }, async () => {
    const journal = join(dir, 'run.ndjson');
    const json = join(dir, 'out.json');
    // While it runs, a second looplab may not write its journal: a resume of it is refused.
    let busy: Awaited<ReturnType<typeof runMarked>> | undefined;
    const killed = await runMarked(
      ['bench', ...PLAN, '--journal', journal, '--json', json, '--debug'],
      {},
      (run) => {
        run
          .waitForStderr(/✓ \[1\/4\]/)
          .then(async () => {
            busy = await runMarked(['bench', '--resume', journal]);
            run.child.kill('SIGKILL');
          })
          .catch(() => undefined);
      },
    );
    assert.equal(busy?.code, 2, busy?.stderr);
    assert.match(
      busy?.stderr.trim() ?? '',
      /is being written by another looplab \(pid \d+\): .*\[LOOPLAB_ERR_JOURNAL_BUSY\]$/,
    );
    assert.equal(killed.code, 128 + 9, killed.stderr);
    assert.ok(
      existsSync(`${journal}.lock`),
      'the killed bench left its lock, which the resume takes over',
    );
    assert.deepEqual(killed.left, [], 'no process left behind');
    assert.equal(existsSync(json), false, 'a killed bench writes no report');
    const before = parseJournal(readFileSync(journal, 'utf8'), journal);
    assert.equal(before.header.plannedRuns, 4);
    assert.ok(before.runs.length >= 1 && before.runs.length < 4, `${before.runs.length} runs`);
    // looplab report renders what the journal holds, and says the plan is not done.
    const shown = await runMarked(['report', journal]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /busy-wait/);
    assert.match(
      shown.stdout,
      new RegExp(
        `warning: journal: ${before.runs.length} of 4 planned runs; the benchmark stopped`,
      ),
    );
    // As a kill in the middle of an append would leave it: the resume cuts it off.
    appendFileSync(journal, '{"index":3,"scenario":"busy-');

    // The journal is read while the resume writes it, as `tail -f` or `looplab report` would:
    // every snapshot is whole lines (a torn last one dropped), and the runs only grow.
    const snapshots: { runs: number; torn: boolean }[] = [];
    const misreads: string[] = [];
    const poll = setInterval(() => {
      try {
        const j = parseJournal(readFileSync(journal, 'utf8'), journal);
        snapshots.push({ runs: j.runs.length, torn: j.torn });
      } catch (err) {
        misreads.push(String(err));
      }
    }, 20);
    const resumed = await runMarked([
      'bench',
      '--resume',
      journal,
      '--json',
      json,
      '--debug',
    ]).finally(() => clearInterval(poll));
    assert.deepEqual(misreads, [], 'every read while it was written is a whole journal');
    const counts = snapshots.map((x) => x.runs);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => a - b),
      'the runs only grow',
    );
    assert.ok(snapshots[0]?.torn, 'the torn last line was dropped by the reader');
    assert.ok(new Set(counts).size >= 3, `seen growing run by run: ${[...new Set(counts)]}`);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(resumed.left, [], 'no process left behind');
    assert.match(resumed.stderr, new RegExp(`resuming .*: ${before.runs.length} runs? done`));
    // Only the missing runs were run.
    const ran = [...resumed.stderr.matchAll(/✓ \[(\d)\/4\]/g)].map((m) => Number(m[1]));
    assert.deepEqual(ran, [1, 2, 3, 4].slice(before.runs.length), 'the missing runs, in order');

    const report = parseReport(readFileSync(json, 'utf8'), json);
    assert.equal(report.complete, true);
    assert.equal(report.createdAt, before.header.createdAt);
    assert.deepEqual(
      report.results.map((e) => [e.variant, e.runs.map((r) => r.run)]),
      [
        ['sync', [1, 2]],
        ['async', [1, 2]],
      ],
    );
    assert.match(report.warnings.join('\n'), /of 4 planned runs were measured before it stopped/);
    // The runs from before are the journal's, unchanged.
    const inReport = (variant: string, run: number) =>
      report.results.find((e) => e.variant === variant)?.runs.find((r) => r.run === run);
    for (const { variant, record } of before.runs) {
      const r = inReport(variant, record.run);
      assert.equal(r?.startedAt, record.startedAt, `${variant} run ${record.run}`);
      assert.equal(r && serverPid(r), serverPid(record));
      assert.deepEqual(r, record);
    }
    // The journal now holds every run once, in plan order, each after the one before it.
    const after = parseJournal(readFileSync(journal, 'utf8'), journal);
    assert.equal(after.torn, false);
    assert.deepEqual(
      after.runs.map((r) => r.index),
      [0, 1, 2, 3],
    );
    const starts = after.runs.map((r) => Date.parse(r.record.startedAt));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
      'started in plan order',
    );
    assert.equal(existsSync(`${journal}.lock`), false, 'the lock goes with the resume');
  });

  test('--cmd: the journal beside --json by default; SIGKILL, then --resume without the server flags runs the missing run of the same command, and the journal goes once the report is whole', {
    timeout: 60_000,
  }, async () => {
    const sub = mkdtempSync(join(dir, 'cmd-'));
    const json = join(sub, 'out.json');
    const journal = `${json}.journal.ndjson`;
    const app = ['--cmd', `node ${join(APPS, 'http-app.cjs')}`, '--path', '/timer'];
    const plan = ['--runs', '2', '--duration', '1', '--warmup', '0'];
    const killed = await runMarked(
      ['bench', ...app, ...plan, '--json', json, '--debug'],
      {},
      (run) => {
        run
          .waitForStderr(/✓ \[1\/2\]/)
          .then(() => run.child.kill('SIGKILL'))
          .catch(() => undefined);
      },
    );
    assert.equal(killed.code, 128 + 9, killed.stderr);
    assert.deepEqual(killed.left, [], 'no process left behind');
    const before = parseJournal(readFileSync(journal, 'utf8'), journal);
    assert.equal(before.header.app?.sides[0]?.command, `node ${join(APPS, 'http-app.cjs')}`);
    assert.equal(before.runs.length, 1);
    // Another command is another benchmark: refused, never forced.
    const other = await runMarked(['bench', '--resume', journal, '--cmd', 'node x.js', '--force']);
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr.trim(), /the servers differ; .*\[LOOPLAB_ERR_JOURNAL_MISMATCH\]$/);
    // A fresh bench would replace it: refused while it holds runs.
    const fresh = await runMarked(['bench', ...app, ...plan, '--json', json]);
    assert.equal(fresh.code, 2, fresh.stderr);
    assert.match(fresh.stderr.trim(), /holds 1 of 2 runs .*\[LOOPLAB_ERR_JOURNAL_UNFINISHED\]$/);

    const halfJournal = readFileSync(journal, 'utf8');
    // Nor a file there it cannot read as a journal.
    writeFileSync(`${json}.x.journal.ndjson`, 'my notes\n');
    const notes = await runMarked(['bench', ...app, ...plan, '--json', `${json}.x`]);
    assert.equal(notes.code, 2, notes.stderr);
    assert.match(notes.stderr.trim(), /is not a journal .*\[LOOPLAB_ERR_JOURNAL_UNFINISHED\]$/);
    assert.equal(readFileSync(`${json}.x.journal.ndjson`, 'utf8'), 'my notes\n');

    const resumed = await runMarked(['bench', '--resume', journal, '--json', json, '--debug']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(resumed.left, [], 'no process left behind');
    assert.deepEqual(
      [...resumed.stderr.matchAll(/✓ \[(\d)\/2\]/g)].map((m) => m[1]),
      ['2'],
    );
    const report = parseReport(readFileSync(json, 'utf8'), json);
    assert.equal(report.complete, true);
    const runs = report.results[0]?.runs ?? [];
    assert.deepEqual(runs[0], before.runs[0]?.record, 'the run from before, unchanged');
    assert.equal(runs.length, 2);
    assert.equal(report.results[0]?.target?.path, '/timer');
    assert.equal(existsSync(journal), false, 'the journal beside a whole report is removed');
    // A whole journal still beside its report's path lost that report: never replaced either.
    const finished = `${json}.y.journal.ndjson`;
    writeFileSync(
      finished,
      halfJournal +
        journalLine({ index: 1, scenario: 'app', variant: '/timer', record: runs[1] as RunRecord }),
    );
    const lost = await runMarked(['bench', ...app, ...plan, '--json', `${json}.y`]);
    assert.equal(lost.code, 2, lost.stderr);
    assert.match(
      lost.stderr.trim(),
      /holds all 2 runs of a benchmark whose report was not written: write it with --resume .*\[LOOPLAB_ERR_JOURNAL_UNFINISHED\]$/,
    );
    assert.equal(parseJournal(readFileSync(finished, 'utf8'), finished).runs.length, 2);
  });

  test('a whole journal resumed by another spelling of the path beside the report goes once the report is written', {
    timeout: 30_000,
  }, async () => {
    const sub = mkdtempSync(join(dir, 'spelled-'));
    // The first test's journal holds all 4 runs: the resume runs nothing, and writes the report.
    writeFileSync(join(sub, 'out.json.journal.ndjson'), readFileSync(join(dir, 'run.ndjson')));
    const resumed = await runMarked([
      'bench',
      '--resume',
      `${sub}/./out.json.journal.ndjson`,
      '--json',
      join(sub, 'out.json'),
    ]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(
      parseReport(readFileSync(join(sub, 'out.json'), 'utf8'), 'out.json').complete,
      true,
    );
    assert.equal(
      existsSync(join(sub, 'out.json.journal.ndjson')),
      false,
      'the journal beside it went',
    );
  });

  test('a journal of another schema version: one line, LOOPLAB_ERR_REPORT_VERSION, exit 2, for --resume and report', {
    timeout: 30_000,
  }, async () => {
    const journal = join(dir, 'old.ndjson');
    const header = JSON.parse(readFileSync(join(dir, 'run.ndjson'), 'utf8').split('\n')[0] ?? '');
    writeFileSync(journal, `${JSON.stringify({ ...header, schemaVersion: 999 })}\n`);
    for (const args of [
      ['bench', '--resume', journal],
      ['report', journal],
    ]) {
      const r = await runMarked(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr.trim(),
        /^looplab: .*old\.ndjson is a journal of schemaVersion 999; .*\[LOOPLAB_ERR_REPORT_VERSION\]$/,
      );
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    }
  });

  test('an option given that differs from the journal, or a plan flag, is refused with one line, exit 2', {
    timeout: 30_000,
  }, async () => {
    const journal = join(dir, 'run.ndjson');
    const differs = await runMarked(['bench', '--resume', journal, '--runs', '5']);
    assert.equal(differs.code, 2, differs.stderr);
    assert.match(
      differs.stderr.trim(),
      /^looplab: --resume runs the plan of .*: runs 5, the journal's 2; .*\[LOOPLAB_ERR_JOURNAL_MISMATCH\]$/,
    );
    assert.equal(differs.stderr.trim().split('\n').length, 1, differs.stderr);
    const plan = await runMarked(['bench', 'cpu-bound', '--resume', journal]);
    assert.equal(plan.code, 2, plan.stderr);
    assert.match(plan.stderr, /--resume runs the plan the journal holds; leave out a scenario/);
    assert.equal(plan.stderr.trim().split('\n').length, 1, plan.stderr);
  });
});
