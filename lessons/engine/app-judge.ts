/**
 * verify's verdict on an app lesson, blocker by blocker: pure, from the session's report and the
 * catalogue check's readings of the untouched app and the learner's.
 */
import { blockerText, heldBy } from '../../bench/report/stalls.ts';
import type { Report, ResultEntry } from '../../bench/report/types.ts';
import { formatNumber } from '../../core/numbers.ts';
import type { AppLesson, Blocker } from './app-lesson.ts';

/** What the catalogue check read from one app (app-verify.ts). */
export interface CatalogueReading {
  /** How long a change took to show, from the write's answer; null: not within the bound. */
  freshMs: number | null;
  /** Reads of a page every few ms, each timed from when it was due. */
  readP99Ms: number | null;
  reads: number;
  writes: number;
}

export interface BlockerCheck {
  text: string;
  /** null: not measured (a run failed). */
  holds: boolean | null;
  /** The numbers compared, in words. */
  comparison: string;
}

export interface BlockerVerdict {
  id: string;
  what: string;
  module: string;
  route: string;
  /** Every check holds; null when one was not measured and none failed. */
  fixed: boolean | null;
  checks: BlockerCheck[];
  /** The code that held the learner's loop longest on this route, when it is not fixed. */
  heldBy: { text: string; share: number } | null;
  hint: string;
}

/** A fix moves a request's work off the loop, or makes it cheap: under this share of the untouched app's. */
export const LOOP_FACTOR = 0.25;
/** The catalogue check's reads, timed from when each was due: under this share of the untouched app's. */
const READ_FACTOR = 0.5;

const mean = (values: readonly number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

const entryOf = (report: Report, app: string, route: string): ResultEntry | undefined =>
  report.results.find((r) => r.scenario === app && r.variant === route);

/**
 * CPU time of the loop's thread per request answered, over the completed runs: what each request
 * costs the one thread every request needs. null when no run measured it.
 */
export function loopCpuPerRequestMs(entry: ResultEntry | undefined): number | null {
  const perRun = (entry?.runs ?? []).flatMap((r) =>
    r.state === 'completed' && typeof r.loopCpuMs === 'number' && r.requestsTotal > 0
      ? [r.loopCpuMs / r.requestsTotal]
      : [],
  );
  return mean(perRun);
}

/** `0.05 ms`, `7.40 ms`, `312 ms`; `4.50 s` from a second up. */
const ms = (v: number | null) =>
  v === null ? 'not measured' : v >= 1000 ? `${formatNumber(v / 1000)} s` : `${formatNumber(v)} ms`;

/** `left < right × factor`, with the numbers in words; null when either was not measured. */
function under(
  text: string,
  left: number | null,
  right: number | null,
  factor: number,
  names: { yours: string; theirs: string },
): BlockerCheck {
  const limit = right === null ? null : right * factor;
  const holds = left === null || limit === null ? null : left < limit;
  return {
    text,
    holds,
    comparison: `${names.yours} ${ms(left)} ${holds === false ? '≥' : '<'} ${names.theirs} ${ms(right)} × ${factor} = ${ms(limit)}`,
  };
}

/** One blocker's checks: the learner's app (`yours`) against the untouched one (`starter`). */
export function judgeBlocker(
  lesson: AppLesson,
  blocker: Blocker,
  report: Report,
  apps: { starter: string; yours: string },
  catalogue: { starter: CatalogueReading; yours: CatalogueReading } | null,
): BlockerVerdict {
  const route = lesson.routes.find((r) => r.key === blocker.route);
  const label = route?.label ?? blocker.route;
  const mine = entryOf(report, apps.yours, label);
  const theirs = entryOf(report, apps.starter, label);
  const checks: BlockerCheck[] = [];
  if (blocker.kind === 'request') {
    checks.push(
      under(
        `${label}: the loop's CPU per request is under a quarter of the untouched shop's`,
        loopCpuPerRequestMs(mine),
        loopCpuPerRequestMs(theirs),
        LOOP_FACTOR,
        { yours: 'yours', theirs: "the shop's" },
      ),
    );
  } else if (catalogue) {
    // Not the bench's lag on this route: a window of a couple of seconds holds one run of a timer
    // every 2 s, or none. The catalogue check reads on a clock, across at least one rebuild.
    const { freshMs } = catalogue.yours;
    const bound = lesson.catalogue.freshWithinMs;
    const theirsFresh = ms(catalogue.starter.freshMs);
    checks.push({
      text: `a stock change still reaches ${label} within ${ms(bound)}, under load: the work is still done`,
      holds: freshMs !== null,
      comparison:
        freshMs === null
          ? `not shown within ${ms(bound)} (the untouched shop: ${theirsFresh})`
          : `shown after ${ms(freshMs)} (the untouched shop: ${theirsFresh})`,
    });
    checks.push(
      under(
        `${label} read every few ms while stock changes, timed from when each was due: p99 under half the untouched shop's`,
        catalogue.yours.readP99Ms,
        catalogue.starter.readP99Ms,
        READ_FACTOR,
        { yours: 'yours', theirs: "the shop's" },
      ),
    );
  } else {
    // The answers differed, or the check was stopped: nothing to judge the timer's work by.
    checks.push({ text: `${label}: the catalogue check`, holds: null, comparison: 'not measured' });
  }
  const fixed = checks.some((c) => c.holds === false)
    ? false
    : checks.every((c) => c.holds === true)
      ? true
      : null;
  const held = fixed === true ? null : heldBy(mine?.stalls);
  return {
    id: blocker.id,
    what: blocker.what,
    module: blocker.module,
    route: label,
    fixed,
    checks,
    heldBy:
      held?.by === 'code'
        ? { text: blockerText(held.stack.frames), share: held.stack.share }
        : null,
    hint: blocker.hint,
  };
}
