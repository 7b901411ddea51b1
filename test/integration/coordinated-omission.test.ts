/**
 * Coordinated omission, on a server that freezes its loop for a known time at known moments
 * (test/fixtures/apps/freeze-app.cjs: 400 ms every 2 s, a fifth of the time) and answers at once
 * otherwise. Its raw loop lag p99 stays small: one late sample per freeze among ~160 on time.
 * Corrected, each freeze also stands for the 39 firings it held back, so the p99 lands in the
 * freeze, and the median, in the four fifths of the time the loop was free, stays small. The
 * closed-loop load's p99 hides the freeze too, and the report says so.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { measuredTwice } from './helpers.ts';
import { APPS, bench, entryOf, marker, pidsWith, runOf } from './own-server-helpers.ts';

describe('coordinated omission', () => {
  it('shows a 400 ms freeze every 2 s in the corrected lag p99, not in the raw one, and warns that the closed loop hid it', (t) =>
    measuredTwice(t, async () => {
      const m = marker();
      const r = await bench([
        '--cmd',
        `node ${join(APPS, 'freeze-app.cjs')} ${m}`,
        '--runs',
        '1',
        '--warmup',
        '0.3',
        '--duration',
        '4',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const run = runOf(entryOf(r.report, '/'));
      const { lagP50Ms, lagP99Ms, lagRawP50Ms, lagRawP99Ms, lagMaxMs } = run;
      const figures = JSON.stringify({ lagP50Ms, lagP99Ms, lagRawP50Ms, lagRawP99Ms, lagMaxMs });
      // The freeze itself: the max is one freeze (more on a busy machine, never much less).
      assert.ok((lagMaxMs ?? 0) >= 350, figures);
      // Corrected: the top fifth of the time is the freeze, so its p99 is near the freeze's top.
      assert.ok((lagP99Ms ?? 0) >= 200, figures);
      assert.ok((lagP50Ms ?? 99) < 50, figures);
      // Raw: one sample per freeze among ~160, under 1%.
      assert.ok((lagRawP99Ms ?? 999) < 100, figures);
      assert.ok((lagP99Ms ?? 0) > 4 * (lagRawP99Ms ?? 0), figures);
      assert.ok((lagRawP50Ms ?? 99) <= (lagP50Ms ?? 0) + 0.01, figures);
      // The bystander, open-model, sees it; the closed-loop load's p99 does not, and the report says so.
      assert.ok((run.pingP99Ms ?? 0) >= 100, `ping p99 ${run.pingP99Ms}`);
      assert.ok(
        r.report?.warnings.some((w) =>
          /^app \/: the load's latency p99 \(.+\) hid stalls that \/ping shows/.test(w),
        ),
        JSON.stringify(r.report?.warnings),
      );
      assert.deepEqual(pidsWith(m), []);
    }));
});
