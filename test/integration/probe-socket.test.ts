/**
 * The probe socket of `bench --cmd`, through the real CLI: an app that writes garbage to it has
 * that connection dropped with a warning, and the run goes on; a TMPDIR too long for a socket's
 * path gives way to a short private folder, instead of a socket cut short outside it. Each test
 * runs under a TMPDIR of its own, which must be empty afterwards. Behaviour only: the checking
 * lane.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { APPS, bench, entryOf, runOf, SHORT } from './own-server-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-probe-socket-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('an app that writes garbage to the probe socket', () => {
  it('has that connection dropped with a warning; the run completes, nothing is left', async () => {
    const tmp = join(dir, 'tmp-garbage');
    mkdirSync(tmp);
    // The socket's path is in the app's environment: it connects on its own and writes a line
    // that is not JSON, then serves as any app does.
    const app = join(dir, 'garbage-app.cjs');
    writeFileSync(
      app,
      `const net = require('node:net');
const http = require('node:http');
const { socket } = JSON.parse(process.env.LOOPLAB_PRELOAD);
const rogue = net.connect(socket, () => rogue.write('not json\\n'));
rogue.on('error', () => {});
http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
`,
    );
    const r = await bench(['--cmd', `node ${app}`, ...SHORT], { TMPDIR: tmp });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /looplab: warning: a connection to the probe socket of --cmd "node .*garbage-app\.cjs" sent a line that is not JSON: "not json"; it was dropped/,
    );
    assert.doesNotMatch(r.stderr, /SyntaxError|^\s+at /m);
    const run = runOf(entryOf(r.report, '/'));
    assert.notEqual(run.lagSamples, null, 'the probe still answered');
    assert.deepEqual(readdirSync(tmp), []);
  });
});

describe('a TMPDIR too long for a socket path', () => {
  it('puts the socket in a short private folder; the run completes, nothing is left', async () => {
    // 120 bytes and more: past the 108 a Linux socket path holds. A path cut short would put
    // the socket in `dir`, beside this folder.
    const tmp = join(dir, 'x'.repeat(120));
    mkdirSync(tmp);
    const r = await bench(
      ['--cmd', `node ${join(APPS, 'http-app.cjs')}`, '--path', '/timer', ...SHORT],
      {
        TMPDIR: tmp,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const run = runOf(entryOf(r.report, '/timer'));
    assert.notEqual(run.lagSamples, null, 'the probe answered over the socket');
    assert.deepEqual(readdirSync(tmp), []);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('x')),
      ['x'.repeat(120)],
      'no socket cut short beside it',
    );
  });
});
