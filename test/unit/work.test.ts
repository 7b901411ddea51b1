/**
 * verify's work checks (lessons/engine/work.ts): that the work is still done on every request,
 * and that it left the loop's thread, from a report's runs. Exact numbers on synthetic runs.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  offLoopCheck,
  type UnseenAnswers,
  variantTotals,
  workCheck,
  workChecks,
} from '../../lessons/engine/work.ts';
import { findLesson, lessonFile, lessons } from '../../lessons/registry.ts';
import { completedRun, entry, failedRun, makeReport } from './fixtures.ts';

/** A run of `requests` in 2 s, its CPU split between the loop thread and the rest. */
const run = (n: number, requests: number, cpuMs: number, loopCpuMs: number | null) =>
  completedRun(
    n,
    { cpuUserMs: cpuMs * 0.9, cpuSystemMs: cpuMs * 0.1 },
    { requestsTotal: requests, windowMs: 2000, loopCpuMs },
  );

const report = (scenario: string, byVariant: Record<string, ReturnType<typeof run>[]>) =>
  makeReport(Object.entries(byVariant).map(([v, runs]) => entry(scenario, v, runs)));

describe('the work check, waiting (lesson 1)', () => {
  const lesson = findLesson('the-waiter');
  const params = { ms: 20 };
  const connections = makeReport([]).options.connections;

  it('holds when each request took the wait, timed alone and under load (Little’s law)', () => {
    // 10 connections × 2 s ÷ 900 requests = 22.2 ms per request.
    const r = report('busy-wait', {
      sync: [run(1, 95, 2000, 1900)],
      exercise: [run(1, 900, 100, 90)],
    });
    const check = workCheck({
      lesson,
      params,
      report: r,
      exercise: 'exercise',
      fastestAnswerMs: 21,
    });
    assert.equal(connections, 10);
    assert.equal(check.holds, true);
    assert.equal(check.limit, 18);
    assert.equal(check.left, 21);
    assert.equal(
      check.comparison,
      'fastest of 5 answers 21.0 ms; under load 22.2 ms per request (10 connections ÷ 450 req/s); both ≥ 20.0 ms × 0.9 = 18.0 ms',
    );
  });

  it('fails a handler that answers at once, and the hint gives its time', () => {
    const r = report('busy-wait', { exercise: [run(1, 40_000, 900, 800)] });
    const check = workCheck({
      lesson,
      params,
      report: r,
      exercise: 'exercise',
      fastestAnswerMs: 0.3,
    });
    assert.equal(check.holds, false);
    assert.equal(check.left, 0.3);
    assert.match(check.hint, /^your handler answered in 0\.30 ms: it no longer waits the 20\.0 ms/);
  });

  it('fails a handler that waits when alone but not under load, on the load figure', () => {
    const r = report('busy-wait', { exercise: [run(1, 4000, 900, 800)] });
    const check = workCheck({
      lesson,
      params,
      report: r,
      exercise: 'exercise',
      fastestAnswerMs: 20.5,
    });
    assert.equal(check.holds, false);
    assert.equal(check.left, 5);
  });

  it('is not measured (so not passed) when no run completed or nothing was timed', () => {
    const r = makeReport([entry('busy-wait', 'exercise', [failedRun(1)])]);
    assert.equal(
      workCheck({ lesson, params, report: r, exercise: 'exercise', fastestAnswerMs: 25 }).holds,
      null,
    );
    const ok = report('busy-wait', { exercise: [run(1, 900, 100, 90)] });
    assert.equal(
      workCheck({ lesson, params, report: ok, exercise: 'exercise', fastestAnswerMs: null }).holds,
      null,
    );
  });
});

