/**
 * A progress file that cannot be read, or a corrupt one that cannot be moved aside, through the
 * real CLI: the lesson commands warn and go on, and never write over it. Behaviour only: the
 * checking lane.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-progress-file-'));
after(() => {
  // Writable again, so that it can be removed.
  if (existsSync(join(dir, 'ro', 'looplab'))) chmodSync(join(dir, 'ro', 'looplab'), 0o700);
  rmSync(dir, { recursive: true, force: true });
});

describe('a progress file that cannot be read', () => {
  // A folder where the file should be: every read fails (EISDIR), as root's would on a file it
  // cannot read (root reads any file).
  const config = join(dir, 'unreadable');
  mkdirSync(join(config, 'looplab', 'progress.json'), { recursive: true });

  it('lessons: a warning, the list, exit 0', async () => {
    const r = await cli(['lessons'], { XDG_CONFIG_HOME: config });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^looplab: warning: cannot read the progress file .*progress\.json \(EISDIR\); no lesson shows as passed/,
    );
    assert.match(r.stdout, /the-waiter/);
  });

  it('reset: a warning, and nothing written over it', async () => {
    const r = await cli(['reset'], { XDG_CONFIG_HOME: config });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: cannot read the progress file/);
    assert.doesNotMatch(r.stderr, /unfinished again/);
  });
});

describe('a corrupt progress file in a read-only folder', () => {
  it('lessons: a warning that it was left as it is, exit 0', {
    skip: process.getuid?.() === 0 && 'root writes into a read-only folder',
  }, async () => {
    const folder = join(dir, 'ro', 'looplab');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'progress.json'), 'not json');
    chmodSync(folder, 0o500);
    const r = await cli(['lessons'], { XDG_CONFIG_HOME: join(dir, 'ro') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /is corrupt \(not JSON.*could not be moved aside \(EACCES\)/);
    assert.equal(readFileSync(join(folder, 'progress.json'), 'utf8'), 'not json');
  });
});
