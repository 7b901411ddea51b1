/** Where the `--cmd` probe socket's private folder goes: TMPDIR, unless the path would not fit. */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  MAX_SOCKET_PATH_BYTES,
  openProbeSocket,
  socketFolderBase,
} from '../../bench/run/app/probe-socket.ts';

describe('socketFolderBase', () => {
  it('keeps a TMPDIR whose socket path fits in 103 bytes, and falls back past that', () => {
    // `<tmp>/looplab-app-XXXXXX/probe.sock` adds 30 bytes to the folder.
    const fits = `/${'a'.repeat(MAX_SOCKET_PATH_BYTES - 31)}`;
    assert.equal(socketFolderBase(fits), fits);
    assert.equal(socketFolderBase(`${fits}b`), '/tmp');
    assert.equal(socketFolderBase(`${fits}b`, '/short'), '/short');
    // Bytes, not characters: each é is two.
    assert.equal(socketFolderBase(`/${'é'.repeat(40)}`), '/tmp');
  });
});

describe('openProbeSocket', { skip: process.platform === 'win32' }, () => {
  it('listens in a private folder, and removes it when closed', async () => {
    const socket = await openProbeSocket(() => {});
    const dir = socket.path.replace(/\/probe\.sock$/, '');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.ok(statSync(socket.path).isSocket());
    await socket.close();
    assert.equal(existsSync(dir), false);
  });
});