describe('the work check, computing (lessons 2-4)', () => {
  const lesson = findLesson('the-threadpool');
  const params = { iterations: 20_000 };

  it('compares the whole process’s CPU per request with the reference’s, over every run', () => {
    const r = report('crypto-pbkdf2', {
      sync: [run(1, 100, 1000, 990), run(2, 100, 1200, 1190)],
      exercise: [run(1, 150, 1200, 60), run(2, 50, 400, 20)],
      'exercise-2': [run(1, 5000, 500, 400)],
    });
    const honest = workCheck({
      lesson,
      params,
      report: r,
      exercise: 'exercise',
      fastestAnswerMs: null,
    });
    assert.deepEqual([honest.holds, honest.left, honest.right, honest.limit], [true, 8, 11, 2.75]);
    assert.equal(honest.comparison, "CPU per request 8.00 ms > sync's 11.0 ms × 0.25 = 2.75 ms");
    const cached = workCheck({
      lesson,
      params,
      report: r,
      exercise: 'exercise-2',
      fastestAnswerMs: null,
    });
    assert.equal(cached.holds, false);
    assert.match(
      cached.hint,
      /^your handler used 0\.10 ms of CPU per request where the reference used 11\.0 ms: it no longer derives the key on every request/,
    );
  });

  it('leaves failed runs out, and is not measured when the reference served nothing', () => {
    const r = report('crypto-pbkdf2', {
      sync: [run(1, 0, 1000, 990)],
      exercise: [run(1, 100, 900, 50)],
    });
    assert.equal(
      workCheck({ lesson, params, report: r, exercise: 'exercise', fastestAnswerMs: null }).holds,
      null,
    );
    const totals = variantTotals(
      makeReport([entry('crypto-pbkdf2', 'sync', [run(1, 10, 100, 90), failedRun(2)])]),
      'sync',
    );
    assert.deepEqual(totals, {
      requests: 10,
      upstreamCalls: null,
      connectionMs: 20_000,
      cpuMs: 100,
      loopCpuMs: 90,
      mebibytes: 0,
      outputBytes: null,
    });
  });
});

describe('the work check, per MiB against another variant (lesson 9)', () => {
  const lesson = findLesson('streaming-files');
  const MiB = 1024 * 1024;
  /** 2 s of answering `mibPerSec` MiB/s for `cpuMs` of CPU, in `requests` requests. */
  const sent = (n: number, requests: number, mibPerSec: number, cpuMs: number) =>
    completedRun(
      n,
      { cpuUserMs: cpuMs, cpuSystemMs: 0, bytesPerSec: mibPerSec * MiB },
      { requestsTotal: requests, windowMs: 2000 },
    );

  it('compares the CPU per MiB answered with the stream variant’s, not the reference’s', () => {
    const r = report('streams', {
      // The reference reads whole: a costly, erratic bar, which the check must not use.
      async: [sent(1, 30, 240, 9000)],
      stream: [sent(1, 60, 480, 1920)],
      exercise: [sent(1, 40, 320, 1280)],
      'exercise-2': [sent(1, 70, 560, 224)],
    });
    const args = { lesson, params: { size: 16 * MiB }, report: r, fastestAnswerMs: null };
    const streams = workCheck({ ...args, exercise: 'exercise' });
    assert.deepEqual([streams.holds, streams.left, streams.right], [true, 2, 2]);
    assert.equal(
      streams.comparison,
      "CPU per MiB answered 2.00 ms > stream's 2.00 ms × 0.4 = 0.80 ms",
    );
    assert.match(
      streams.text,
      /reads the file it sends: its CPU time per MiB answered is at least 0\.4× of stream's$/,
    );
    const cached = workCheck({ ...args, exercise: 'exercise-2' });
    assert.deepEqual([cached.holds, cached.left], [false, 0.2]);
    assert.match(
      cached.hint,
      /^your handler used 0\.20 ms of CPU per MiB answered where stream used 2\.00 ms: it no longer reads the file it sends/,
    );
  });

  it('is not measured when the variant it compares with answered nothing', () => {
    const r = report('streams', {
      async: [sent(1, 30, 240, 9000)],
      exercise: [sent(1, 4, 32, 64)],
    });
    const check = workCheck({
      lesson,
      params: { size: 16 * MiB },
      report: r,
      exercise: 'exercise',
      fastestAnswerMs: null,
    });
    assert.equal(check.holds, null);
  });
});

