/**
 * The capstone's pure parts: its load's inputs, the lookup its claims and explanation read, the
 * slowest route, and verify's verdict on each blocker.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import type { CompletedRun } from '../../bench/report/types.ts';
import {
  betterReading,
  judgeBlocker,
  readAgain,
  readsAgainstBar,
} from '../../lessons/engine/app-judge.ts';
import { isAppLesson } from '../../lessons/engine/app-lesson.ts';
import { appCommand, appLookup, slowestRoute } from '../../lessons/engine/app-measure.ts';
import { templateOperands } from '../../lessons/engine/explain.ts';
import {
  course,
  findAnyLesson,
  lessonNumber,
  lessons,
  readLessonFile,
} from '../../lessons/registry.ts';
import detective from '../../lessons/the-detective/lesson.ts';
import { completedRun, entry, makeReport } from './fixtures.ts';

const route = (key: string) => detective.routes.find((r) => r.key === key);
const blocker = (id: string) => {
  const b = detective.blockers.find((x) => x.id === id);
  assert.ok(b);
  return b;
};

/** Completed runs whose loop spent `loopCpuMs` on `requests` requests each, lag p99 `lag`. */
const runs = (loopCpuMs: number, requests: number, lag = 10): CompletedRun[] =>
  [1, 2].map((n) =>
    completedRun(
      n,
      { lagP99Ms: lag, requestsPerSec: requests / 3 },
      { loopCpuMs, requestsTotal: requests },
    ),
  );

describe('the capstone in the course', () => {
  test('is lesson 14, after the scenario lessons, found by number and id', () => {
    assert.equal(course.length, lessons.length + 1);
    assert.equal(lessonNumber(detective), 14);
    assert.equal(findAnyLesson('14'), detective);
    assert.equal(findAnyLesson('the-detective'), detective);
    assert.ok(isAppLesson(detective));
    assert.ok(!isAppLesson(lessons[0] as object));
  });

  test('every blocker is judged on a route the load sends, in a module of its own', () => {
    const modules = detective.blockers.map((b) => b.module);
    assert.equal(new Set(modules).size, modules.length);
    for (const b of detective.blockers) assert.ok(route(b.route), b.id);
  });

  test("the explanation names only the lesson's routes and known metrics", () => {
    const operands = templateOperands(readLessonFile(detective, 'explain.md'));
    assert.ok(operands.length > 10);
    for (const o of operands) {
      assert.equal(o.measurement, detective.name);
      assert.ok(route(o.variant), o.variant);
    }
  });
});

describe("the capstone's load", () => {
  test('is the same for a seed and differs between seeds', () => {
    for (const r of detective.routes) {
      assert.deepEqual(r.requests(7), r.requests(7), r.key);
      assert.notDeepEqual(r.requests(7), r.requests(8), r.key);
    }
  });

  test('sends each connection different inputs: no two of the ten starting places repeat within 20 requests', () => {
    for (const r of detective.routes.filter((x) => x.key !== 'products')) {
      const list = r.requests(123).map((q) => `${q.method} ${q.path} ${q.body?.toString() ?? ''}`);
      const starts = Array.from({ length: 10 }, (_, i) => Math.floor((i * list.length) / 10));
      const firstTwenty = starts.flatMap((s) => list.slice(s, s + 20));
      const distinct = new Set(firstTwenty).size;
      // Queries of two words out of sixty repeat now and then; logins never.
      assert.ok(
        distinct >= firstTwenty.length * 0.95,
        `${r.key}: ${distinct} of ${firstTwenty.length}`,
      );
    }
  });

  test('logs in every user once, with the right password', () => {
    const bodies = route('login')
      ?.requests(5)
      .map((q) => JSON.parse(q.body?.toString() ?? '{}') as { email: string; password: string });
    assert.equal(new Set(bodies?.map((b) => b.email)).size, 200);
    for (const b of bodies ?? []) {
      const n = /^shopper(\d+)@example\.com$/.exec(b.email)?.[1];
      assert.equal(b.password, `correct-horse-${n}`);
    }
  });

  test('three sign-up checks in four are long addresses typed up to their @', () => {
    const emails = route('signup')
      ?.requests(9)
      .map((q) => new URL(q.path, 'http://x').searchParams.get('email') ?? '');
    const probes = emails?.filter((e) => /^[a-z0-9]{26}@$/.test(e)).length ?? 0;
    assert.equal(probes, (emails?.length ?? 0) * 0.75);
  });

  test('the edges are new for every seed and cover every route', () => {
    const paths = detective.edges(1).map((r) => r.path.split('?')[0]);
    for (const p of ['/products', '/search', '/signup/check', '/login'])
      assert.ok(paths.includes(p), p);
    assert.notDeepEqual(detective.edges(1), detective.edges(2));
  });
});

