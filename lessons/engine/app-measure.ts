/**
 * Measuring an app lesson: the untouched app (or the learner's folder beside it), route by route,
 * as `bench --cmd … --path … --stalls` measures any server; and what the lesson's report says,
 * in the learner's own numbers.
 */
import { join, relative, resolve } from 'node:path';
import type { BenchOptions, Report } from '../../bench/report/types.ts';
import {
  type AppBenchHooks,
  type AppBenchSpec,
  type AppSide,
  runAppBench,
} from '../../bench/run/app-bench.ts';
import { STALL_THRESHOLD_MS } from '../../bench/run/options.ts';
import { packageRoot } from '../../core/package-info.ts';
import { shellWord } from '../../core/shell-word.ts';
import type { AppLesson, AppRoute } from './app-lesson.ts';
import { type CheckResult, evaluateCheck, type Lookup, lookupIn } from './claims.ts';
import { fillTemplate } from './explain.ts';
import { formatHeldByNotes, type HeldByNote } from './held-by.ts';

/**
 * The lesson's own run: one fresh app per route, 3 s each. A rebuild every 2 s falls in every
 * window, and the four routes take about 20 s in all.
 */
export const APP_LESSON_OPTIONS: Partial<BenchOptions> = {
  runs: 1,
  durationSec: 3,
  warmupSec: 0.5,
  stallThresholdMs: STALL_THRESHOLD_MS,
};

/** How long the app may take to listen: it builds its catalogue first. */
const READY_TIMEOUT_MS = 30_000;

/** The folder of one of the lesson's own apps: its starter or its solution. */
export const lessonAppFolder = (lesson: AppLesson, which: 'starter' | 'solution'): string =>
  join(packageRoot(), 'lessons', lesson.id, lesson[which]);

/**
 * The command that starts the app in `folder`, as a learner would type it from here: relative
 * when the folder is under the current directory, so the report and the stalls read short.
 */
export function appCommand(lesson: AppLesson, folder: string): string {
  const main = resolve(folder, lesson.main);
  const rel = relative(process.cwd(), main);
  return `node ${shellWord(rel.startsWith('..') ? main : rel)}`;
}

/** One app of a session: its report name and the folder it starts from. */
export interface AppFolder {
  name: string;
  folder: string;
}

/** The bench spec of `apps`, every route of the lesson, each with the requests of `seed`. */
export function appSpec(lesson: AppLesson, apps: readonly AppFolder[], seed: number): AppBenchSpec {
  const sides: AppSide[] = apps.map((a) => {
    const command = appCommand(lesson, a.folder);
    return { name: a.name, label: `--cmd "${command}"`, command, url: null };
  });
  return {
    sides,
    paths: lesson.routes.map((r) => {
      const requests = r.requests(seed);
      return { label: r.label, request: requests[0] as (typeof requests)[number], requests };
    }),
    pingPath: null,
    readyTimeoutMs: READY_TIMEOUT_MS,
    // The app's own port would be 3000: two apps started together would both want it.
    env: { ...process.env, PORT: '0' },
  };
}

/** Measures the untouched app, route by route. */
export function measureAppLesson(
  lesson: AppLesson,
  options: BenchOptions,
  seed: number,
  hooks: AppBenchHooks = {},
): Promise<Report> {
  const starter = { name: lesson.name, folder: lessonAppFolder(lesson, 'starter') };
  return runAppBench(appSpec(lesson, [starter], seed), options, hooks);
}

const routeByKey = (lesson: AppLesson, key: string): AppRoute | undefined =>
  lesson.routes.find((r) => r.key === key);

/**
 * Looks operands up by route key (`{measurement: 'shop', variant: 'search'}`) in a report whose
 * variants are the routes' labels, and whose scenarios are the apps' names.
 */
export function appLookup(lesson: AppLesson, report: Report): Lookup {
  return (o) => {
    const label = routeByKey(lesson, o.variant)?.label;
    if (!label) return null;
    const entry = report.results.find((r) => r.scenario === o.measurement && r.variant === label);
    if (!entry) return null;
    return lookupIn({ [o.measurement]: { ...report, results: [entry] } })({
      ...o,
      variant: label,
    });
  };
}

export interface AppLessonOutcome {
  prediction: {
    /** The route with the fewest requests a second; null when a route was not measured. */
    measured: string | null;
    answer: string | null;
    right: boolean | null;
  };
  claims: (CheckResult & { whenItFails: string })[];
  explanation: string;
  warnings: string[];
}

/** The route that served the fewest requests a second, or null when one was not measured. */
export function slowestRoute(lesson: AppLesson, report: Report): AppRoute | null {
  const lookup = appLookup(lesson, report);
  const rates = lesson.routes.map((r) => ({
    route: r,
    rate: lookup({ measurement: lesson.name, variant: r.key, metric: 'requestsPerSec' }),
  }));
  if (rates.some((r) => r.rate === null)) return null;
  return rates.reduce((a, b) => ((b.rate as number) < (a.rate as number) ? b : a)).route;
}

/** What the lesson's report says: pure. `answer` is the route key the learner predicted. */
export function appLessonOutcome(
  lesson: AppLesson,
  report: Report,
  template: string,
  answer: string | null,
): AppLessonOutcome {
  const lookup = appLookup(lesson, report);
  const measured = slowestRoute(lesson, report)?.key ?? null;
  const notes: HeldByNote[] = report.results.flatMap((r) =>
    r.stalls ? [{ measurement: lesson.name, label: '', variant: r.variant, stalls: r.stalls }] : [],
  );
  return {
    prediction: {
      measured,
      answer,
      right: answer === null || measured === null ? null : answer === measured,
    },
    claims: lesson.claims.map((c) => ({ ...evaluateCheck(c, lookup), whenItFails: c.whenItFails })),
    explanation: fillTemplate(template, lookup) + formatHeldByNotes(notes),
    warnings: report.warnings,
  };
}
