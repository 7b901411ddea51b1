import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LooplabError } from '../../core/errors.ts';
import { assertWritable, writeFileAtomic } from '../../core/write-atomic.ts';

describe('writeFileAtomic', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'looplab-write-atomic-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the content and leaves no temporary file', async () => {
    const sub = await mkdtemp(join(dir, 'write-'));
    const path = join(sub, 'report.json');
    await writeFileAtomic(path, '{"a":1}\n');
    assert.equal(await readFile(path, 'utf8'), '{"a":1}\n');
    assert.deepEqual(await readdir(sub), ['report.json']);
  });

  it('replaces earlier content', async () => {
    const sub = await mkdtemp(join(dir, 'replace-'));
    const path = join(sub, 'report.json');
    await writeFile(path, 'old content that is longer than the new');
    await writeFileAtomic(path, 'new');
    assert.equal(await readFile(path, 'utf8'), 'new');
    assert.deepEqual(await readdir(sub), ['report.json']);
  });

  it('creates missing directories', async () => {
    const path = join(dir, 'a', 'b', 'report.json');
    await writeFileAtomic(path, 'x');
    assert.equal(await readFile(path, 'utf8'), 'x');
  });

  it('fails under a regular file, leaving that file intact', async () => {
    const sub = await mkdtemp(join(dir, 'notdir-'));
    const file = join(sub, 'report.json');
    await writeFile(file, 'earlier report');
    await assert.rejects(writeFileAtomic(join(file, 'nested.json'), 'new'));
    assert.equal(await readFile(file, 'utf8'), 'earlier report');
    assert.deepEqual(await readdir(sub), ['report.json']);
  });

  it('throws LOOPLAB_ERR_WRITE_FAILED under a regular file', async () => {
    const sub = await mkdtemp(join(dir, 'notdir-code-'));
    const file = join(sub, 'report.json');
    await writeFile(file, 'earlier report');
    const target = join(file, 'nested.json');
    await assert.rejects(writeFileAtomic(target, 'new'), (err: unknown) => {
      assert.ok(err instanceof LooplabError, `expected a LooplabError, got ${String(err)}`);
      assert.equal(err.code, 'LOOPLAB_ERR_WRITE_FAILED');
      // mkdir reports EEXIST or ENOTDIR here depending on the Node version.
      assert.ok(
        [`(ENOTDIR)`, `(EEXIST)`].some(
          (code) =>
            err.message === `cannot write ${target} ${code}; check the path and its permissions`,
        ),
        err.message,
      );
      assert.ok(err.cause instanceof Error);
      return true;
    });
  });

  it('removes its temporary file when the rename fails', async () => {
    const sub = await mkdtemp(join(dir, 'rename-'));
    const target = join(sub, 'report.json');
    await writeFile(join(sub, 'keep.json'), 'earlier report');
    // A non-empty directory in the way: the temp file is written, then the rename fails.
    await mkdir(join(target, 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, 'new'), (err: unknown) => {
      assert.ok(err instanceof LooplabError, `expected a LooplabError, got ${String(err)}`);
      assert.equal(err.code, 'LOOPLAB_ERR_WRITE_FAILED');
      assert.match(err.message, /^cannot write .*report\.json \(E[A-Z]+\); check the path/);
      return true;
    });
    assert.deepEqual((await readdir(sub)).sort(), ['keep.json', 'report.json']);
    assert.deepEqual(await readdir(target), ['inside']);
    assert.equal(await readFile(join(sub, 'keep.json'), 'utf8'), 'earlier report');
  });

  it('writes into a pipe in place, and leaves it a pipe (as /dev/null must stay a device)', async () => {
    const sub = await mkdtemp(join(dir, 'fifo-'));
    const fifo = join(sub, 'out');
    execFileSync('mkfifo', [fifo]);
    // Its read end, opened without blocking, so that the write's open finds a reader, and so that
    // nothing hangs if the pipe were replaced.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await assertWritable(fifo);
      await writeFileAtomic(fifo, '{"a":1}\n');
      assert.ok((await stat(fifo)).isFIFO(), 'still a FIFO, not a regular file renamed onto it');
      const buffer = Buffer.alloc(64);
      const n = readSync(reader, buffer);
      assert.equal(buffer.subarray(0, n).toString(), '{"a":1}\n');
    } finally {
      closeSync(reader);
    }
    assert.deepEqual(await readdir(sub), ['out']);
  });
});
