/**
 * Verifying an app lesson's exercise: the learner's folder and the untouched app, started the
 * same way (`node <folder>/server.js`, the probe preloaded), given the same inputs, measured under
 * the same load in one session, route by route; each blocker judged on its own (app-judge.ts).
 *
 * Three things keep a fix honest. Every answer must be the untouched app's, to the edges of every
 * route and to inputs the load sends. The load's inputs are new every session and each connection
 * sends its own, so an app that remembers answers meets few repeats. And the catalogue check
 * changes stock while it reads, timed from when each read was due: a cache that is no longer
 * rebuilt, or rebuilt only when no one is looking, or rebuilt whole on each write, is caught.
 */
import { randomInt } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchOptions, Report } from '../../bench/report/types.ts';
import { type Answer, describeRequest, fetchAnswer, sameAnswer } from '../../bench/run/answer.ts';
import { type AppServer, startApp } from '../../bench/run/app/app.ts';
import { type AppBenchHooks, runAppBench } from '../../bench/run/app-bench.ts';
import { seededRandom } from '../../bench/run/load/open-schedule.ts';
import { STALL_THRESHOLD_MS } from '../../bench/run/options.ts';
import type { RequestSpec } from '../../bench/run/process/target.ts';
import { percentile } from '../../bench/stats/descriptive.ts';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { OutgoingRequest } from '../../scenarios/request.ts';
import {
  type BlockerVerdict,
  betterReading,
  type CatalogueReading,
  type HardReading,
  judgeBlocker,
  readAgain,
} from './app-judge.ts';
import type { AppLesson } from './app-lesson.ts';
import { type AppFolder, appCommand, appSpec, lessonAppFolder } from './app-measure.ts';

/** verify's defaults for an app: two runs per route and app, stalls caught. */
export const APP_VERIFY_OPTIONS: Partial<BenchOptions> = {
  runs: 2,
  durationSec: 2,
  warmupSec: 0.5,
  stallThresholdMs: STALL_THRESHOLD_MS,
};

/** The learner's apps' names in the session's report; the untouched app's is the lesson's `name`. */
const yoursName = (i: number) => (i === 0 ? 'yours' : `yours-${i + 1}`);

export interface AppEquivalence {
  same: boolean;
  /** How many requests both apps were asked. */
  requests: number;
  /** The first that differed, with both answers; null when none did. */
  differs: { request: string; starter: string; yours: string } | null;
}

export interface AppVerifyResult {
  folder: string;
  passed: boolean;
  equivalence: AppEquivalence;
  /** Empty when the answers differed: an app that answers wrongly is not measured. */
  blockers: BlockerVerdict[];
  catalogue: { starter: CatalogueReading; yours: CatalogueReading } | null;
  report: Report | null;
}

export interface AppVerifyHooks extends AppBenchHooks {
  /** The lesson's number, for what a message tells the learner to run (default: its id). */
  number?: number;
  onAnswers?: () => void;
  onCatalogue?: () => void;
  /** A learner's app is read again: its first reading's reads were just over the bar. */
  onCatalogueAgain?: (folder: string) => void;
  onLoad?: () => void;
}

/** @throws {LooplabError} LOOPLAB_ERR_NO_SUCH_FILE when the folder or its main file is missing. */
export async function assertAppFolder(
  lesson: AppLesson,
  folder: string,
  number: number | string,
): Promise<string> {
  const path = resolve(folder);
  const info = await stat(path).catch(() => undefined);
  const main = await stat(join(path, lesson.main)).catch(() => undefined);
  if (!info?.isDirectory() || !main?.isFile()) {
    throw new LooplabError(
      ERROR_CODES.NO_SUCH_FILE,
      !info
        ? `${folder} does not exist; create it with: looplab lesson ${number} --exercise`
        : !info.isDirectory()
          ? `${folder} is not a folder: give verify the app's folder (the one with ${lesson.main})`
          : `${folder} has no ${lesson.main}; the app starts with: node ${lesson.main}`,
    );
  }
  return path;
}

const outgoing = (r: RequestSpec): OutgoingRequest => ({ ...r, body: r.body ?? Buffer.alloc(0) });