describe('the work check, on inputs the load never sent (lesson 6)', () => {
  const lesson = findLesson('evil-regex');
  const args = {
    lesson,
    params: { evil: 20 },
    report: makeReport([]),
    exercise: 'exercise',
    fastestAnswerMs: null,
  };
  const answers = (exerciseSlowestMs: number, differs: UnseenAnswers['differs'] = null) => ({
    count: 12,
    differs,
    exerciseSlowestMs,
    referenceSlowestMs: 48,
  });

  it('holds when every answer matched and the slowest took under a quarter of the reference’s', () => {
    const check = workCheck({ ...args, unseen: answers(1.5) });
    assert.deepEqual([check.holds, check.left, check.right, check.limit], [true, 1.5, 48, 12]);
    assert.equal(
      check.comparison,
      "slowest answer 1.50 ms < the reference's slowest 48.0 ms × 0.25 = 12.0 ms",
    );
    assert.match(
      check.text,
      /^every request still tests the path it is sent: on 12 inputs the load never sent/,
    );
  });

  it('fails a handler that remembers verdicts: slow on a path it has not seen', () => {
    const check = workCheck({ ...args, unseen: answers(47) });
    assert.equal(check.holds, false);
    assert.match(
      check.hint,
      /^your handler took 47\.0 ms to answer an input the load never sent, where the reference took 48\.0 ms: new inputs are still slow\. If the load's inputs are quick, it no longer tests the path it is sent on every input/,
    );
  });

  it('fails a handler that answers a new input differently, however fast', () => {
    const differs = {
      request: 'GET /?path=%2F',
      reference: '200 {"path":"/","matches":false}',
      exercise: '200 {"path":"/","matches":true}',
    };
    const check = workCheck({ ...args, unseen: answers(0.4, differs) });
    assert.equal(check.holds, false);
    assert.equal(
      check.comparison,
      'to GET /?path=%2F: the reference answered 200 {"path":"/","matches":false}; yours 200 {"path":"/","matches":true}',
    );
    assert.match(check.hint, /answered an input the load never sent differently/);
  });

  it('is not measured when no unseen input was sent', () => {
    assert.equal(workCheck({ ...args, unseen: null }).holds, null);
  });
});

describe('the work check, a repeat of the largest message (lesson 11)', () => {
  const lesson = findLesson('the-chat-room');
  const args = {
    lesson,
    params: {},
    report: makeReport([]),
    exercise: 'exercise',
    fastestAnswerMs: null,
  };
  const repeat = (exerciseFastestMs: number) => ({
    request: 'POST / (16384 bytes)',
    exerciseFastestMs,
    referenceFastestMs: 60,
  });

  it('holds when the repeat took at least half the reference’s time', () => {
    const check = workCheck({ ...args, repeat: repeat(55) });
    assert.deepEqual([check.holds, check.left, check.right, check.limit], [true, 55, 60, 30]);
    assert.equal(
      check.comparison,
      "fastest of 5 answers to POST / (16384 bytes) again 55.0 ms ≥ the reference's 60.0 ms × 0.5 = 30.0 ms",
    );
    assert.match(
      check.text,
      /^every message still pays for its moderation: the largest, sent again/,
    );
  });

  it('fails a handler that answers the repeat from memory, and the hint gives both times', () => {
    const check = workCheck({ ...args, repeat: repeat(1.4) });
    assert.equal(check.holds, false);
    assert.match(
      check.hint,
      /^your handler answered the largest message again in 1\.40 ms where the reference took 60\.0 ms: it no longer pays for its moderation on every message/,
    );
  });

  it('is not measured when nothing was timed', () => {
    assert.equal(workCheck({ ...args, repeat: null }).holds, null);
    assert.equal(workCheck(args).holds, null);
  });
});

describe('the work check, writing (lesson 10)', () => {
  const lesson = findLesson('logging');
  const logged = (n: number, requests: number, outputBytes?: number) =>
    completedRun(
      n,
      { cpuUserMs: 100, cpuSystemMs: 0 },
      { requestsTotal: requests, ...(outputBytes !== undefined && { outputBytes }) },
    );
  const args = { lesson, params: { line: 256, durable: 1 }, fastestAnswerMs: null };

  it('compares the bytes each request wrote to the log with the reference’s', () => {
    const r = report('sync-logging', {
      sync: [logged(1, 1000, 256_000)],
      exercise: [logged(1, 3000, 740_000)],
      'exercise-2': [logged(1, 12_000, 0)],
    });
    const writes = workCheck({ ...args, report: r, exercise: 'exercise' });
    assert.deepEqual([writes.holds, writes.right, writes.limit], [true, 256, 192]);
    assert.equal(
      writes.comparison,
      "written per request 247 bytes > sync's 256 bytes × 0.75 = 192 bytes",
    );
    const skips = workCheck({ ...args, report: r, exercise: 'exercise-2' });
    assert.equal(skips.holds, false);
    assert.match(
      skips.hint,
      /^your handler wrote 0 bytes per request where the reference wrote 256 bytes: it no longer writes its line to the log/,
    );
  });

  it('counts the bytes over the load’s window, as the requests are counted', () => {
    // The probe's window was 2,000 ms, the load's 2,150: 150 ms of lines went uncounted.
    const r = report('sync-logging', {
      sync: [logged(1, 1000, 256_000)],
      exercise: [
        completedRun(
          1,
          {},
          { requestsTotal: 2150, windowMs: 2150, serverWindowMs: 2000, outputBytes: 512_000 },
        ),
      ],
    });
    const check = workCheck({ ...args, report: r, exercise: 'exercise' });
    assert.deepEqual([check.holds, check.left], [true, 256]);
  });

  it('is not measured when a run did not say what it wrote', () => {
    const r = report('sync-logging', {
      sync: [logged(1, 1000, 256_000)],
      exercise: [logged(1, 3000)],
    });
    assert.equal(workCheck({ ...args, report: r, exercise: 'exercise' }).holds, null);
  });
});

