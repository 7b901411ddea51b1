/**
 * The WebSocket driver's short run, on loopback: it measures the messages (and the schema
 * accepts them), and sync's slow handler shows in the tail of delivery and in the loop. What
 * only checks behaviour (the broadcasts, SIGINT) is in websocket-room.test.ts.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { loadReportSchema } from '../../bench/report/read.ts';
import type { CompletedRun } from '../../bench/report/types.ts';
import { runBench } from '../../bench/run/benchmark.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { reapAll } from '../../bench/run/process/child.ts';
import websocketBroadcast from '../../scenarios/catalog/websocket-broadcast.ts';
import { defaultParams } from '../../scenarios/params.ts';
import { measuredTwice } from './helpers.ts';

after(reapAll);

test('a short run measures every message metric, and sync holds up the room where async does not', (t) =>
  measuredTwice(t, async () => {
    const params = defaultParams(websocketBroadcast);
    const { clients, rate } = params as { clients: number; rate: number };
    const report = await runBench(
      [{ scenario: websocketBroadcast, variants: ['sync', 'async'], params }],
      { ...DEFAULT_OPTIONS, runs: 1, durationSec: 1.2, warmupSec: 0.3 },
    );
    const ajv = new Ajv2020.default({ strict: true, allErrors: true });
    const validate = ajv.compile(loadReportSchema());
    assert.ok(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors));

    const run = (variant: string) => {
      const r = report.results.find((e) => e.variant === variant)?.runs[0];
      assert.ok(
        r?.state === 'completed',
        `${variant}: ${r?.state === 'failed' ? r.reason : 'no run'}`,
      );
      return r as CompletedRun;
    };
    const [sync, async] = [run('sync'), run('async')];
    const sent = clients * rate;
    for (const r of [sync, async]) {
      // The schedule is exact: 400 messages a second, each delivered to all 20 clients.
      assert.ok(
        Math.abs((r.messagesSentPerSec as number) - sent) <= sent * 0.01,
        `${r.messagesSentPerSec}`,
      );
      assert.equal(r.messagesDropped, 0);
      assert.equal(r.messagesDeliveredPerSec, (r.messagesSentPerSec as number) * clients);
      assert.equal(r.requestsPerSec, r.messagesSentPerSec, 'every message answered to its sender');
      for (const m of ['deliveryP50Ms', 'deliveryP99Ms', 'deliveryMaxMs', 'messagesLate'] as const)
        assert.equal(typeof r[m], 'number', m);
      assert.equal(r.ttfbP50Ms, null);
      assert.ok((r.deliveryP50Ms as number) <= (r.deliveryP99Ms as number));
    }
    // Directions with generous margins: a paste holds sync's loop for tens of milliseconds. On a
    // machine busy with other work async's deliveries wait for the CPU too (51 ms against 30 ms
    // once here): its loop's lag is what stays apart.
    assert.ok(
      (sync.deliveryP99Ms as number) > (async.deliveryP99Ms as number),
      `delivery p99: sync ${sync.deliveryP99Ms} ms, async ${async.deliveryP99Ms} ms`,
    );
    assert.ok(
      (sync.lagP99Ms as number) > 2 * (async.lagP99Ms as number),
      `lag p99: sync ${sync.lagP99Ms} ms, async ${async.lagP99Ms} ms`,
    );
    assert.match(report.verdicts[0]?.text ?? '', /async delivered 99% of messages within/);
  }));
