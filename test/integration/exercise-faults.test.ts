/**
 * A learner's exercise that misbehaves, through the real CLI: a handler that never settles or
 * holds its loop for good gets one line and exit 2 within about the answer timeout, not a wait
 * of minutes; a handler that writes garbage on its server's IPC channel has that server dropped,
 * not the CLI crashed; and what an exercise starts (detached too) does not outlive verify.
 * Behaviour only: the checking lane.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { environHas, parseProcStat } from '../../bench/run/process/process-group.ts';
import { cli } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-exercise-faults-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an exercise for lesson 1 (the-waiter) into the test's folder; returns its path. */
function exercise(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Verify as a learner with a progress file of the test's own. */
const verify = (file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  cli(['verify', '1', file, ...args], { XDG_CONFIG_HOME: join(dir, 'config'), ...env });

/** The one line verify printed with a code, and that no stack trace came with it. */
function oneCodedLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => /\[LOOPLAB_ERR_/.test(l));
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /^\s+at /m, stderr);
  return lines[0] as string;
}

const WAITER = `
export default async function handle({ params }: { params: { ms: number } }) {
  await new Promise((r) => setTimeout(r, params.ms));
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
`;

describe('verify waits for an answer no longer than --timeout', () => {
  it('a handler that never settles: one line that says so, exit 2, in seconds', async () => {
    const file = exercise(
      'never.ts',
      'export default function handle() {\n  return new Promise(() => {});\n}\n',
    );
    const started = Date.now();
    const r = await verify(file, ['--timeout', '1']);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.code, 2, r.stderr);
    const line = oneCodedLine(r.stderr);
    assert.match(line, /did not answer GET \/ within 1 s, though its server still answers \/ping/);
    assert.match(line, /never settles/);
    assert.match(line, /\[LOOPLAB_ERR_BAD_EXERCISE\]$/);
    // Server starts, 1 s of waiting and a stop: far from undici's own 300 s.
    assert.ok(seconds < 30, `took ${seconds} s`);
  });

  it('a handler that holds its loop for good: /ping is silent too, and it says so', async () => {
    const file = exercise('spin.ts', 'export default function handle() {\n  for (;;) {}\n}\n');
    const started = Date.now();
    const r = await verify(file, ['--timeout', '1']);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.code, 2, r.stderr);
    const line = oneCodedLine(r.stderr);
    assert.match(line, /did not answer GET \/ within 1 s, and its server stopped answering \/ping/);
    assert.match(line, /holds the event loop/);
    // Its server ignores SIGTERM (its loop is held): SIGKILL after the 2 s grace period.
    assert.ok(seconds < 30, `took ${seconds} s`);
  });
});

describe('a line that is not JSON on a server’s IPC channel', () => {
  it('drops that server with a warning; the CLI says why in one line, no stack', async () => {
    // fd 3 is the IPC channel Node gave the server; the handler's module shares its process.
    const file = exercise(
      'ipc.ts',
      `import { writeSync } from 'node:fs';\nwriteSync(3, 'not json\\n');\n${WAITER}`,
    );
    const r = await verify(file);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /looplab: warning: the busy-wait exercise server \(pid \d+\) sent a line that is not JSON on its IPC channel/,
    );
    assert.match(oneCodedLine(r.stderr), /it sent a line that is not JSON on its IPC channel/);
    assert.doesNotMatch(r.stderr, /SyntaxError: Unexpected token/);
  });
});

/** Pids of running processes (zombies left out) whose environment holds `entry`. */
function pidsWithEntry(entry: string): number[] {
  const wanted = Buffer.from(entry);
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const state = parseProcStat(readFileSync(`/proc/${name}/stat`, 'latin1'))?.state;
      if (state === 'Z' || state === 'X') continue;
      if (environHas(readFileSync(`/proc/${name}/environ`), wanted)) pids.push(Number(name));
    } catch {}
  }
  return pids;
}

describe('what an exercise starts', { skip: process.platform !== 'linux' }, () => {
  const entry = `LOOPLAB_TEST_SPAWN=${randomUUID()}`;
  after(() => {
    // Only if the test failed: stop what it found, by pid.
    for (const pid of pidsWithEntry(entry)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  });

  it('does not outlive verify, detached or not', async () => {
    const started = join(dir, 'started');
    // At import, in every server that loads it: one child in the server's group, one detached
    // into a session of its own. Each records its pid; both inherit the test's entry.
    const file = exercise(
      'spawner.ts',
      `import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
for (const detached of [false, true]) {
  const child = spawn('sleep', ['300'], { detached, stdio: 'ignore' });
  child.unref();
  appendFileSync(${JSON.stringify(started)}, \`\${child.pid}\\n\`);
}
${WAITER}`,
    );
    const [key, value] = entry.split('=') as [string, string];
    const r = await verify(file, ['--runs', '1', '--duration', '0.5', '--warmup', '0'], {
      [key]: value,
    });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const pids = readFileSync(started, 'utf8').trim().split('\n').map(Number);
    // Two servers loaded it at least (the answers' and the load's): two pairs.
    assert.ok(pids.length >= 4, `started: ${pids}`);
    assert.deepEqual(pidsWithEntry(entry), []);
  });
});
