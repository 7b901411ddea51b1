/**
 * The lessons' progress store: XDG path, atomic save, and a corrupt file backed up and reported.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  emptyProgress,
  loadProgress,
  markPassed,
  parseProgress,
  progressPath,
  resetProgress,
  saveProgress,
  updateProgress,
} from '../../lessons/engine/progress.ts';

const dir = await mkdtemp(join(tmpdir(), 'looplab-progress-'));
after(() => rm(dir, { recursive: true, force: true }));

describe('progressPath', () => {
  it('uses $XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
    assert.equal(progressPath({ XDG_CONFIG_HOME: '/x' }, '/home/a'), '/x/looplab/progress.json');
    assert.equal(progressPath({}, '/home/a'), '/home/a/.config/looplab/progress.json');
    assert.equal(
      progressPath({ XDG_CONFIG_HOME: 'rel' }, '/home/a'),
      '/home/a/.config/looplab/progress.json',
    );
  });
});

describe('parseProgress', () => {
  it('accepts what saveProgress writes, and says why anything else is not progress', () => {
    assert.deepEqual(parseProgress('{"version":1,"passed":{"a":{"at":"t"}}}'), {
      version: 1,
      passed: { a: { at: 't' } },
    });
    assert.match(parseProgress('{"version":1,"pass') as string, /^not JSON/);
    assert.equal(parseProgress('[]'), 'unknown version undefined');
    assert.equal(parseProgress('{"version":2,"passed":{}}'), 'unknown version 2');
    assert.equal(parseProgress('{"version":1,"passed":{"a":1}}'), '"passed.a" has no "at"');
  });
});

describe('markPassed and resetProgress', () => {
  it('keeps the first pass, and forgets one lesson or all', () => {
    const once = markPassed(emptyProgress(), 'a', new Date('2024-01-01T00:00:00Z'));
    const twice = markPassed(once, 'a', new Date('2025-01-01T00:00:00Z'));
    assert.equal(twice.passed.a?.at, '2024-01-01T00:00:00.000Z');
    const both = markPassed(twice, 'b', new Date('2025-01-01T00:00:00Z'));
    assert.deepEqual(Object.keys(resetProgress(both, 'a').passed), ['b']);
    assert.deepEqual(resetProgress(both), emptyProgress());
  });
});

describe('loadProgress', () => {
  it('reads back what was saved; a missing file is no progress yet', async () => {
    const path = join(dir, 'a', 'looplab', 'progress.json');
    assert.deepEqual((await loadProgress(path)).progress, emptyProgress());
    const p = markPassed(emptyProgress(), 'the-waiter', new Date('2024-01-01T00:00:00Z'));
    await saveProgress(path, p);
    assert.deepEqual(await loadProgress(path), { progress: p });
  });

  it('moves a corrupt file aside and says where, never dropping it silently', async () => {
    const path = join(dir, 'b.json');
    await writeFile(path, '{"version":1,"passed":{"the-wai');
    const loaded = await loadProgress(path, new Date('2024-05-06T07:08:09.010Z'));
    assert.deepEqual(loaded.progress, emptyProgress());
    const backup = `${path}.corrupt-2024-05-06T07-08-09-010Z`;
    assert.match(loaded.warning ?? '', /was corrupt \(not JSON/);
    assert.ok(loaded.warning?.includes(backup));
    assert.equal(await readFile(backup, 'utf8'), '{"version":1,"passed":{"the-wai');
    assert.ok(!(await readdir(dir)).includes('b.json'));
  });

  it('warns, never throws, when the file cannot be read, and marks it not to be written over', async () => {
    // A folder where the file should be: reading it fails (EISDIR), as an unreadable file would.
    const path = join(dir, 'unreadable.json');
    await mkdir(path);
    assert.deepEqual(await loadProgress(path), {
      progress: emptyProgress(),
      warning: `cannot read the progress file ${path} (EISDIR); no lesson shows as passed; check its permissions`,
      leftAsIs: true,
    });
  });

  it('warns, never throws, when a corrupt file cannot be moved aside, and leaves it', async () => {
    const path = join(dir, 'stuck.json');
    await writeFile(path, 'not json');
    const now = new Date('2024-05-06T07:08:09.010Z');
    // The backup's name is taken by a folder that is not empty: the rename fails, as it does in
    // a read-only folder.
    const backup = `${path}.corrupt-2024-05-06T07-08-09-010Z`;
    await mkdir(join(backup, 'x'), { recursive: true });
    const loaded = await loadProgress(path, now);
    assert.deepEqual(loaded.progress, emptyProgress());
    assert.equal(loaded.leftAsIs, true);
    assert.match(
      loaded.warning ?? '',
      /is corrupt \(not JSON.*\), and could not be moved aside \(E[A-Z]+\); it is left as it is/,
    );
    assert.equal(await readFile(path, 'utf8'), 'not json');
  });
});

describe('updateProgress', () => {
  const at = new Date('2024-01-01T00:00:00Z');

  it('applies a change to the file as it is when saved, not to a copy read before', async () => {
    const path = join(dir, 'race.json');
    await saveProgress(path, markPassed(markPassed(emptyProgress(), 'a', at), 'b', at));
    // A verify read the file when it started (a and b passed) ...
    const early = await loadProgress(path);
    assert.deepEqual(Object.keys(early.progress.passed), ['a', 'b']);
    // ... a reset of lesson a ran meanwhile ...
    await updateProgress(path, (p) => resetProgress(p, 'a'));
    // ... and the verify records its pass of c at the end: a stays reset.
    const done = await updateProgress(path, (p) => markPassed(p, 'c', at));
    assert.deepEqual(Object.keys(done.progress.passed), ['b', 'c']);
    assert.equal(done.saved, true);
    assert.deepEqual((await loadProgress(path)).progress, done.progress);
  });

  it('does not write over a file it could not read', async () => {
    const path = join(dir, 'unreadable-too.json');
    await mkdir(path);
    const r = await updateProgress(path, (p) => markPassed(p, 'a', at));
    assert.equal(r.saved, false);
    assert.match(r.warning ?? '', /cannot read the progress file/);
    assert.deepEqual(await readdir(path), []);
  });
});