describe('the work check, calling an upstream (the-upstream)', () => {
  const lesson = findLesson('the-upstream');
  const params = { latency: 20 };
  /** A run whose upstream counted `calls` for `requests` completed in 2 s. */
  const called = (n: number, requests: number, calls: number | null) =>
    completedRun(
      n,
      {},
      {
        requestsTotal: requests,
        windowMs: 2000,
        ...(calls !== null && {
          upstream: {
            pid: 5000 + n,
            latencyMs: 20,
            windowMs: 2010,
            calls,
            connections: 12,
            maxInFlight: 30,
            answerP50Ms: 20.5,
            answerP99Ms: 22,
            answerMaxMs: 25,
            lagP99Ms: 1,
            elu: 0.1,
            cpuMs: 400,
            bottleneck: false,
          },
        }),
      },
    );

  const checkOf = (r: ReturnType<typeof report>, exercise: string, fastestAnswerMs: number) =>
    workCheck({ lesson, params, report: r, exercise, fastestAnswerMs });

  it('counts the calls per request over every run, as the upstream counted them', () => {
    const r = report('upstream-calls', {
      exercise: [called(1, 800, 2430), called(2, 700, 2100)],
      'exercise-2': [called(1, 2000, 3), called(2, 2100, 0)],
    });
    const honest = checkOf(r, 'exercise', 21);
    // (2430 + 2100) ÷ (800 + 700) = 3.02
    assert.deepEqual(
      [honest.holds, honest.left, honest.right, honest.limit],
      [true, 3.02, 3, 2.85],
    );
    assert.equal(
      honest.comparison,
      'calls per request 3.02 (4,530 calls ÷ 1,500 requests) ≥ 3 × 0.95 = 2.85',
    );
    const cached = checkOf(r, 'exercise-2', 0.4);
    assert.equal(cached.holds, false);
    assert.match(
      cached.hint,
      /^your handler made 0\.00 calls to the upstream per request where each request needs 3, of 20\.0 ms each: it no longer calls the upstream on every request/,
    );
  });

  it('fails a handler that skips one call in three', () => {
    const r = report('upstream-calls', { exercise: [called(1, 900, 1800)] });
    const check = checkOf(r, 'exercise', 21);
    assert.deepEqual([check.holds, check.left], [false, 2]);
  });

  it('is not measured (so not passed) when a run had no upstream', () => {
    const r = report('upstream-calls', { exercise: [called(1, 900, 2700), called(2, 900, null)] });
    const check = checkOf(r, 'exercise', 21);
    assert.equal(check.holds, null);
    assert.match(check.comparison, /^calls per request not counted \(no upstream counted them\)/);
  });

  it('also checks the wait of one call, first, so that the calls come last', () => {
    const r = report('upstream-calls', { exercise: [called(1, 800, 2400)] });
    const checks = workChecks({
      lesson,
      params,
      report: r,
      exercise: 'exercise',
      fastestAnswerMs: 0.5,
    });
    assert.deepEqual(
      checks.map((c) => [c.text, c.holds]),
      [
        ["every request still waits at least one call's 20.0 ms", false],
        [
          'every request still makes its 3 calls to the upstream, as the upstream counted them',
          true,
        ],
      ],
    );
    // 10 connections × 2 s ÷ 800 requests = 25 ms per request under load; the fastest alone was 0.5.
    assert.equal(checks[0]?.left, 0.5);
  });

  it('is one check for the other kinds of work', () => {
    const r = report('busy-wait', { exercise: [run(1, 900, 100, 90)] });
    const inputs = {
      lesson: findLesson('the-waiter'),
      params: { ms: 20 },
      report: r,
      exercise: 'exercise',
      fastestAnswerMs: 21,
    };
    assert.deepEqual(workChecks(inputs), [workCheck(inputs)]);
  });
});

