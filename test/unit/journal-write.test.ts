/**
 * The journal's writer (journalHooks): whole lines, never through a link planted at its path, and
 * a journal that cannot be written is given up with one warning, the benchmark going on.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseJournal } from '../../bench/report/journal.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import type { RunLabel } from '../../bench/run/plan.ts';
import { isLooplabError } from '../../core/errors.ts';
import { getScenario } from '../../scenarios/registry.ts';
import { journalHooks, resumeFrom } from '../../scripts/shared/journal.ts';
import { ENVIRONMENT, failedRun } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-journal-write-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const scenario = getScenario('busy-wait');
const job = { scenario, variant: 'sync' } as unknown as RunLabel;
const planned = {
  createdAt: '2026-12-06T00:00:00.000Z',
  environment: ENVIRONMENT,
  jobs: [job, job],
  ceilings: [],
};

function journalAt(path: string) {
  const warnings: string[] = [];
  const hooks = journalHooks(
    path,
    { selection: [{ scenario, variants: ['sync'], params: {} }] },
    DEFAULT_OPTIONS,
    (line) => warnings.push(line),
  );
  return { hooks, warnings };
}

describe('the journal writer', () => {
  it('writes the header, then each run, as whole lines a reader parses', () => {
    const path = join(dir, 'plain.ndjson');
    const { hooks, warnings } = journalAt(path);
    hooks.onPlanned(planned);
    hooks.onRecord(job, failedRun(1), 0);
    hooks.onRecord(job, failedRun(2), 1);
    const journal = parseJournal(readFileSync(path, 'utf8'), path);
    assert.deepEqual(
      journal.runs.map((r) => r.index),
      [0, 1],
    );
    assert.deepEqual(warnings, []);
  });

  it('the runs it wrote wait in it for the report, read back as they were, even once the file is gone', () => {
    const path = join(dir, 'store.ndjson');
    const { hooks } = journalAt(path);
    hooks.onPlanned(planned);
    const [first, second] = [failedRun(1), failedRun(2)];
    hooks.onRecord(job, first, 0);
    hooks.store.add('k', 0, first);
    hooks.onRecord(job, second, 1);
    hooks.store.add('k', 1, second);
    // Read back through the descriptor the journal was written with.
    rmSync(path);
    assert.deepEqual(hooks.store.read(), new Map([['k', [first, second]]]));
  });

  it('resuming, the runs appended after the ones before are read back from where they were appended', () => {
    const path = join(dir, 'resumed.ndjson');
    const before = journalAt(path).hooks;
    before.onPlanned(planned);
    before.onRecord(job, failedRun(1), 0);
    // A resume opens the journal afresh and appends: no header is written this time.
    const { hooks } = journalAt(path);
    const after = failedRun(2);
    hooks.onRecord(job, after, 1);
    hooks.store.add('k', 1, after);
    assert.deepEqual(hooks.store.read(), new Map([['k', [after]]]));
    assert.deepEqual(
      parseJournal(readFileSync(path, 'utf8'), path).runs.map((r) => r.index),
      [0, 1],
    );
  });

  it('a journal rewritten under it is told in one line (BAD_JOURNAL), not read as other runs', () => {
    const path = join(dir, 'rewritten.ndjson');
    const { hooks } = journalAt(path);
    hooks.onPlanned(planned);
    const run = failedRun(1);
    hooks.onRecord(job, run, 0);
    hooks.store.add('k', 0, run);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"index":0', '"index":7'));
    assert.throws(
      () => hooks.store.read(),
      (error) =>
        isLooplabError(error) &&
        error.code === 'LOOPLAB_ERR_BAD_JOURNAL' &&
        /was changed while looplab wrote it \(run 0 is not where it was written\)/.test(
          error.message,
        ),
    );
  });

  it('a run the journal could not write stays in memory for the report', () => {
    const { hooks, warnings } = journalAt(join(dir, 'missing-folder', 'j.ndjson'));
    hooks.onPlanned(planned);
    const run = failedRun(1);
    hooks.onRecord(job, run, 0);
    hooks.store.add('k', 0, run);
    assert.equal(warnings.length, 1);
    assert.deepEqual(hooks.store.read(), new Map([['k', [run]]]));
  });

  it('keeps where --cpu-prof wrote the profiles, as an absolute path, so a resume profiles too', () => {
    const path = join(dir, 'profiled.ndjson');
    const hooks = journalHooks(
      path,
      { selection: [{ scenario, variants: ['sync'], params: {} }], cpuProfDir: 'prof' },
      DEFAULT_OPTIONS,
    );
    // The plan's three runs (DEFAULT_OPTIONS), as the resume makes them again.
    hooks.onPlanned({ ...planned, jobs: [job, job, job] });
    const journal = parseJournal(readFileSync(path, 'utf8'), path);
    assert.equal(journal.header.cpuProfDir, resolve('prof'));
    assert.equal(
      resumeFrom(journal, path, {}, true).cpuProfDir,
      resolve('prof'),
      'the resume profiles into it',
    );
    const plain = join(dir, 'unprofiled.ndjson');
    journalAt(plain).hooks.onPlanned(planned);
    assert.equal(parseJournal(readFileSync(plain, 'utf8'), plain).header.cpuProfDir, undefined);
  });

  it('never writes through a link planted at its path: it warns once and goes on', () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const path = join(dir, 'linked.ndjson');
    symlinkSync(victim, path);
    const { hooks, warnings } = journalAt(path);
    hooks.onPlanned(planned);
    hooks.onRecord(job, failedRun(1), 0);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /cannot be written \(ELOOP\): the benchmark goes on without it/,
    );
  });

  it('a full disk: one warning, no throw, and the benchmark goes on', {
    skip: !existsSync('/dev/full') && 'no /dev/full here',
  }, () => {
    const { hooks, warnings } = journalAt('/dev/full');
    hooks.onPlanned(planned);
    assert.doesNotThrow(() => hooks.onRecord(job, failedRun(1), 0));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /cannot be written \(ENOSPC\)/);
  });

  it('a folder removed after it opened: its descriptor is kept, so nothing throws', () => {
    const sub = mkdtempSync(join(dir, 'gone-'));
    const { hooks, warnings } = journalAt(join(sub, 'j.ndjson'));
    hooks.onPlanned(planned);
    rmSync(sub, { recursive: true });
    assert.doesNotThrow(() => hooks.onRecord(job, failedRun(1), 0));
    assert.deepEqual(warnings, []);
  });
});
