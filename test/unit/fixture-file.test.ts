import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
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

  it('removes the folder it made instead when the process exits, and nothing else', async (t) => {
    const uid = process.getuid?.();
    if (uid === undefined) {
      t.skip('no user ids on this platform');
      return;
    }
    const tmp = await mkdtemp(join(root, 'exit-'));
    const squatted = join(tmp, `looplab-${uid}`);
    await mkdir(squatted);
    await chmod(squatted, 0o777);
    await writeFile(join(squatted, 'theirs.txt'), 'kept');
    const module = new URL('../../scenarios/catalog/lib/fixture-file.js', import.meta.url).href;
    // Twice in one process, the way it ends: on its own, and by process.exit as a server stops.
    for (const end of ['', 'process.exit(0);']) {
      const script = `const { ensureFixtureFile } = await import(${JSON.stringify(module)});
const { readdirSync } = await import('node:fs');
const paths = [await ensureFixtureFile(64), await ensureFixtureFile(128)];
console.log(JSON.stringify([...paths, readdirSync(process.env.TMPDIR).length]));
${end}`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, TMPDIR: tmp },
        encoding: 'utf8',
      });
      const [a, b, whileRunning] = JSON.parse(out) as [string, string, number];
      assert.equal(dirname(a), dirname(b), 'one folder for the process');
      assert.ok(dirname(a).startsWith(join(tmp, 'looplab-')) && dirname(a) !== squatted, a);
      assert.equal(whileRunning, 2, 'the held name and the folder made instead');
      assert.deepEqual(await readdir(tmp), [`looplab-${uid}`], end || 'on its own');
      assert.deepEqual(await readdir(squatted), ['theirs.txt']);
    }
  });
});
