/**
 * The upstream a scenario calls, as the report sees it (bench/report/upstream.ts): its metrics
 * per run, when it set part of the pace, the warning that says so, the table rows it adds, and
 * its made-up answers (scenarios/upstream/protocol.ts). Exact values on fixed readings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { formatScenarioTable } from '../../bench/render/table.ts';
import { loadReportSchema } from '../../bench/report/read.ts';
import { buildCompletedRun } from '../../bench/report/run-record.ts';
import {
  lateBoundMs,
  upstreamBottleneck,
  upstreamMetrics,
  upstreamRun,
} from '../../bench/report/upstream.ts';
import { reportWarnings } from '../../bench/report/warnings.ts';
import { callsFor, combine } from '../../scenarios/catalog/lib/upstream-client.ts';
import {
  UPSTREAM_RESOURCES,
  type UpstreamReading,
  upstreamAnswer,
} from '../../scenarios/upstream/protocol.ts';
import { completedRun, entry, makeReport } from './fixtures.ts';

const READING: UpstreamReading = {
  pid: 4321,
  latencyMs: 20,
  windowMs: 2010,
  calls: 2430,
  connections: 12,
  maxInFlight: 30,
  answerP50Ms: 20.6,
  answerP99Ms: 24.5,
  answerMaxMs: 31,
  lagP99Ms: 1.2,
  elu: 0.15,
  cpuMs: 480,
};

describe('upstreamBottleneck', () => {
  it('allows a tenth of the latency late at the median, and never less than 1 ms', () => {
    assert.equal(lateBoundMs(20), 22);
    assert.equal(lateBoundMs(1000), 1100);
    assert.equal(lateBoundMs(2), 3);
  });

  it('is null for an upstream that answered on time, whatever its tail', () => {
    assert.equal(upstreamBottleneck(READING), null);
    assert.equal(upstreamBottleneck({ ...READING, answerP50Ms: 22, answerP99Ms: 80 }), null);
    assert.equal(upstreamBottleneck({ ...READING, answerP50Ms: null }), null);
  });

  it('says why when its median answer came late, or its loop was saturated', () => {
    assert.equal(
      upstreamBottleneck({ ...READING, answerP50Ms: 22.5 }),
      'its median answer took 22.5 ms for a latency of 20.0 ms',
    );
    assert.equal(
      upstreamBottleneck({ ...READING, elu: 0.93 }),
      'its event loop was busy 93% of the time',
    );
    assert.deepEqual(upstreamRun({ ...READING, elu: 0.9 }), {
      ...READING,
      elu: 0.9,
      bottleneck: true,
    });
    assert.equal(upstreamRun(READING).bottleneck, false);
  });
});

describe('upstreamMetrics', () => {
  it('divides what the upstream counted by the requests the load completed', () => {
    assert.deepEqual(upstreamMetrics(READING, 800), {
      upstreamCallsPerRequest: 3.038,
      upstreamConnectionsPerRequest: 0.015,
      upstreamAnswerP50Ms: 20.6,
      upstreamMaxInFlight: 30,
    });
  });

  it('is null without an upstream, or without a completed request', () => {
    const none = {
      upstreamCallsPerRequest: null,
      upstreamConnectionsPerRequest: null,
      upstreamAnswerP50Ms: null,
      upstreamMaxInFlight: null,
    };
    assert.deepEqual(upstreamMetrics(null, 800), none);
    assert.deepEqual(upstreamMetrics(undefined, 800), none);
    assert.deepEqual(upstreamMetrics(READING, 0), {
      ...none,
      upstreamAnswerP50Ms: 20.6,
      upstreamMaxInFlight: 30,
    });
  });
});

describe('a run with an upstream', () => {
  const run = (reading: UpstreamReading | null) =>
    buildCompletedRun({
      run: 1,
      startedAt: '2024-05-01T12:00:00.000Z',
      serverPid: 4000,
      load: {
        elapsedMs: 2000,
        requestsTotal: 800,
        bytesTotal: 200_000,
        latencyP50Ms: 23,
        latencyP90Ms: 25,
        latencyP99Ms: 30,
        latencyMaxMs: 41,
        errors: 0,
        timeouts: 0,
        non2xx: 0,
        ttfbMs: [23.5],
      },
      ping: { latenciesMs: [1, 2], timeoutMs: 10_000, sent: 2, errors: 0, timeouts: 0 },
      probe: null,
      generator: { elu: 0.3, cpuPct: 40 },
      upstream: reading,
    });

  it('keeps the reading in the record, and validates against the schema', () => {
    const record = run(READING);
    assert.deepEqual(record.upstream, { ...READING, bottleneck: false });
    assert.equal(record.upstreamCallsPerRequest, 3.038);
    assert.equal('upstream' in run(null), false, 'absent for a scenario without one');
    const ajv = new Ajv2020.default({ strict: true, allErrors: true });
    const validate = ajv.compile(loadReportSchema());
    const report = makeReport([entry('upstream-calls', 'parallel', [record])]);
    const doc = JSON.parse(JSON.stringify(report));
    assert.equal(validate(doc), true, JSON.stringify(validate.errors));
    doc.results[0].runs[0].upstream.callsMade = 3;
    assert.equal(validate(doc), false, 'an unknown key in upstream is rejected');
  });

  it('warns when the upstream set part of the pace, naming why', () => {
    const late = run({ ...READING, answerP50Ms: 27 });
    const warnings = reportWarnings([entry('upstream-calls', 'async', [late, run(READING)])]);
    assert.deepEqual(warnings, [
      'upstream-calls async: the upstream set part of the pace in 1 of 2 runs (its median ' +
        "answer took 27.0 ms for a latency of 20.0 ms); these numbers include its delay, not only the server's " +
        '(a machine too busy to run it on time does this; run again on a quieter one)',
    ]);
    assert.deepEqual(reportWarnings([entry('upstream-calls', 'async', [run(READING)])]), []);
  });

  it('adds the upstream rows to its table only', () => {
    const options = { durationSec: 2, connections: 10 };
    const withUpstream = formatScenarioTable(
      [entry('upstream-calls', 'parallel', [run(READING)])],
      undefined,
      options,
    );
    assert.match(withUpstream, /\nupstream calls\/request +3\.04\n/);
    assert.match(withUpstream, /\nupstream connections\/request +0\.01\n/);
    assert.match(withUpstream, /\nupstream answer p50 \(ms\) +20\.6\n/);
    assert.match(withUpstream, /\nupstream calls at once, max +30\n/);
    const without = formatScenarioTable(
      [entry('busy-wait', 'sync', [completedRun(1, { requestsPerSec: 50 })])],
      undefined,
      options,
    );
    assert.doesNotMatch(without, /upstream/);
  });
});

describe("the upstream's answers", () => {
  it('are fixed JSON for each resource and id, and null for anything else', () => {
    assert.equal(upstreamAnswer('/users/3'), '{"id":3,"name":"user-3","since":2013}');
    assert.deepEqual(JSON.parse(upstreamAnswer('/orders/2') ?? ''), {
      userId: 2,
      orders: [
        { id: '2-1', cents: 15_838 },
        { id: '2-2', cents: 31_676 },
        { id: '2-3', cents: 47_514 },
      ],
    });
    assert.equal(upstreamAnswer('/recommendations/1'), upstreamAnswer('/recommendations/1'));
    for (const path of ['/users', '/users/x', '/users/1/2', '/admins/1', '/users/1234567890', '/'])
      assert.equal(upstreamAnswer(path), null, path);
  });

  it('are what the scenario calls, one resource each, combined in that order', () => {
    assert.deepEqual(
      callsFor('7'),
      UPSTREAM_RESOURCES.map((r) => `/${r}/7`),
    );
    assert.equal(
      combine([1, [2], { three: 3 }]),
      '{"user":1,"orders":[2],"recommendations":{"three":3}}',
    );
  });
});
