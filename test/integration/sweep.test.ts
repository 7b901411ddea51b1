/**
 * looplab sweep measures: busy-wait ms=20 swept at 20, 40, 60 and 80 req/s with 1 s holds. sync's
 * loop caps it near 1000/20 = 50 req/s, so its achieved rate flattens and its corrected p99 climbs
 * steeply past it, and its knee is found there; async awaits a timer, so its p99 stays near 20 ms
 * at the same rates. One sweep, about 25 s here; margins are generous (a shared 2-core machine).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { SweepReport, SweepStep } from '../../bench/sweep/types.ts';
import { cli } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'looplab-sweep-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sweep busy-wait ms=20', () => {
  test('sync flattens near its 50/s ceiling and its p99 climbs past it; async stays near 20 ms; the knee of sync between 40 and 80', {
    timeout: 90_000,
  }, async () => {
    const json = join(dir, 'sweep.json');
    const r = await cli([
      'sweep',
      'busy-wait',
      '--param',
      'ms=20',
      '--rates',
      '20,40,60,80',
      '--warmup',
      '0.5',
      '--hold',
      '1',
      '--settle',
      '0.5',
      // Poisson's 20 arrivals in a 1 s hold vary by ±4: the throughput test of the knee would
      // trip on chance at 20/s. Evenly spaced, the steps differ by the server alone.
      '--arrivals',
      'uniform',
      '--no-ceiling',
      '--json',
      json,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8')) as SweepReport;
    assert.equal(report.kind, 'looplab-sweep');
    assert.equal(report.complete, true);
    const steps = (variant: string): SweepStep[] => {
      const v = report.variants.find((x) => x.variant === variant);
      assert.ok(v, `${variant} swept`);
      return v.runs[0]?.steps ?? [];
    };
    const at = (s: SweepStep[], rate: number) => {
      const step = s.find((x) => x.offeredPerSec === rate);
      assert.ok(step?.latencyMs, `a step at ${rate}/s with latency`);
      return step as SweepStep & { latencyMs: NonNullable<SweepStep['latencyMs']> };
    };
    const sync = steps('sync');
    const async = steps('async');
    assert.deepEqual(
      sync.map((s) => s.offeredPerSec),
      [20, 40, 60, 80],
    );
    // The loop can finish at most ~50 a second; 60 leaves room for a slow clock and rounding.
    const achieved80 = at(sync, 80).achievedPerSec;
    assert.ok(
      achieved80 !== null && achieved80 <= 60,
      `sync achieved ${achieved80}/s at 80/s offered`,
    );
    const [p20, p80] = [at(sync, 20).latencyMs.p99, at(sync, 80).latencyMs.p99];
    assert.ok(p80 > 5 * p20, `sync p99 ${p80} ms at 80/s, ${p20} ms at 20/s`);
    for (const s of async) {
      assert.ok(
        s.latencyMs && s.latencyMs.p50 < 40,
        `async p50 ${s.latencyMs?.p50} ms at ${s.offeredPerSec}/s`,
      );
    }
    const asyncP99 = at(async, 80).latencyMs.p99;
    assert.ok(asyncP99 < p80 / 3, `async p99 ${asyncP99} ms at 80/s, sync ${p80} ms`);
    const table = report.variants
      .map(
        (v) =>
          `${v.variant}: ${v.runs[0]?.steps.map((s) => `${s.offeredPerSec}→${s.achievedPerSec} p99 ${s.latencyMs?.p99}`).join(', ')}`,
      )
      .join('\n');
    const knee = report.variants.find((v) => v.variant === 'sync')?.knee.medianPerSec;
    assert.ok(knee != null && knee >= 40 && knee <= 80, `sync's knee at ${knee}/s\n${table}`);
    // The table names every step, and the progress one line per step.
    assert.match(r.stdout, /busy-wait sync/);
    assert.equal(
      (r.stderr.match(/^busy-wait (sync|async) \d+\/s: [\d.]+\/s arrived, achieved/gm) ?? [])
        .length,
      8,
    );
  });
});