/** Starts an app of the session, as bench starts it; a learner's that cannot start is exit 2. */
async function start(lesson: AppLesson, app: AppFolder, learner: boolean): Promise<AppServer> {
  const command = appCommand(lesson, app.folder);
  try {
    return await startApp({
      command,
      label: `--cmd "${command}"`,
      pingPath: null,
      timelineIntervalMs: 100,
      readyTimeoutMs: 30_000,
      env: { ...process.env, PORT: '0' },
    });
  } catch (err) {
    if (!learner || !(err instanceof LooplabError)) throw err;
    throw new LooplabError(
      ERROR_CODES.BAD_EXERCISE,
      `${app.folder} did not start: ${err.message}; fix it and run verify again`,
      { cause: err },
    );
  }
}

/** What the app's failure to answer means, as an error for the learner. */
async function fault(server: AppServer, app: AppFolder, request: string, err: unknown) {
  const exit = await Promise.race([server.exited, sleep(500, null, { ref: false })]);
  const why = exit
    ? `crashed (${exit.signal ?? `exit code ${exit.code}`})${server.tail()}`
    : `did not answer (${err instanceof Error ? err.message : String(err)})`;
  return new LooplabError(
    ERROR_CODES.BAD_EXERCISE,
    `${app.folder} ${why} while answering ${request}; fix it and run verify again`,
  );
}

const shown = (a: Answer) => `${a.status} ${a.bodyStart}`;

/** One answer, and how long it took. */
async function timedAnswer(origin: string, request: OutgoingRequest, timeoutMs: number) {
  const began = performance.now();
  const answer = await fetchAnswer(origin, request, timeoutMs);
  return { answer, ms: performance.now() - began };
}

/**
 * Asks both apps every request, one at a time, and compares the answers; then each blocker's
 * hard inputs the same way, timing each answer: once each, since a second answer to the same
 * input could come from a cache the first one filled.
 */
async function compareAnswers(
  lesson: AppLesson,
  starter: AppServer,
  yours: AppServer,
  app: AppFolder,
  seed: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ equivalence: AppEquivalence; hard: Map<string, HardReading> }> {
  const requests = [
    ...lesson.edges(seed),
    ...lesson.routes.flatMap((r) => r.requests(seed + 1).slice(0, SAMPLED_PER_ROUTE)),
  ];
  const hardOnes = lesson.blockers.flatMap((b) =>
    (b.hard?.(seed + 2) ?? []).map((request) => ({ blocker: b.id, request })),
  );
  const hard = new Map<string, HardReading>();
  const count = requests.length + hardOnes.length;
  const ask = async (spec: RequestSpec) => {
    signal?.throwIfAborted();
    const request = outgoing(spec);
    const theirs = await timedAnswer(starter.origin, request, timeoutMs);
    const mine = await timedAnswer(yours.origin, request, timeoutMs).catch(async (err: unknown) => {
      throw await fault(yours, app, describeRequest(request), err);
    });
    const differs = sameAnswer(theirs.answer, mine.answer)
      ? null
      : {
          request: describeRequest(request),
          starter: shown(theirs.answer),
          yours: shown(mine.answer),
        };
    return { theirs, mine, differs, line: describeRequest(request) };
  };
  for (const spec of requests) {
    const { differs } = await ask(spec);
    if (differs) return { equivalence: { same: false, requests: count, differs }, hard };
  }
  for (const { blocker, request } of hardOnes) {
    const { theirs, mine, differs, line } = await ask(request);
    if (differs) return { equivalence: { same: false, requests: count, differs }, hard };
    const reading = hard.get(blocker) ?? { requests: [], starterMs: [], yoursMs: [] };
    reading.requests.push(line);
    reading.starterMs.push(theirs.ms);
    reading.yoursMs.push(mine.ms);
    hard.set(blocker, reading);
  }
  return { equivalence: { same: true, requests: count, differs: null }, hard };
}

/** How often the catalogue check reads, and changes stock. */
const READ_EVERY_MS = 10;
const WRITE_EVERY_MS = 250;
const POLL_EVERY_MS = 100;
/** Reads with nothing written first: longer than the timer's 2 s period, so a rebuild falls in. */
const QUIET_MS = 2500;
/**
 * Then the reads go on while stock changes, at least this long (again longer than the timer's
 * period: a rebuild put off until something changed falls in), and a little past the change showing.
 */
const BUSY_AT_LEAST_MS = 2500;
const READ_PAST_FRESH_MS = 300;

/** The p99 of `latencies`, or null for none. */
const p99 = (latencies: number[]) =>
  latencies.length === 0
    ? null
    : percentile(
        latencies.sort((a, b) => a - b),
        99,
      );

/**
 * Reads pages every 10 ms, each read timed from when it was due (so a stall counts for every read
 * it held): first with nothing written, for longer than the timer's period; then while changing
 * one product's stock to a new value, polling its page until the value shows, and other products'
 * stock every 250 ms. How long until the change showed, and how the reads fared in each part.
 */
