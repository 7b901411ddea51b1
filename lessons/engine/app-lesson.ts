/**
 * The contract of a lesson whose exercise is a whole app, not one handler: the capstone.
 *
 * The learner gets a folder (an app of several routes that starts with `node server.js`), finds
 * what blocks its event loop with the tools an engineer uses on their own server (`bench --cmd`,
 * `--stalls`, `--vs-cmd`), and fixes it. verify runs the learner's folder and the untouched app
 * as two commands under the same load, route by route, and judges each blocker on its own.
 */
import type { RequestSpec } from '../../bench/run/process/target.ts';
import type { Claim } from './types.ts';

/** One route of the app, loaded on its own: a fresh app per run, as `bench --cmd --path` does. */
export interface AppRoute {
  /** Names it in claims and templates: `{shop.search.lagP99Ms}`. */
  key: string;
  /** The column the table shows, as a learner would type it to `--path`. */
  label: string;
  /**
   * What the load sends, cycled: many different inputs, new for every session (`seed`), so that
   * an app that remembers its answers finds few repeats.
   */
  requests(seed: number): RequestSpec[];
}

/** What makes the app block, one per module of the app: judged on its own by verify. */
export interface Blocker {
  id: string;
  /** The route whose runs judge it. */
  route: string;
  /** The app's module that holds it: verify names it, and a test builds "all fixed but this". */
  module: string;
  /**
   * `request`: each request to its route does the work on the loop; fixed when the loop's CPU
   * per request on that route falls under a quarter of the untouched app's.
   * `periodic`: a timer does the work, whatever the requests; fixed when reads of its (otherwise
   * cheap) route, on a clock, wait under half as long as the untouched app's at p99, and the work
   * still runs (the catalogue check).
   */
  kind: 'request' | 'periodic';
  /** What it is, for verify's verdict once it is fixed or not: "the search's scoring". */
  what: string;
  /** One nudge, for `looplab hint`: where to look and what kind of fix, not the fix. */
  hint: string;
  /**
   * Inputs that cost the untouched app the most, of shapes the load does not send, new for every
   * `seed`: verify asks each alone, and a fix must answer each fast (a regular expression that
   * cannot backtrack), not only the load's (one guarded against the load's shape still can).
   */
  hard?(seed: number): RequestSpec[];
}

/**
 * The periodic blocker's own check: the work a timer does must still be done while the app is
 * under load, and must not stall the loop where no timer runs (a write, say).
 */
export interface CatalogueCheck {
  /** A cheap read the phase keeps loading, timed from when each was due: `page` is 1-based. */
  read(page: number): RequestSpec;
  /** A change the timer's work must show within `freshWithinMs`; `value` is new every time. */
  write(item: number, value: number): RequestSpec;
  /** Which read shows `item`, and the value it shows there, from the read's JSON body. */
  pageOf(item: number): number;
  shown(body: unknown, item: number): number | null;
  /** How many items and pages there are to choose from. */
  items: number;
  pages: number;
  /** The timer's period plus its own work's time, with room: a change must show by then. */
  freshWithinMs: number;
}

export interface AppLesson {
  kind: 'app';
  id: string;
  title: string;
  /** The folders under the lesson's own: the untouched app (the starter) and the reference solution. */
  starter: string;
  solution: string;
  /** The file `node` starts, in either folder. */
  main: string;
  /** The app's name in reports: `shop`. */
  name: string;
  /**
   * What a learner gives `bench --path` to load each route as its users do: one request each, as
   * an engineer takes it from the access log (`POST /login @requests/login.json`: a body file in
   * the app's folder, named from it).
   */
  paths: string[];
  routes: AppRoute[];
  blockers: Blocker[];
  catalogue: CatalogueCheck;
  /**
   * Requests verify compares both apps' answers to besides some of the load's: the edges of
   * every route (a wrong password, an empty query, a page past the last), new for every `seed`.
   */
  edges(seed: number): RequestSpec[];
  /** Which route a learner thinks slowest; the answer is the one with the fewest requests/s. */
  prediction: { question: string };
  /** Checked on the lesson's report, keyed `{measurement: name, variant: route key}`. */
  claims: Claim[];
  exercise: { task: string };
}

export const defineAppLesson = (lesson: Omit<AppLesson, 'kind'>): AppLesson => ({
  kind: 'app',
  ...lesson,
});

/** Whether a lesson of the course is an app lesson. */
export const isAppLesson = (lesson: object): lesson is AppLesson =>
  'kind' in lesson && lesson.kind === 'app';
