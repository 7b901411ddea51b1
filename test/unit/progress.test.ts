import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRecord, progressHooks } from '../../bench/render/progress.ts';
import type { Job } from '../../bench/run/plan.ts';
import busyWait from '../../scenarios/catalog/busy-wait.ts';
import { completedRun, failedRun } from './fixtures.ts';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    stream: { isTTY, write: (s: string) => chunks.push(s) > 0 } as never,
    text: () => chunks.join(''),
  };
}

const job: Job = { scenario: busyWait, variant: 'sync', params: { ms: 20 }, run: 2 };
const done = completedRun(2, { requestsPerSec: 47.25, lagP99Ms: 201.4, pingP99Ms: 5.25 });

describe('describeRecord', () => {
  it('names throughput, lag and /ping with units', () => {
    assert.equal(describeRecord(done), '47.3 req/s, lag p99 201 ms, /ping p99 5.3 ms');
  });

  it('says when the load generator was saturated', () => {
    const saturated = completedRun(
      1,
      { requestsPerSec: 20_000 },
      { loadGenerator: { elu: 0.95, cpuPct: 99, saturated: true } },
    );
    assert.equal(describeRecord(saturated), '20,000 req/s, load generator saturated');
  });

  it('gives a failed run its reason and code', () => {
    assert.equal(
      describeRecord({ ...failedRun(1, 'no port'), code: 'LOOPLAB_ERR_SERVER_START' }),
      'failed: no port [LOOPLAB_ERR_SERVER_START]',
    );
  });
});

describe('progressHooks', () => {
  const base = { quiet: false, color: false, debug: false, durationSec: 3 };

  it('writes one plain line per run when not on a terminal', () => {
    const out = fakeStream(false);
    const hooks = progressHooks({ ...base, stream: out.stream });
    hooks.onRunStart?.(job, 1, 6);
    hooks.onRunPhase?.(job, 'measuring', 4242);
    hooks.onRunTick?.(job, 1.2, 50);
    hooks.onRunEnd?.(job, done, 1, 6);
    assert.equal(
      out.text(),
      '✓ [2/6] busy-wait sync run 2: 47.3 req/s, lag p99 201 ms, /ping p99 5.3 ms\n',
    );
  });

  it('keeps a live line on a terminal and ends it with the result', () => {
    const out = fakeStream(true);
    const hooks = progressHooks({ ...base, stream: out.stream });
    hooks.onRunStart?.(job, 1, 6);
    hooks.onRunPhase?.(job, 'measuring', 4242);
    hooks.onRunTick?.(job, 1.2, 50);
    hooks.onRunEnd?.(job, done, 1, 6);
    const text = out.text();
    assert.ok(text.includes('\r\x1b[K[2/6] busy-wait sync run 2 measuring 1/3 s · 50 requests'));
    assert.ok(
      text.endsWith(
        '\r\x1b[K✓ [2/6] busy-wait sync run 2: 47.3 req/s, lag p99 201 ms, /ping p99 5.3 ms\n',
      ),
    );
  });

  it('prints each server pid once with --debug, and each phase as it begins', () => {
    const out = fakeStream(false);
    const hooks = progressHooks({ ...base, debug: true, stream: out.stream });
    hooks.onRunStart?.(job, 0, 1);
    hooks.onRunPhase?.(job, 'warmup', 4242);
    hooks.onRunPhase?.(job, 'measuring', 4242);
    assert.equal(
      out.text(),
      'debug: busy-wait sync run 2 server pid 4242\n' +
        'debug: busy-wait sync run 2 phase warmup\n' +
        'debug: busy-wait sync run 2 phase measuring\n',
    );
  });

  it('is silent with --quiet', () => {
    assert.deepEqual(progressHooks({ ...base, quiet: true, stream: fakeStream(false).stream }), {});
  });
});