async function readCatalogue(
  lesson: AppLesson,
  server: AppServer,
  seed: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<CatalogueReading> {
  const c = lesson.catalogue;
  const rand = seededRandom(seed);
  const next = (n: number) => 1 + Math.floor(rand() * n);
  const ask = (r: RequestSpec, parse = false) =>
    fetchAnswerBody(server.origin, outgoing(r), timeoutMs, parse);
  const item = next(c.items);
  const value = 1_000_000 + next(1_000_000);
  const quiet: number[] = [];
  const busy: number[] = [];
  // Sent and not awaited one by one: each failure is kept, and thrown once all have settled (a
  // rejection left unheld would end the process: Ctrl-C stops the app under them).
  const inFlight: Promise<unknown>[] = [];
  let failed: { error: unknown } | null = null;
  let badRead: CatalogueReading['badRead'] = null;
  const send = (request: RequestSpec, then: (status: number) => void = () => {}) =>
    inFlight.push(
      ask(request).then(
        ({ status }) => then(status),
        (error: unknown) => {
          failed ??= { error };
        },
      ),
    );
  const began = performance.now();
  const busyFrom = began + QUIET_MS;
  // Moved up once the change shows: the reads and the other changes stop then.
  let endAt = busyFrom + c.freshWithinMs + READ_PAST_FRESH_MS;
  let writes = 0;
  // The reads: on a clock, whatever the answers do.
  const reads = (async () => {
    for (let due = began; due < endAt && !signal?.aborted; due += READ_EVERY_MS) {
      await sleep(Math.max(0, due - performance.now()));
      const dueAt = due;
      const into = due < busyFrom ? quiet : busy;
      const read = c.read(next(c.pages));
      send(read, (status) => {
        into.push(performance.now() - dueAt);
        if ((status < 200 || status > 299) && !badRead)
          badRead = { request: describeRequest(outgoing(read)), status };
      });
    }
  })();
  await sleep(QUIET_MS, null, { signal }).catch(() => signal?.throwIfAborted());
  signal?.throwIfAborted();
  // Other products' stock, changing as orders come in.
  const others = (async () => {
    while (performance.now() + WRITE_EVERY_MS < endAt && !signal?.aborted) {
      await sleep(WRITE_EVERY_MS);
      writes++;
      send(c.write(next(c.items), next(500)));
    }
  })();
  await ask(c.write(item, value));
  writes++;
  const written = performance.now();
  let freshMs: number | null = null;
  while (performance.now() - written < c.freshWithinMs) {
    signal?.throwIfAborted();
    const { body } = await ask(c.read(c.pageOf(item)), true);
    if (c.shown(body, item) === value) {
      freshMs = performance.now() - written;
      endAt = Math.max(busyFrom + BUSY_AT_LEAST_MS, performance.now() + READ_PAST_FRESH_MS);
      break;
    }
    await sleep(POLL_EVERY_MS);
  }
  await Promise.all([reads, others]);
  await Promise.all(inFlight);
  signal?.throwIfAborted();
  if (failed) throw (failed as { error: unknown }).error;
  return {
    freshMs,
    quietP99Ms: p99(quiet),
    busyP99Ms: p99(busy),
    reads: quiet.length + busy.length,
    writes,
    badRead,
    readings: 1,
  };
}

/** Loaded on first use, once: the catalogue check reads every 10 ms. */
let undici: typeof import('undici') | undefined;

/**
 * An answer's status and, with `parse`, its JSON body (null when it is not JSON). Without, the
 * body is only read: parsing every read's page would keep this process's own loop busy, and delay
 * the reads it times.
 */
async function fetchAnswerBody(
  origin: string,
  request: OutgoingRequest,
  timeoutMs: number,
  parse: boolean,
): Promise<{ status: number; body: unknown }> {
  undici ??= await import('undici');
  const res = await undici.request(`${origin}${request.path}`, {
    method: request.method as 'GET',
    headers: { ...request.headers },
    ...(request.body.length > 0 && { body: request.body }),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  if (!parse) {
    await res.body.arrayBuffer();
    return { status: res.statusCode, body: null };
  }
  const text = await res.body.text();
  try {
    return { status: res.statusCode, body: JSON.parse(text) };
  } catch {
    return { status: res.statusCode, body: null };
  }
}

/** The catalogue check of one app, in a fresh process of its own. */
async function catalogueOf(
  lesson: AppLesson,
  app: AppFolder,
  learner: boolean,
  seed: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<CatalogueReading> {
  const server = await start(lesson, app, learner);
  try {
    return await readCatalogue(lesson, server, seed, timeoutMs, signal).catch(
      async (err: unknown) => {
        // Stopped (Ctrl-C): the servers went first, and their connections with them.
        signal?.throwIfAborted();
        throw learner ? await fault(server, app, 'the catalogue check', err) : err;
      },
    );
  } finally {
    await server.stop();
  }
}

/** How many of each route's load requests the answers are compared on, besides the edges. */
const SAMPLED_PER_ROUTE = 8;

/**
 * Verifies learners' app folders against the untouched app, in one session: the answers, the
 * catalogue check, then every route of every app under load, interleaved run by run.
 *
 * @throws {LooplabError} for a folder that is missing or whose app cannot start or answer.
 */
export async function verifyApps(
  lesson: AppLesson,
  folders: readonly string[],
  options: BenchOptions,
  hooks: AppVerifyHooks = {},
): Promise<AppVerifyResult[]> {
  const paths: string[] = [];
  for (const folder of folders)
    paths.push(await assertAppFolder(lesson, folder, hooks.number ?? lesson.id));
  const seed = randomInt(2 ** 31);
  const starterApp: AppFolder = { name: lesson.name, folder: lessonAppFolder(lesson, 'starter') };
  const learners: AppFolder[] = paths.map((folder, i) => ({ name: yoursName(i), folder }));
  const timeoutMs = options.timeoutSec * 1000;

  const { signal } = hooks;
  // Every error after a stop is the stop: the servers are gone, their connections with them.
  const orStop = (err: unknown) => {
    signal?.throwIfAborted();
    throw err;
  };
  const equivalences: AppEquivalence[] = [];
  const hard = new Map<string, Map<string, HardReading>>();
  const starter = await start(lesson, starterApp, false).catch(orStop);
  try {
    for (const app of learners) {
      const yours = await start(lesson, app, true).catch(orStop);
      try {
        const compared = await compareAnswers(
          lesson,
          starter,
          yours,
          app,
          seed,
          timeoutMs,
          signal,
        ).catch(orStop);
        equivalences.push(compared.equivalence);
        hard.set(app.name, compared.hard);
      } finally {
        await yours.stop();
      }
    }
  } finally {
    await starter.stop();
  }
  hooks.onAnswers?.();
  signal?.throwIfAborted();

  const answering = learners.filter((_, i) => equivalences[i]?.same);
  // The learners' readings by app name, each judged against the untouched app's one reading.
  const catalogues = new Map<string, CatalogueReading>();
  let starterReading: CatalogueReading | undefined;
  if (answering.length > 0) {
    hooks.onCatalogue?.();
    const read = (app: AppFolder) =>
      catalogueOf(lesson, app, app !== starterApp, seed, timeoutMs, signal).catch(orStop);
    starterReading = await read(starterApp);
    for (const app of answering) {
      let reading = await read(app);
      // Just over the bar: read again, in a fresh process, and judge the better reading (a fix's
      // reads on a machine busy with other work reached the bar once in a while, on CI).
      if (readAgain(reading, starterReading)) {
        signal?.throwIfAborted();
        hooks.onCatalogueAgain?.(app.folder);
        reading = betterReading(reading, await read(app), starterReading);
      }
      catalogues.set(app.name, reading);
    }
  }
  let report: Report | null = null;
  if (answering.length > 0) {
    hooks.onLoad?.();
    report = await runAppBench(appSpec(lesson, [starterApp, ...answering], seed), options, hooks);
  }

  return learners.map((app, i) => {
    const equivalence = equivalences[i] as AppEquivalence;
    const yoursReading = catalogues.get(app.name);
    const catalogue =
      starterReading && yoursReading ? { starter: starterReading, yours: yoursReading } : null;
    if (!report || !equivalence.same)
      return {
        folder: folders[i] as string,
        passed: false,
        equivalence,
        blockers: [],
        catalogue,
        report: null,
      };
    const measured = report;
    const blockers = lesson.blockers.map((b) =>
      judgeBlocker(
        lesson,
        b,
        measured,
        { starter: lesson.name, yours: app.name },
        catalogue,
        hard.get(app.name)?.get(b.id) ?? null,
      ),
    );
    return {
      folder: folders[i] as string,
      passed: blockers.every((b) => b.fixed === true),
      equivalence,
      blockers,
      catalogue,
      report,
    };
  });
}
