import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { stopTargets } from '../../bench/run/process/group-stop.ts';
import {
  environHas,
  groupExists,
  parseProcStat,
  runningProcesses,
  scanProcesses,
} from '../../bench/run/process/process-group.ts';

describe('parseProcStat', () => {
  it('reads the state and the group after the command name, whatever that name holds', () => {
    assert.deepEqual(parseProcStat('4242 (node) S 4200 4242 4242 0 -1 4194560 1 0'), {
      state: 'S',
      pgrp: 4242,
    });
    assert.deepEqual(parseProcStat('77 (my app) (x)) Z 1 70 70 0 -1'), { state: 'Z', pgrp: 70 });
  });
  it('is null for what is not a stat line', () => {
    assert.equal(parseProcStat(''), null);
    assert.equal(parseProcStat('77 (sh'), null);
    assert.equal(parseProcStat('77 (sh) S 1 x'), null);
  });
});

describe('stopTargets: the group is signalled only while it is known to be ours', () => {
  const p = (pid: number, marked: boolean, inGroup: boolean) => ({ pid, marked, inGroup });

  it('signals the group while the leader has not exited: its pid cannot have been reused', () => {
    assert.deepEqual(stopTargets(false, []), { group: true, pids: [] });
    assert.deepEqual(stopTargets(false, null), { group: true, pids: [] });
    assert.deepEqual(stopTargets(false, [p(11, false, true), p(12, true, false)]), {
      group: true,
      pids: [11, 12],
    });
  });

  it('after the leader exited, signals the group only with a marked process in it', () => {
    assert.deepEqual(
      stopTargets(true, [p(11, true, true), p(12, false, true), p(13, true, false)]),
      {
        group: true,
        pids: [11, 12, 13],
      },
    );
  });

  it('after the leader exited, leaves a group with no marked process alone: it may be recycled', () => {
    // The id reused by another's group: its members are not ours; our marked process outside is.
    assert.deepEqual(
      stopTargets(true, [p(21, false, true), p(22, false, true), p(13, true, false)]),
      {
        group: false,
        pids: [13],
      },
    );
    assert.deepEqual(stopTargets(true, [p(21, false, true)]), { group: false, pids: [] });
    assert.deepEqual(stopTargets(true, []), { group: false, pids: [] });
  });

  it('without /proc, signals nothing once the leader has exited', () => {
    assert.deepEqual(stopTargets(true, null), { group: false, pids: [] });
  });
});

describe('environHas', () => {
  const environ = Buffer.from('A=1\0MARK={"socket":"/tmp/x"}\0B=MARK=2\0');
  const has = (entry: string, env = environ) => environHas(env, Buffer.from(entry));
  it('finds a whole entry, first, in the middle or last', () => {
    assert.equal(has('A=1'), true);
    assert.equal(has('MARK={"socket":"/tmp/x"}'), true);
    assert.equal(has('B=MARK=2'), true);
    assert.equal(has('C=3', Buffer.from('A=1\0C=3')), true, 'without a final NUL');
  });
  it('does not take a part of an entry for one', () => {
    assert.equal(has('MARK={"socket":"/tmp/'), false, 'a longer value');
    assert.equal(has('MARK=2'), false, 'the text inside another entry');
    assert.equal(has('=1'), false);
    assert.equal(has('A=1', Buffer.alloc(0)), false);
  });
});

/**
 * A node process in a group of its own that starts a child in a session of its own, which exits
 * at once, and blocks its own loop for `holdMs` without spending CPU: until then nothing reaps the
 * child, and its group holds nothing but a zombie. Then the loop runs, reaps it, and exits.
 */
const HOLDER = `
const child = require('node:child_process').spawn('sh', ['-c', 'exit 0'], { detached: true });
process.stdout.write(child.pid + '\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[1]));
`;

describe('runningProcesses', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
  it('finds the group and the marked processes that run, and leaves zombies out', async () => {
    const mark = `LOOPLAB_TEST_MARK=${randomUUID()}`;
    // It holds far longer than the test takes, even on a loaded machine, and is killed at the end.
    const holder = spawn(process.execPath, ['-e', HOLDER, '30000'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, LOOPLAB_TEST_MARK: mark.slice(mark.indexOf('=') + 1) },
    });
    const exited = once(holder, 'exit');
    try {
      const [line] = (await once(holder.stdout, 'data')) as [Buffer];
      const zombie = Number(line.toString().trim());
      const holderPid = holder.pid as number;
      const until = Date.now() + 900;
      // Until the child has exited.
      const isZombie = () => groupExists(zombie) && runningProcesses(zombie, 'X=')?.length === 0;
      while (!isZombie() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.equal(groupExists(zombie), true, 'kill(-pgid, 0) still finds the zombie');
      assert.deepEqual(runningProcesses(zombie, 'X='), [], 'and /proc tells it runs nothing');
      assert.deepEqual(runningProcesses(holderPid, 'X='), [holderPid], 'a group that runs');
      // By its mark, from no group of theirs: the zombie inherited the mark, but runs nothing.
      assert.deepEqual(runningProcesses(-1, mark), [holderPid]);
      assert.deepEqual(runningProcesses(-1, `${mark}0`), []);
      // What ties each to the stop: by its mark, in its group, or both.
      assert.deepEqual(scanProcesses(holderPid, mark), [
        { pid: holderPid, marked: true, inGroup: true },
      ]);
      assert.deepEqual(scanProcesses(holderPid, 'X='), [
        { pid: holderPid, marked: false, inGroup: true },
      ]);
      assert.deepEqual(scanProcesses(-1, mark), [{ pid: holderPid, marked: true, inGroup: false }]);
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
  });
});