describe("the capstone's figures", () => {
  const report = makeReport([
    entry('shop', '/products', runs(300, 30_000, 120)),
    entry('shop', '/search', runs(3000, 100, 300)),
    entry('shop', '/signup/check', runs(3000, 60, 400)),
    entry('shop', 'POST /login', runs(3000, 90, 250)),
  ]);

  test('are read by route key, and the slowest route is the one with the fewest requests a second', () => {
    const lookup = appLookup(detective, report);
    assert.equal(lookup({ measurement: 'shop', variant: 'search', metric: 'lagP99Ms' }), 300);
    assert.equal(lookup({ measurement: 'shop', variant: 'nope', metric: 'lagP99Ms' }), null);
    assert.equal(lookup({ measurement: 'yours', variant: 'search', metric: 'lagP99Ms' }), null);
    assert.equal(slowestRoute(detective, report)?.key, 'signup');
  });

  test('no slowest route when one was not measured', () => {
    const partial = makeReport(report.results.slice(0, 3));
    assert.equal(slowestRoute(detective, partial), null);
  });

  test('the command is relative under the current directory, quoted where the shell needs it', () => {
    assert.equal(
      appCommand(detective, join(process.cwd(), 'looplab-exercises', 'the-detective')),
      'node looplab-exercises/the-detective/server.js',
    );
    // Beside the current directory, never under it: absolute, and quoted for the quote in it.
    const beside = join(dirname(process.cwd()), "it's here");
    assert.equal(
      appCommand(detective, beside),
      `node '${beside.replaceAll("'", "'\\''")}/server.js'`,
    );
    assert.match(appCommand(detective, beside), /'\\''s here\/server\.js'$/);
  });
});

