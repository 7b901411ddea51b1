/**
 * The journal reader (bench --journal, --resume): a torn last line is dropped, anything else
 * damaged is refused with one line and a stable code, a journal of another schema version is
 * refused, and a resume checks the setup and the options against the journal's header.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  environmentMismatches,
  type JournalHeader,
  journalLine,
  optionMismatches,
  parseJournal,
} from '../../bench/report/journal.ts';
import { SCHEMA_VERSION } from '../../bench/report/types.ts';
import type { AppBenchSpec } from '../../bench/run/app-bench.ts';
import { captureEnvironment } from '../../bench/run/environment.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { journalApp, reportFromJournal, resumeFrom } from '../../scripts/shared/journal.ts';
import { ENVIRONMENT, failedRun } from './fixtures.ts';

const HEADER: JournalHeader = {
  kind: 'looplab-journal',
  schemaVersion: SCHEMA_VERSION,
  createdAt: '2026-01-01T00:00:00.000Z',
  environment: ENVIRONMENT,
  options: { ...DEFAULT_OPTIONS, runs: 2 },
  plan: [{ scenario: 'busy-wait', variants: ['sync', 'async'], params: { ms: 20 } }],
  plannedRuns: 4,
  ceilings: [],
};

const run = (index: number, variant = index % 2 === 0 ? 'sync' : 'async') =>
  journalLine({
    index,
    scenario: 'busy-wait',
    variant,
    record: failedRun(Math.floor(index / 2) + 1),
  });

const text = journalLine(HEADER) + run(0) + run(1);

function refused(t: string, code: string, message: RegExp) {
  assert.throws(
    () => parseJournal(t, 'j.ndjson'),
    (err: unknown) =>
      err instanceof LooplabError &&
      err.code === code &&
      message.test(err.message) &&
      !err.message.includes('\n'),
  );
}

describe('parseJournal', () => {
  it('reads the header and each run, in the order written', () => {
    const j = parseJournal(text, 'j.ndjson');
    assert.deepEqual(j.header, HEADER);
    assert.deepEqual(
      j.runs.map((r) => [r.index, r.variant, r.record.run]),
      [
        [0, 'sync', 1],
        [1, 'async', 1],
      ],
    );
    assert.equal(j.torn, false);
    assert.equal(j.validBytes, Buffer.byteLength(text));
  });

  it('drops a torn last line (no newline), and says where the whole lines end', () => {
    const torn = run(2).slice(0, 40);
    const j = parseJournal(text + torn, 'j.ndjson');
    assert.deepEqual(
      j.runs.map((r) => r.index),
      [0, 1],
    );
    assert.equal(j.torn, true);
    assert.equal(j.validBytes, Buffer.byteLength(text));
  });

  it('drops a last line that is not JSON, even with its newline', () => {
    const j = parseJournal(`${text}{"index":2,"sce\n`, 'j.ndjson');
    assert.equal(j.runs.length, 2);
    assert.equal(j.torn, true);
    assert.equal(j.validBytes, Buffer.byteLength(text));
  });

  it('a torn header is no journal: nothing to resume', () => {
    refused(journalLine(HEADER).slice(0, 30), ERROR_CODES.BAD_JOURNAL, /no whole header/);
    refused('', ERROR_CODES.BAD_JOURNAL, /is empty/);
  });

  it('refuses a damaged line before the last, a report, a duplicate and a run outside the plan', () => {
    refused(
      `${journalLine(HEADER)}{oops\n${run(1)}`,
      ERROR_CODES.BAD_JOURNAL,
      /line 2 is not JSON/,
    );
    refused('{"schemaVersion":2,"results":[]}\n', ERROR_CODES.BAD_JOURNAL, /not a looplab journal/);
    refused('{\n  "schemaVersion": 2\n}\n', ERROR_CODES.BAD_JOURNAL, /not a looplab journal/);
    refused(text + run(1), ERROR_CODES.BAD_JOURNAL, /run 1 is there twice/);
    refused(text + run(4), ERROR_CODES.BAD_JOURNAL, /outside the plan of 4 runs/);
    refused(`${text}{"index":2}\n`, ERROR_CODES.BAD_JOURNAL, /line 4 is not a journal run/);
  });

  it('refuses a run line whose record a report could not hold, saying where, not crashing later', () => {
    const mangled = (record: Record<string, unknown>) =>
      journalLine({ index: 2, scenario: 'busy-wait', variant: 'sync', record } as never);
    refused(
      text + mangled({ ...failedRun(2), state: 'done' }),
      ERROR_CODES.BAD_JOURNAL,
      /^j\.ndjson line 4: its run is damaged: state must be /,
    );
    refused(
      text + mangled({ run: 2 }),
      ERROR_CODES.BAD_JOURNAL,
      /^j\.ndjson line 4: its run is damaged: the top level must have required property 'state'$/,
    );
  });

  it('refuses a journal of another schema version, with one line', () => {
    const other = journalLine({ ...HEADER, schemaVersion: SCHEMA_VERSION + 1 }) + run(0);
    refused(other, ERROR_CODES.REPORT_VERSION, /schemaVersion 3; this looplab resumes version 2/);
  });
});

describe('resume checks', () => {
  it('the same setup has no mismatch; another Node, CPU or looplab is named, with the journal’s', () => {
    assert.deepEqual(
      environmentMismatches(ENVIRONMENT, { ...ENVIRONMENT, loadAverage: [9, 9, 9] }),
      [],
    );
    assert.deepEqual(
      environmentMismatches(ENVIRONMENT, {
        ...ENVIRONMENT,
        node: 'v99.0.0',
        cpuCount: ENVIRONMENT.cpuCount + 1,
        looplabVersion: '9.9.9',
        gitCommit: 'f'.repeat(40),
      }),
      [
        `looplab 9.9.9, the journal's ${ENVIRONMENT.looplabVersion}`,
        `Node v99.0.0, the journal's ${ENVIRONMENT.node}`,
        `CPU count ${ENVIRONMENT.cpuCount + 1}, the journal's ${ENVIRONMENT.cpuCount}`,
        // Code changed between the kill and the resume: not the same benchmark.
        `git commit ${'f'.repeat(12)}, the journal's none (not a git checkout)`,
      ],
    );
  });

  it("records the servers' NODE_OPTIONS, trimmed; unset or blank is null", () => {
    assert.equal(captureEnvironment({ NODE_OPTIONS: ' --jitless ' }).nodeOptions, '--jitless');
    assert.equal(captureEnvironment({ NODE_OPTIONS: '  ' }).nodeOptions, null);
    assert.equal(captureEnvironment({}).nodeOptions, null);
  });

  it('NODE_OPTIONS set on one side is named; a journal from before it was recorded reads as unset', () => {
    const { nodeOptions: _, ...older } = ENVIRONMENT;
    assert.deepEqual(environmentMismatches(older, { ...ENVIRONMENT, nodeOptions: null }), []);
    assert.deepEqual(
      environmentMismatches(older, { ...ENVIRONMENT, nodeOptions: '--max-old-space-size=64' }),
      [`NODE_OPTIONS "--max-old-space-size=64", the journal's unset`],
    );
  });

  it('an option given that differs from the journal’s is named; one left out or the same is not', () => {
    const options = HEADER.options;
    assert.deepEqual(optionMismatches(options, {}), []);
    assert.deepEqual(optionMismatches(options, { runs: 2, durationSec: options.durationSec }), []);
    assert.deepEqual(optionMismatches(options, { runs: 5 }), ["runs 5, the journal's 2"]);
  });
});

describe('reportFromJournal (looplab report JOURNAL)', () => {
  it('holds the runs so far, each variant in run order, and says first that the plan is not done', () => {
    const report = reportFromJournal(parseJournal(text + run(2), 'j.ndjson'), 'j.ndjson');
    assert.equal(report.createdAt, HEADER.createdAt);
    assert.deepEqual(
      report.results.map((e) => [e.variant, e.runs.map((r) => r.run)]),
      [
        ['sync', [1, 2]],
        ['async', [1]],
      ],
    );
    assert.equal(
      report.warnings[0],
      'journal: 3 of 4 planned runs; the benchmark stopped, or is still running (finish it with looplab bench --resume j.ndjson)',
    );
    // Partial, as a stopped bench's report is; what stopped it is not known.
    assert.deepEqual(
      [report.complete, report.plannedRuns, report.stoppedBy],
      [false, 4, undefined],
    );
  });

  it('a whole journal reads as the whole report, with no such warning', () => {
    const report = reportFromJournal(parseJournal(text + run(3) + run(2), 'j.ndjson'), 'j.ndjson');
    assert.equal(
      report.results.reduce((n, e) => n + e.runs.length, 0),
      4,
    );
    assert.equal(
      report.warnings.some((w) => w.startsWith('journal:')),
      false,
    );
    assert.deepEqual([report.complete, report.plannedRuns], [true, undefined]);
  });

  it('a run that is not where the plan has it is refused', () => {
    assert.throws(
      () =>
        reportFromJournal(
          parseJournal(journalLine(HEADER) + run(0, 'async'), 'j.ndjson'),
          'j.ndjson',
        ),
      /run 0 is busy-wait async, where the plan has busy-wait sync$/,
    );
  });
});

describe('resumeFrom', () => {
  // The fixture's machine is not this one (its CPU model is made up).
  const elsewhere = () => parseJournal(text, 'j.ndjson');

  it('refuses a journal measured on another setup, naming what differs, with one line', () => {
    assert.throws(
      () => resumeFrom(elsewhere(), 'j.ndjson', {}, false),
      (err: unknown) =>
        err instanceof LooplabError &&
        err.code === ERROR_CODES.JOURNAL_MISMATCH &&
        /^j\.ndjson was measured elsewhere: .*CPU .*, the journal's .*add --force/.test(
          err.message,
        ) &&
        !err.message.includes('\n'),
    );
  });

  it('with --force, resumes the runs it has and records the mix in the warnings', () => {
    const { selection, options, resume } = resumeFrom(elsewhere(), 'j.ndjson', { runs: 2 }, true);
    assert.deepEqual(
      selection.map((s) => [s.scenario.id, s.variants, s.params]),
      [['busy-wait', ['sync', 'async'], { ms: 20 }]],
    );
    assert.equal(options.runs, 2);
    assert.deepEqual([...resume.records.keys()], [0, 1]);
    assert.equal(
      resume.warnings[0],
      'resumed from j.ndjson: 2 of 4 planned runs were measured before it stopped',
    );
    assert.match(resume.warnings[1] ?? '', /^resumed with --force on another setup: .*CPU/);
  });

  it('never forces an option given that differs: the plan is the journal’s', () => {
    assert.throws(
      () => resumeFrom(elsewhere(), 'j.ndjson', { runs: 5 }, true),
      /runs 5, the journal's 2; leave the option out$/,
    );
  });
});

describe('a journal of your own server (--cmd, --vs-cmd, --url)', () => {
  const spec: AppBenchSpec = {
    sides: [
      { name: 'app', label: '--cmd "node a.js"', command: 'node a.js', url: null },
      { name: 'b', label: '--vs-cmd "node b.js"', command: 'node b.js', url: null },
    ],
    paths: [
      {
        label: '/orders',
        request: { method: 'POST', path: '/orders', headers: { a: '1' }, body: Buffer.from('hi') },
      },
    ],
    pingPath: null,
    readyTimeoutMs: 30_000,
  };
  const app = journalApp(spec, '/srv');
  const header: JournalHeader = { ...HEADER, plan: [], app, plannedRuns: 4 };
  const appRun = (index: number) =>
    journalLine({
      index,
      scenario: index % 2 === 0 ? 'app' : 'b',
      variant: '/orders',
      record: failedRun(Math.floor(index / 2) + 1),
    });
  const appText = journalLine(header) + appRun(0) + appRun(1) + appRun(2);

  it('keeps the servers and the request, the body as base64', () => {
    assert.deepEqual(app.sides, spec.sides);
    assert.deepEqual(app.paths, [
      {
        label: '/orders',
        method: 'POST',
        path: '/orders',
        headers: { a: '1' },
        bodyBase64: 'aGk=',
      },
    ]);
    assert.equal(app.cwd, '/srv');
  });

  const resumeIn = (cwd: string, journal = appText) =>
    resumeFrom(parseJournal(journal, 'j.ndjson'), 'j.ndjson', {}, true, undefined, {}, cwd);

  it('resumes its servers, with the runs it has, from the directory they ran in', () => {
    const r = resumeIn('/srv');
    assert.deepEqual(r.selection, []);
    assert.deepEqual(r.app?.sides, spec.sides);
    assert.deepEqual(r.app?.paths[0]?.request.body, Buffer.from('hi'));
    assert.deepEqual([...r.resume.records.keys()], [0, 1, 2]);
  });

  it('refuses, never forced, server flags that differ from the journal’s', () => {
    const other = { ...spec, sides: [spec.sides[0] as AppBenchSpec['sides'][number]] };
    assert.throws(
      () => resumeFrom(parseJournal(appText, 'j.ndjson'), 'j.ndjson', {}, true, other),
      (err: unknown) =>
        err instanceof LooplabError &&
        err.code === ERROR_CODES.JOURNAL_MISMATCH &&
        /as it was: run from \/srv, not .*; the servers differ; give the same server flags, or none$/.test(
          err.message,
        ),
    );
  });

  it('refuses, never forced, to start its commands from another directory; a URL runs anywhere', () => {
    assert.throws(
      () => resumeIn('/elsewhere'),
      (err: unknown) =>
        err instanceof LooplabError &&
        err.code === ERROR_CODES.JOURNAL_MISMATCH &&
        err.message ===
          '--resume runs the benchmark of j.ndjson as it was: its commands ran from /srv, not /elsewhere: resume it from there',
    );
    const url = journalApp(
      {
        ...spec,
        sides: [{ name: 'app', label: '--url', command: null, url: 'http://127.0.0.1:1/' }],
      },
      '/srv',
    );
    const urlText = journalLine({ ...header, app: url, plannedRuns: 2 }) + appRun(0);
    assert.deepEqual([...resumeIn('/elsewhere', urlText).resume.records.keys()], [0]);
  });

  it('refuses server flags given for a journal of scenarios', () => {
    assert.throws(
      () => resumeFrom(parseJournal(text, 'j.ndjson'), 'j.ndjson', {}, true, spec),
      /--cmd or --url given, but the journal planned scenarios/,
    );
  });

  it('renders as a report: each side and path, partial while runs are missing', () => {
    const report = reportFromJournal(parseJournal(appText, 'j.ndjson'), 'j.ndjson');
    assert.deepEqual(
      report.results.map((r) => [r.scenario, r.variant, r.runs.length, r.target?.command]),
      [
        ['app', '/orders', 2, 'node a.js'],
        ['b', '/orders', 1, 'node b.js'],
      ],
    );
    assert.match(report.warnings[0] ?? '', /^journal: 3 of 4 planned runs; /);
    assert.deepEqual([report.complete, report.plannedRuns], [false, 4]);
  });
});