describe('the off-loop check', () => {
  it('holds when the loop thread’s CPU per request is under the share of the reference’s', () => {
    const lesson = findLesson('the-threadpool');
    const r = report('crypto-pbkdf2', {
      sync: [run(1, 100, 1000, 1000)],
      exercise: [run(1, 100, 900, 50)],
      'exercise-2': [run(1, 100, 1000, 900)],
    });
    const good = offLoopCheck(lesson, r, 'exercise');
    assert.deepEqual([good?.holds, good?.left, good?.right, good?.limit], [true, 0.5, 10, 2.5]);
    assert.equal(
      good?.comparison,
      "loop-thread CPU per request 0.50 ms < sync's 10.0 ms × 0.25 = 2.50 ms",
    );
    const onLoop = offLoopCheck(lesson, r, 'exercise-2');
    assert.equal(onLoop?.holds, false);
    assert.equal(onLoop?.hint, lesson.verify.offLoop?.hint);
  });

  it('falls back to the loop lag where the platform cannot read the loop thread’s CPU', () => {
    const lesson = findLesson('the-waiter');
    const lagged = (lag: number, requests: number) =>
      completedRun(
        1,
        { lagP99Ms: lag, cpuUserMs: 100, cpuSystemMs: 0 },
        { requestsTotal: requests, loopCpuMs: null },
      );
    const r = makeReport([
      entry('busy-wait', 'sync', [lagged(200, 95)]),
      entry('busy-wait', 'exercise', [lagged(5, 900)]),
      entry('busy-wait', 'exercise-2', [lagged(150, 95)]),
    ]);
    const free = offLoopCheck(lesson, r, 'exercise');
    assert.deepEqual([free?.holds, free?.left, free?.right, free?.limit], [true, 5, 200, 100]);
    assert.match(free?.text ?? '', /cannot read the loop thread's CPU time/);
    assert.equal(free?.comparison, "loop lag p99 5.00 ms < sync's 200 ms × 0.5 = 100 ms");
    assert.equal(offLoopCheck(lesson, r, 'exercise-2')?.holds, false);
  });

  it('can judge the loop thread’s share of the server’s own CPU, whatever the reference’s', () => {
    const lesson = findLesson('compression');
    const r = report('zlib', {
      sync: [run(1, 100, 1500, 1400)],
      exercise: [run(1, 100, 2000, 600)],
      'exercise-2': [run(1, 100, 1500, 1400)],
    });
    const pool = offLoopCheck(lesson, r, 'exercise');
    assert.deepEqual([pool?.holds, pool?.left, pool?.limit], [true, 0.3, 0.7]);
    assert.equal(
      pool?.comparison,
      "on the loop's thread 0.30 of the CPU (6.00 ms of 20.0 ms per request) < 0.7",
    );
    assert.match(pool?.text ?? '', /under 70% of your server's CPU time ran on it$/);
    assert.equal(offLoopCheck(lesson, r, 'exercise-2')?.holds, false);
  });

  it('does not apply to a lesson whose fix keeps the work on the loop', () => {
    assert.equal(offLoopCheck(findLesson('cpu-bound-work'), makeReport([]), 'exercise'), null);
  });
});

describe('every lesson', () => {
  it('declares its work in a way its scenario can check, and ships a cheating solution', () => {
    for (const lesson of lessons) {
      const work = lesson.verify.work;
      if (work.kind === 'wait' || work.kind === 'calls')
        assert.equal(lesson.scenario.params[work.param]?.unit, 'ms', lesson.id);
      else assert.ok(work.factor > 0 && work.factor < 1, lesson.id);
      if (work.kind === 'calls')
        assert.ok(lesson.scenario.upstream, `${lesson.id} calls an upstream`);
      if (work.kind === 'cpu' && work.against)
        assert.ok(lesson.scenario.variants[work.against], `${lesson.id}: ${work.against}`);
      if (work.kind === 'output')
        assert.equal(typeof lesson.scenario.output, 'function', lesson.id);
      if (work.kind === 'unseen') {
        const one = work.requests(lesson.verify.params, 1);
        assert.ok(one.length > 0, lesson.id);
        assert.notDeepEqual(
          work.requests(lesson.verify.params, 2),
          one,
          `${lesson.id}: new each seed`,
        );
      }
      const dir = lessonFile(lesson, '');
      assert.ok(
        readdirSync(dir).some((f) => /^cheat-.+\.ts$/.test(f)),
        `${lesson.id} has a cheat-*.ts beside bad.ts`,
      );
    }
  });
});
