/**
 * Clinic.js Doctor on a real server: the blocked variant gets Doctor's event-loop verdict, the
 * free one does not. Slow (Doctor analyses for 10-20 s after the load), so one short run each.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-doctor-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('looplab doctor', () => {
  it('finds an event-loop issue in busy-wait sync and writes its page', {
    timeout: 180_000,
  }, async () => {
    const html = join(dir, 'sync.html');
    const r = await cli([
      'doctor',
      'busy-wait',
      '--variant',
      'sync',
      '--duration',
      '3',
      '--html',
      html,
    ]);
    assert.equal(r.code, 0, r.stderr);
    // Doctor's one-word category comes first; its event-loop verdict is its own line, because
    // on a machine shared with other load a GC or CPU check can fire too and take precedence.
    assert.match(r.stdout, /^busy-wait sync: [a-z-]+\nDoctor /);
    assert.match(
      r.stdout,
      /\nevent loop: blocked; Doctor's delay check \(median delay >= 10 ms or max >= 100 ms\) fired/,
    );
    assert.ok(existsSync(html));
    assert.match(readFileSync(html, 'utf8'), /clinic-doctor|Clinic\.js Doctor/i);
  });

  it('does not give busy-wait async that verdict', { timeout: 180_000 }, async () => {
    const html = join(dir, 'async.html');
    const r = await cli([
      'doctor',
      'busy-wait',
      '--variant',
      'async',
      '--duration',
      '3',
      '--html',
      html,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^busy-wait async: (?!event-loop)[a-z-]+\n/);
    assert.doesNotMatch(r.stdout, /event-loop|event loop: blocked/);
    assert.ok(existsSync(html));
  });

  it('refuses bad input before any load', async () => {
    const r = await cli(['doctor', 'busy-wait', '--duration', '0']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--duration must be a positive whole number, got 0 \[LOOPLAB_ERR_BAD_OPTION\]\n$/,
    );
  });
});
