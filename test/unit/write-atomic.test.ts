import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import {
  chmod,
  lchown,
  lstat,
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
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LooplabError } from '../../core/errors.ts';
import { appendFileSafely, assertWritable, writeFileAtomic } from '../../core/write-atomic.ts';

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

  it('refuses a directory in the way, and leaves no temporary file', async () => {
    const sub = await mkdtemp(join(dir, 'rename-'));
    const target = join(sub, 'report.json');
    await writeFile(join(sub, 'keep.json'), 'earlier report');
    // A non-empty directory in the way: found by lstat before any temporary file is made.
    await mkdir(join(target, 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, 'new'), (err: unknown) => {
      assert.ok(err instanceof LooplabError, `expected a LooplabError, got ${String(err)}`);
      assert.equal(err.code, 'LOOPLAB_ERR_WRITE_FAILED');
      assert.match(
        err.message,
        /^cannot write .*report\.json \(it is a directory\); check the path/,
      );
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

  it('refuses a FIFO nobody reads, up front and at the write, without blocking in open(2)', async () => {
    const sub = await mkdtemp(join(dir, 'unread-'));
    const fifo = join(sub, 'out');
    execFileSync('mkfifo', [fifo]);
    const message = `cannot write ${fifo} (no process reads this FIFO, ENXIO); start its reader first, or write to a file`;
    await assert.rejects(assertWritable(fifo), { message });
    // In a child, killed if it blocks: a blocked open holds a thread-pool thread that even
    // process.exit waits for, and would hang this suite.
    const module = new URL('../../core/write-atomic.js', import.meta.url).href;
    const script = `const { writeFileAtomic } = await import(${JSON.stringify(module)});
await writeFileAtomic(process.argv[1], 'x').then(() => console.log('written'), (e) => console.log(e.message));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, fifo], {
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    assert.equal(out, `${message}\n`);
    assert.ok((await stat(fifo)).isFIFO());
  });

  it('holds a FIFO it checked open until the write: a reader waiting meanwhile sees no end', async () => {
    const sub = await mkdtemp(join(dir, 'held-'));
    const fifo = join(sub, 'out');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await assertWritable(fifo);
      // EAGAIN: a writer has it open and wrote nothing yet. 0 bytes would be the end of the
      // output, which `cat out &` takes to mean there is nothing to wait for.
      assert.throws(() => readSync(reader, Buffer.alloc(8)), { code: 'EAGAIN' });
      await writeFileAtomic(fifo, 'report');
      const buffer = Buffer.alloc(64);
      assert.equal(buffer.subarray(0, readSync(reader, buffer)).toString(), 'report');
      assert.equal(readSync(reader, buffer), 0, 'closed after the write: the end of the output');
    } finally {
      closeSync(reader);
    }
  });

  it('writes more than a pipe holds through a reader that reads late (EAGAIN is waited out)', async () => {
    const sub = await mkdtemp(join(dir, 'full-'));
    const fifo = join(sub, 'out');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const content = Buffer.alloc(1 << 20, 'abc');
    try {
      const written = writeFileAtomic(fifo, content);
      // Linux's pipe holds 64 KiB: the writer fills it and waits until this starts reading.
      await new Promise((r) => setTimeout(r, 100));
      const chunks: Buffer[] = [];
      for (let ended = false; !ended; ) {
        const buffer = Buffer.alloc(1 << 16);
        try {
          const n = readSync(reader, buffer);
          if (n === 0) ended = true;
          else chunks.push(buffer.subarray(0, n));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      await written;
      assert.ok(Buffer.concat(chunks).equals(content), 'every byte, in order');
    } finally {
      closeSync(reader);
    }
  });

  it('keeps the mode of the file it replaces: a 600 report stays 600', async () => {
    const sub = await mkdtemp(join(dir, 'mode-'));
    const path = join(sub, 'report.json');
    await writeFile(path, 'old');
    await chmod(path, 0o600);
    await writeFileAtomic(path, 'new');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    await chmod(path, 0o640);
    await writeFileAtomic(path, 'newer');
    assert.equal((await stat(path)).mode & 0o777, 0o640);
    assert.equal(await readFile(path, 'utf8'), 'newer');
  });

  it('gives a new file the mode the umask allows, not the 0600 of its temporary file', async () => {
    const sub = await mkdtemp(join(dir, 'umask-'));
    const path = join(sub, 'report.json');
    await writeFileAtomic(path, 'x');
    assert.equal((await stat(path)).mode & 0o777, 0o666 & ~process.umask());
  });

  it('never follows a link planted under the probe or temp names it used to use', async () => {
    const sub = await mkdtemp(join(dir, 'planted-'));
    const victim = join(sub, 'victim.txt');
    await writeFile(victim, 'precious');
    // The old names were `.<name>.<pid>.probe` and `.<name>.<pid>.<8 hex>.tmp`: guessable.
    for (const suffix of ['probe', 'tmp'])
      await symlink(victim, join(sub, `.report.json.${process.pid}.${suffix}`));
    await assertWritable(join(sub, 'report.json'));
    await writeFileAtomic(join(sub, 'report.json'), 'new');
    assert.equal(await readFile(victim, 'utf8'), 'precious');
    assert.equal(await readFile(join(sub, 'report.json'), 'utf8'), 'new');
    assert.equal((await readdir(sub)).length, 4, 'the report, the victim and the two links');
  });

  it('follows a link of your own, replacing the file it points to and keeping the link', async () => {
    const sub = await mkdtemp(join(dir, 'own-link-'));
    const real = join(sub, 'real.json');
    await writeFile(real, 'old');
    await symlink(real, join(sub, 'link.json'));
    await writeFileAtomic(join(sub, 'link.json'), 'new');
    assert.ok((await lstat(join(sub, 'link.json'))).isSymbolicLink());
    assert.equal(await readFile(real, 'utf8'), 'new');
  });

  it('refuses a link owned by another user, as one planted in a shared folder, and writes nothing', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root to give a link another owner');
      return;
    }
    const sub = await mkdtemp(join(dir, 'foreign-link-'));
    const victim = join(sub, 'victim.txt');
    await writeFile(victim, 'precious');
    const link = join(sub, 'report.json');
    await symlink(victim, link);
    await lchown(link, 12345, 12345);
    const refused = (err: unknown) => {
      assert.ok(err instanceof LooplabError);
      assert.equal(err.code, 'LOOPLAB_ERR_WRITE_FAILED');
      assert.equal(
        err.message,
        `cannot write ${link} (${link} is a symbolic link owned by user 12345, not by you; it is not followed); check the path and its permissions`,
      );
      return true;
    };
    await assert.rejects(assertWritable(link), refused);
    await assert.rejects(writeFileAtomic(link, 'new'), refused);
    assert.equal(await readFile(victim, 'utf8'), 'precious');
    assert.deepEqual((await readdir(sub)).sort(), ['report.json', 'victim.txt']);
  });

  it('writes through a link to a pipe in place (recognised with lstat), as /dev/stdout', async () => {
    const sub = await mkdtemp(join(dir, 'link-fifo-'));
    const fifo = join(sub, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await symlink(fifo, join(sub, 'out.json'));
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await writeFileAtomic(join(sub, 'out.json'), 'through');
      assert.ok((await lstat(join(sub, 'out.json'))).isSymbolicLink(), 'the link is kept');
      const buffer = Buffer.alloc(64);
      assert.equal(buffer.subarray(0, readSync(reader, buffer)).toString(), 'through');
    } finally {
      closeSync(reader);
    }
  });

  it('asks the kernel whether a device or pipe may be written, not its mode bits', async (t) => {
    const uid = process.getuid?.();
    if (uid === undefined) {
      t.skip('no user ids on this platform');
      return;
    }
    const sub = await mkdtemp(join(dir, 'access-'));
    // Read-only for all: the mode bits say no. Owner-only (0600, ours): they say someone may
    // write, which the old check took for yes whoever asked.
    const readOnly = join(sub, 'read-only');
    const ownerOnly = join(sub, 'owner-only');
    execFileSync('mkfifo', ['-m', '0444', readOnly]);
    execFileSync('mkfifo', ['-m', '0600', ownerOnly]);
    const refused = (p: string) => `cannot write ${p} (EACCES); check the path and its permissions`;
    // Read ends, so that a pipe found writable also finds a reader (one without is refused).
    const readers = [readOnly, ownerOnly].map((p) =>
      openSync(p, constants.O_RDONLY | constants.O_NONBLOCK),
    );
    t.after(() => {
      for (const fd of readers) closeSync(fd);
    });
    if (uid !== 0) {
      // Our own 0600 pipe we may write; the 0444 one not even we.
      await assertWritable(ownerOnly);
      await assert.rejects(assertWritable(readOnly), { message: refused(readOnly) });
      return;
    }
    // Root may write both (as the open would): the old check refused it the 0444 one.
    await assertWritable(readOnly);
    await assertWritable(ownerOnly);
    // Root ignores modes: the check runs as nobody (uid 65534), for whom both are refused.
    await chmod(dir, 0o755);
    await chmod(sub, 0o755);
    const module = new URL('../../core/write-atomic.js', import.meta.url).href;
    const script = `const { assertWritable } = await import(${JSON.stringify(module)});
for (const p of process.argv.slice(1))
  await assertWritable(p).then(() => console.log('ok'), (e) => console.log(e.message));`;
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', script, readOnly, ownerOnly],
      { uid: 65534, gid: 65534, encoding: 'utf8' },
    );
    assert.equal(out, `${refused(readOnly)}\n${refused(ownerOnly)}\n`);
  });

  it('refuses a directory with one line', async () => {
    const sub = await mkdtemp(join(dir, 'dir-'));
    await assert.rejects(writeFileAtomic(sub, 'x'), {
      message: `cannot write ${sub} (it is a directory); check the path and its permissions`,
    });
  });

  it('appends (the step summary): creates the file, keeps what was there, refuses a foreign link', async () => {
    const sub = await mkdtemp(join(dir, 'append-'));
    const summary = join(sub, 'summary.md');
    await appendFileSafely(summary, '# one\n');
    await appendFileSafely(summary, '# two\n');
    assert.equal(await readFile(summary, 'utf8'), '# one\n# two\n');
    if (process.getuid?.() !== 0) return;
    const victim = join(sub, 'victim.txt');
    await writeFile(victim, 'precious');
    await symlink(victim, join(sub, 'planted.md'));
    await lchown(join(sub, 'planted.md'), 12345, 12345);
    await assert.rejects(appendFileSafely(join(sub, 'planted.md'), 'x'), {
      code: 'LOOPLAB_ERR_WRITE_FAILED',
    });
    assert.equal(await readFile(victim, 'utf8'), 'precious');
  });
});
