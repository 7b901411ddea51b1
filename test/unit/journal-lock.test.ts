/**
 * The journal's lock: one looplab at a time writes a journal; a lock left by a writer that died
 * is taken over; a lock that cannot be made is not taken, and nothing is refused for it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isLooplabError } from '../../core/errors.ts';
import { lockJournal, lockPathOf } from '../../scripts/shared/journal-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-journal-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The PID of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('the journal lock', () => {
  it('is a file naming this process while held, gone once let go', () => {
    const journal = join(dir, 'held.ndjson');
    const unlock = lockJournal(journal);
    assert.equal(readFileSync(lockPathOf(journal), 'utf8'), `${process.pid}\n`);
    unlock();
    assert.equal(existsSync(lockPathOf(journal)), false);
    unlock(); // Twice is harmless.
    // Nothing else is left beside the journal: the lock was written aside first.
    assert.deepEqual(readdirSync(dir), []);
  });

  it('refuses while a running process holds it (JOURNAL_BUSY), naming it', () => {
    const journal = join(dir, 'busy.ndjson');
    // The test runner that started this process runs as long as it does.
    writeFileSync(lockPathOf(journal), `${process.ppid}\n`);
    assert.throws(
      () => lockJournal(journal),
      (error) =>
        isLooplabError(error) &&
        error.code === 'LOOPLAB_ERR_JOURNAL_BUSY' &&
        error.message.includes(`pid ${process.ppid}`) &&
        error.message.includes(`remove ${lockPathOf(journal)}`),
    );
    assert.equal(readFileSync(lockPathOf(journal), 'utf8'), `${process.ppid}\n`, 'left as it was');
  });

  it('takes over a lock left by a process that died, or one naming none; lets go only of its own', () => {
    for (const left of [`${deadPid()}\n`, '', 'not a pid\n']) {
      const journal = join(dir, 'stale.ndjson');
      writeFileSync(lockPathOf(journal), left);
      const unlock = lockJournal(journal);
      assert.equal(readFileSync(lockPathOf(journal), 'utf8'), `${process.pid}\n`, `over ${left}`);
      // Another looplab took it over meanwhile (this one was presumed dead): it stays theirs.
      writeFileSync(lockPathOf(journal), `${process.ppid}\n`);
      unlock();
      assert.equal(readFileSync(lockPathOf(journal), 'utf8'), `${process.ppid}\n`);
      rmSync(lockPathOf(journal));
    }
  });

  it('is taken over by one looplab alone when several find it stale at once', async () => {
    const lockModule = fileURLToPath(
      new URL('../../scripts/shared/journal-lock.js', import.meta.url),
    );
    // Each waits for the same moment, tries to take the lock, says whether it did, and holds it
    // until every one has tried (its stdin closes): a slow start cannot find it let go.
    const child = `const { lockJournal } = await import(${JSON.stringify(lockModule)});
      const [path, at] = process.argv.slice(-2);
      while (Date.now() < Number(at)) {}
      try { lockJournal(path); process.stdout.write('held'); } catch { process.stdout.write('busy'); }
      process.stdin.resume();
      process.stdin.on('end', () => process.exit(0));`;
    const round = async (journal: string): Promise<string[]> => {
      const at = Date.now() + 600;
      const children = [1, 2, 3, 4].map(() =>
        spawn(process.execPath, ['--input-type=module', '-e', child, journal, String(at)], {
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      );
      const said = await Promise.all(
        children.map(
          (p) =>
            new Promise<string>((resolve) => {
              p.stdout.once('data', (d: Buffer) => resolve(d.toString()));
              p.once('close', () => resolve('exited'));
            }),
        ),
      );
      await Promise.all(
        children.map((p) => {
          const closed = new Promise((resolve) => p.once('close', resolve));
          p.stdin.end();
          return closed;
        }),
      );
      return said;
    };
    const stale = `${deadPid()}\n`;
    for (let n = 0; n < 4; n++) {
      const journal = join(dir, `raced-${n}.ndjson`);
      writeFileSync(lockPathOf(journal), stale);
      const said = await round(journal);
      assert.equal(said.filter((s) => s === 'held').length, 1, `round ${n}: ${said.join(' ')}`);
      assert.equal(said.filter((s) => s === 'busy').length, 3, `round ${n}: ${said.join(' ')}`);
    }
    // Nothing is left beside the journals: the stale locks taken aside are gone.
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('raced-')),
      [],
    );
  });

  it('where no lock can be made (a missing folder), none is taken and nothing is refused', () => {
    const journal = join(dir, 'missing', 'j.ndjson');
    const unlock = lockJournal(journal);
    assert.equal(existsSync(lockPathOf(journal)), false);
    unlock();
  });

  it('nor in a read-only folder', {
    skip: process.getuid?.() === 0 && 'root writes into a read-only folder',
  }, () => {
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    try {
      const unlock = lockJournal(join(readOnly, 'j.ndjson'));
      assert.equal(existsSync(lockPathOf(join(readOnly, 'j.ndjson'))), false);
      unlock();
    } finally {
      chmodSync(readOnly, 0o755);
    }
  });
});