describe("verify's verdict on a blocker", () => {
  const reading = (freshMs: number | null, quietP99Ms: number, busyP99Ms = quietP99Ms) => ({
    freshMs,
    quietP99Ms,
    busyP99Ms,
    reads: 200,
    writes: 16,
    badRead: null as { request: string; status: number } | null,
    readings: 1,
  });
  /** Runs whose loop lag p50 was `lag50` ms. */
  const lagged = (lag50: number) =>
    [1, 2].map((n) => completedRun(n, { lagP50Ms: lag50, lagP99Ms: 400, requestsPerSec: 30 }));
  const shop = [entry('shop', '/search', lagged(300)), entry('shop', '/signup/check', lagged(200))];
  const apps = { starter: 'shop', yours: 'yours' };

  test("a request blocker is fixed when the loop's lag p50 is under a third of the shop's", () => {
    const fixed = makeReport([...shop, entry('yours', '/search', lagged(99))]);
    const v = judgeBlocker(detective, blocker('search'), fixed, apps, null);
    assert.equal(v.fixed, true);
    assert.equal(v.checks[0]?.comparison, "yours 99.0 ms < the shop's 300 ms / 3 = 100 ms");
    const not = makeReport([...shop, entry('yours', '/search', lagged(101))]);
    const w = judgeBlocker(detective, blocker('search'), not, apps, null);
    assert.equal(w.fixed, false);
    assert.equal(w.checks[0]?.comparison, "yours 101 ms ≥ the shop's 300 ms / 3 = 100 ms");
  });

  test("a request route slowed down on purpose fails: it serves under half the shop's requests", () => {
    const slowed = [1, 2].map((n) => completedRun(n, { lagP50Ms: 0.5, requestsPerSec: 14 }));
    const v = judgeBlocker(
      detective,
      blocker('search'),
      makeReport([...shop, entry('yours', '/search', slowed)]),
      apps,
      null,
    );
    assert.equal(v.fixed, false);
    assert.deepEqual(
      v.checks.map((c) => c.holds),
      [true, false],
    );
    assert.equal(
      v.checks[1]?.comparison,
      "yours 14.0 req/s < the shop's 30.0 req/s / 2 = 15.0 req/s",
    );
  });

  test('a blocker whose runs all failed is not measured, neither fixed nor not, and says whose', () => {
    const failed = makeReport([...shop, entry('yours', '/search', [])]);
    const v = judgeBlocker(detective, blocker('search'), failed, apps, null);
    assert.equal(v.fixed, null);
    assert.equal(
      v.checks[0]?.comparison,
      'not measured for yours (a run failed: see the warnings)',
    );
    const theirs = makeReport([entry('shop', '/search', []), entry('yours', '/search', lagged(1))]);
    assert.match(
      judgeBlocker(detective, blocker('search'), theirs, apps, null).checks[0]?.comparison ?? '',
      /^not measured for the shop/,
    );
  });

  test("hard inputs, each asked alone: the upper median of yours under a quarter of the shop's fastest", () => {
    const report = makeReport([...shop, entry('yours', '/signup/check', lagged(1))]);
    const hard = (yoursMs: number[]) => ({
      requests: yoursMs.map((_, i) => `GET /signup/check?email=${i}`),
      starterMs: [60, 40, 90, 45, 120, 70],
      yoursMs,
    });
    const judge = (yoursMs: number[]) =>
      judgeBlocker(detective, blocker('signup'), report, apps, null, hard(yoursMs));
    assert.equal(judge([2, 1, 2, 1, 2, 1]).fixed, true);
    // One answer a timer's stall held, or two: the typical answer is still fast.
    assert.equal(judge([2, 1, 95, 1, 2, 1]).fixed, true);
    assert.equal(judge([2, 1, 95, 1, 80, 1]).fixed, true);
    // Guarded against some shapes only: the others still backtrack.
    const guarded = judge([45, 1, 50, 1, 60, 1]);
    assert.equal(guarded.fixed, false);
    assert.deepEqual(
      guarded.checks.map((c) => c.holds),
      [true, true, false],
    );
    assert.equal(
      guarded.checks[2]?.comparison,
      "yours 45.0 ms ≥ the shop's fastest 40.0 ms / 4 = 10.0 ms (GET /signup/check?email=0)",
    );
  });

  test("the periodic blocker: reads quiet and busy under half the shop's, the change shown in time, every read 2xx; not the bench's lag", () => {
    // The bench's lag on /products is no part of it: a 2 s window holds one rebuild, or none.
    const report = makeReport([entry('yours', '/products', lagged(200))]);
    const judge = (catalogue: Parameters<typeof judgeBlocker>[4]) =>
      judgeBlocker(detective, blocker('catalogue'), report, apps, catalogue);
    const against = (yours: ReturnType<typeof reading>) =>
      judge({ starter: reading(1900, 110, 100), yours });
    assert.equal(against(reading(2300, 12)).fixed, true);
    const holds = (r: ReturnType<typeof reading>) => against(r).checks.map((c) => c.holds);
    // Skipped, or put off while requests come: the change never shows.
    assert.deepEqual(holds(reading(null, 3)), [true, false, true, true]);
    assert.equal(
      against(reading(null, 3)).checks[1]?.comparison,
      'not shown within 4.50 s (the untouched shop: 1.90 s)',
    );
    // Rebuilt whole on each write: fresh, and each write stalls the reads.
    assert.deepEqual(holds(reading(5, 8, 90)), [true, true, false, true]);
    // Put off while stock changes: the quiet reads meet it.
    assert.deepEqual(holds(reading(5, 95, 6)), [false, true, true, true]);
    // A cache emptied while it is rebuilt: fast reads, some of them 404.
    const emptied = against({
      ...reading(2100, 5),
      badRead: { request: 'GET /products?page=3', status: 404 },
    });
    assert.equal(emptied.fixed, false);
    assert.equal(emptied.checks[3]?.comparison, 'GET /products?page=3 answered 404');
    assert.equal(
      against(reading(5, 95, 6)).checks[0]?.comparison,
      "yours 95.0 ms ≥ the shop's 110 ms / 2 = 55.0 ms",
    );
    assert.equal(judge(null).fixed, null);
  });

  test('a reading just over the bar is read again, and the better one judged, whole: the worse part against its bar, and the verdict says so', () => {
    const shop = reading(1900, 110, 100);
    // Bars: 55 ms quiet, 50 ms busy.
    assert.equal(readsAgainstBar(reading(2000, 11, 10), shop), 0.2);
    assert.equal(readsAgainstBar(reading(2000, 11, 75), shop), 1.5);
    assert.equal(readsAgainstBar(reading(2000, 55, 10), shop), 1);
    assert.equal(readsAgainstBar({ ...reading(2000, 11), busyP99Ms: null }, shop), null);
    assert.equal(readsAgainstBar(reading(2000, 11), { ...shop, quietP99Ms: 0 }), null);
    // Read again only just over the bar: a rebuild still on the loop reads at about twice it.
    assert.equal(readAgain(reading(2000, 11, 10), shop), false);
    assert.equal(readAgain(reading(2000, 55, 10), shop), true);
    assert.equal(readAgain(reading(2000, 11, 74), shop), true);
    assert.equal(readAgain(reading(2000, 11, 75), shop), false);
    assert.equal(readAgain(reading(2000, 110, 100), shop), false);
    assert.equal(readAgain({ ...reading(2000, 60), busyP99Ms: null }, shop), false);
    // The better reading, whole: its freshness and reads with it; either way, two were taken.
    const first = reading(2000, 60, 10);
    const second = { ...reading(null, 20, 40), writes: 17 };
    assert.deepEqual(betterReading(first, second, shop), { ...second, readings: 2 });
    assert.deepEqual(betterReading(second, first, shop), { ...second, readings: 2 });
    assert.deepEqual(betterReading(first, first, shop), { ...first, readings: 2 });
    const unmeasured = { ...reading(2000, 1), quietP99Ms: null };
    assert.deepEqual(betterReading(first, unmeasured, shop), { ...first, readings: 2 });
    assert.deepEqual(betterReading(unmeasured, first, shop), { ...first, readings: 2 });
    const report = makeReport([entry('yours', '/products', lagged(1))]);
    const v = judgeBlocker(detective, blocker('catalogue'), report, apps, {
      starter: shop,
      yours: { ...reading(2000, 20, 60), readings: 2 },
    });
    assert.equal(v.fixed, false);
    assert.equal(
      v.checks[2]?.comparison,
      "yours 60.0 ms ≥ the shop's 100 ms / 2 = 50.0 ms (the better of 2 readings)",
    );
    assert.equal(
      v.checks[0]?.comparison,
      "yours 20.0 ms < the shop's 110 ms / 2 = 55.0 ms (the better of 2 readings)",
    );
  });
});
