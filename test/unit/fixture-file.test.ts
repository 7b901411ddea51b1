import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deterministicBytes, ensureFixtureFile } from '../../scenarios/catalog/lib/fixture-file.ts';

describe('ensureFixtureFile: the scenarios’ data file, in a folder of the user’s own', () => {
  let root = '';
  const saved = process.env.TMPDIR;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'looplab-fixture-'));
  });
  after(async () => {
    process.env.TMPDIR = saved;
    if (saved === undefined) delete process.env.TMPDIR;
    await rm(root, { recursive: true, force: true });
  });

  it('writes the bytes once into looplab-<uid>, a 0700 folder', async () => {
    process.env.TMPDIR = await mkdtemp(join(root, 'plain-'));
    const path = await ensureFixtureFile(1000);
    const uid = process.getuid?.();
    assert.equal(
      dirname(path),
      join(process.env.TMPDIR, uid === undefined ? 'looplab' : `looplab-${uid}`),
    );
    assert.equal((await stat(dirname(path))).mode & 0o777, 0o700);
    assert.deepEqual(await readFile(path), deterministicBytes(1000));
    assert.equal(await ensureFixtureFile(1000), path);
    assert.deepEqual(await readdir(dirname(path)), ['file-1000.bin']);
  });

  it('does not use a folder of that name that is a link or open to others', async (t) => {
    const uid = process.getuid?.();
    if (uid === undefined) {
      t.skip('no user ids on this platform');
      return;
    }
    for (const plant of ['link', 'open']) {
      process.env.TMPDIR = await mkdtemp(join(root, `${plant}-`));
      const elsewhere = join(process.env.TMPDIR, 'elsewhere');
      await mkdir(elsewhere, { mode: 0o777 });
      const name = join(process.env.TMPDIR, `looplab-${uid}`);
      if (plant === 'link') await symlink(elsewhere, name);
      else {
        await mkdir(name);
        await chmod(name, 0o777);
      }
      const path = await ensureFixtureFile(64);
      assert.ok(!path.startsWith(`${name}/`), path);
      assert.deepEqual(await readdir(elsewhere), []);
      assert.deepEqual(await readFile(path), deterministicBytes(64));
    }
  });
});
