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
  /**
   * Reads of a page every few ms, each timed from when it was due: p99 while nothing changes
   * (longer than the timer's period), then while stock changes every 250 ms.
   */
  quietP99Ms: number | null;
  busyP99Ms: number | null;
  reads: number;
  writes: number;
  /** The first read answered with a status that is not 2xx (a cache emptied while rebuilt); null for none. */
  badRead: { request: string; status: number } | null;
  /**
   * How many readings were taken, each in a fresh process: 2 when the first one's reads were
   * just over the bar (readAgain), and this is the better of the two (betterReading).
   */
  readings: number;
}

/** A blocker's hard inputs, each asked alone of both apps (app-verify.ts): in the order asked. */
export interface HardReading {
  /** Each input, as a request line. */
  requests: string[];
  starterMs: number[];
  yoursMs: number[];
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

/**
 * A fix frees the loop: its lag under this share of the untouched app's. The median, not the
 * p99: a timer's stall a twentieth of the time (the periodic blocker, fixed or not) is in every
 * route's p99, never in its median; a request that holds the loop is in both. A third, not a
 * quarter: on a CI machine whose other tests took the cores, a fixed login's loop (its threadpool
 * busy on both cores) waited 40 ms and more at the median, where the untouched shop's waits
 * 130 to 430 ms and a loop still held by its work (Atomics.wait) waits as long as the shop's.
 */
export const LOOP_FACTOR = 1 / 3;
/**
 * A blocker's hard inputs, answered one at a time: the learner's typical answer under this share
 * of the shop's fastest. Typical: the upper median, so that the one answer a stall of the timer's
 * (not yet fixed, or a busy machine's) happened to hold does not count against the check.
 */
const HARD_FACTOR = 0.25;
/**
 * A fixed route still serves its users: at least this share of the untouched app's requests a
 * second. A route slowed down on purpose (a sleep before the same blocking work) leaves the loop
 * idle between requests, so its median lag is low; what it serves gives it away.
 */
const SERVED_FACTOR = 0.5;
/**
 * The catalogue check's reads, timed from when each was due: under this share of the untouched
 * app's. Half: the untouched app's p99 moves by half from one process to the next (the length of
 * its rebuild that day), and a fix's rose to 22 ms beside the untouched shop's 62 ms on a CI
 * machine busy with other tests; a rebuild still whole on the loop reaches the shop's, in one of
 * the two parts or both (a rebuild put off while stock changes, or moved into each write).
 */
const READ_FACTOR = 0.5;

/**
 * A reading's reads against their bar: the worse of its quiet and busy p99, each as a share of
 * its bar (READ_FACTOR × the untouched app's); under 1, both are under it. null: a part not
 * measured.
 */
export function readsAgainstBar(yours: CatalogueReading, starter: CatalogueReading): number | null {
  const parts: [number | null, number | null][] = [
    [yours.quietP99Ms, starter.quietP99Ms],
    [yours.busyP99Ms, starter.busyP99Ms],
  ];
  let worst = 0;
  for (const [mine, theirs] of parts) {
    if (mine === null || theirs === null || theirs <= 0) return null;
    worst = Math.max(worst, mine / (theirs * READ_FACTOR));
  }
  return worst;
}

/**
 * A learner's reading is taken again only when its reads are just over the bar: at it, and under
 * this many times it. A fix's reads beside other work reached just over it on CI (22.4 ms against
 * a bar of 20.8); a rebuild still whole on the loop reads at about twice its bar, and a second
 * chance would only help one whose stall falls in some readings and not in others.
 */
const READ_AGAIN_UNDER = 1.5;

/** Whether verify reads a learner's app again (readsAgainstBar at 1, under READ_AGAIN_UNDER). */
export function readAgain(yours: CatalogueReading, starter: CatalogueReading): boolean {
  const ratio = readsAgainstBar(yours, starter);
  return ratio !== null && ratio >= 1 && ratio < READ_AGAIN_UNDER;
}

/**
 * Of two readings of the same app, the one judged, whole (its freshness and 2xx with it): the
 * second when its reads are further under their bar; it says two were taken.
 */
export function betterReading(
  first: CatalogueReading,
  second: CatalogueReading,
  starter: CatalogueReading,
): CatalogueReading {
  const a = readsAgainstBar(first, starter);
  const b = readsAgainstBar(second, starter);
  return { ...(b !== null && (a === null || b < a) ? second : first), readings: 2 };
}

const entryOf = (report: Report, app: string, route: string): ResultEntry | undefined =>
  report.results.find((r) => r.scenario === app && r.variant === route);

/** `0.05 ms`, `7.40 ms`, `312 ms`; `4.50 s` from a second up. */
const ms = (v: number | null) =>
  v === null ? 'not measured' : v >= 1000 ? `${formatNumber(v / 1000)} s` : `${formatNumber(v)} ms`;

/** `/ 4` for a quarter, `× 0.3` for what is no whole fraction. */
const share = (factor: number) =>
  Number.isInteger(1 / factor) ? `/ ${1 / factor}` : `× ${factor}`;

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
  if (holds === null) {
    const which = right === null ? 'the shop' : 'yours';
    return {
      text,
      holds,
      comparison: `not measured for ${which} (a run failed: see the warnings)`,
    };
  }
  return {
    text,
    holds,
    comparison: `${names.yours} ${ms(left)} ${holds ? '<' : '≥'} ${names.theirs} ${ms(right)} ${share(factor)} = ${ms(limit)}`,
  };
}

/** One blocker's checks: the learner's app (`yours`) against the untouched one (`starter`). */
export function judgeBlocker(
  lesson: AppLesson,
  blocker: Blocker,
  report: Report,
  apps: { starter: string; yours: string },
  catalogue: { starter: CatalogueReading; yours: CatalogueReading } | null,
  hard: HardReading | null = null,
): BlockerVerdict {
  const route = lesson.routes.find((r) => r.key === blocker.route);
  const label = route?.label ?? blocker.route;
  const mine = entryOf(report, apps.yours, label);
  const theirs = entryOf(report, apps.starter, label);
  const checks: BlockerCheck[] = [];
  const names = { yours: 'yours', theirs: "the shop's" };
  if (blocker.kind === 'request') {
    checks.push(
      under(
        `${label}: the loop's lag p50 under load is under a third of the untouched shop's: no request holds it`,
        mine?.summary.lagP50Ms.mean ?? null,
        theirs?.summary.lagP50Ms.mean ?? null,
        LOOP_FACTOR,
        names,
      ),
    );
    const served = mine?.summary.requestsPerSec.mean ?? null;
    const theirsServed = theirs?.summary.requestsPerSec.mean ?? null;
    const floor = theirsServed === null ? null : theirsServed * SERVED_FACTOR;
    checks.push({
      text: `${label}: it still serves at least half the requests a second the untouched shop does`,
      holds: served === null || floor === null ? null : served >= floor,
      comparison:
        served === null || floor === null
          ? 'not measured (a run failed: see the warnings)'
          : `yours ${formatNumber(served)} req/s ${served >= floor ? '≥' : '<'} the shop's ${formatNumber(theirsServed as number)} req/s ${share(SERVED_FACTOR)} = ${formatNumber(floor)} req/s`,
    });
    if (blocker.hard && !hard) {
      checks.push({
        text: `${label}: inputs of shapes the load does not send`,
        holds: null,
        comparison: 'not measured',
      });
    }
    if (hard && hard.yoursMs.length > 0) {
      const fastest = Math.min(...hard.starterMs);
      const limit = fastest * HARD_FACTOR;
      const order = hard.yoursMs
        .map((_, i) => i)
        .sort((x, y) => (hard.yoursMs[y] as number) - (hard.yoursMs[x] as number));
      const at = order[Math.floor((order.length - 1) / 2)] as number;
      const typical = hard.yoursMs[at] as number;
      const holds = typical < limit;
      checks.push({
        text: `${label}: ${hard.yoursMs.length} inputs of shapes the load does not send, each asked alone, answered in under a quarter of the shop's fastest (the upper median of yours)`,
        holds,
        comparison: `yours ${ms(typical)} ${holds ? '<' : '≥'} the shop's fastest ${ms(fastest)} ${share(HARD_FACTOR)} = ${ms(limit)}${holds ? '' : ` (${hard.requests[at]})`}`,
      });
    }
  } else if (catalogue) {
    // Not the bench's lag on this route: a window of a couple of seconds holds one run of a timer
    // every 2 s, or none. The catalogue check reads on a clock, across at least one rebuild with
    // nothing written (a rebuild put off while stock changes is still a stall where none does).
    const { freshMs } = catalogue.yours;
    const bound = lesson.catalogue.freshWithinMs;
    const theirsFresh = ms(catalogue.starter.freshMs);
    const again =
      catalogue.yours.readings > 1 ? ` (the better of ${catalogue.yours.readings} readings)` : '';
    const read = (check: BlockerCheck) => ({ ...check, comparison: check.comparison + again });
    checks.push(
      read(
        under(
          `${label} read every 10 ms while nothing changes, timed from when each was due: p99 under half the untouched shop's`,
          catalogue.yours.quietP99Ms,
          catalogue.starter.quietP99Ms,
          READ_FACTOR,
          names,
        ),
      ),
    );
    checks.push({
      text: `a stock change still reaches ${label} within ${ms(bound)}, under load: the work is still done`,
      holds: freshMs !== null,
      comparison:
        freshMs === null
          ? `not shown within ${ms(bound)} (the untouched shop: ${theirsFresh})`
          : `shown after ${ms(freshMs)} (the untouched shop: ${theirsFresh})`,
    });
    checks.push(
      read(
        under(
          `${label} read every 10 ms while stock changes, timed from when each was due: p99 under half the untouched shop's`,
          catalogue.yours.busyP99Ms,
          catalogue.starter.busyP99Ms,
          READ_FACTOR,
          names,
        ),
      ),
    );
    const bad = catalogue.yours.badRead;
    checks.push({
      text: `every read of ${label} answered 2xx: the cache is whole while it is rebuilt`,
      holds: bad === null,
      comparison:
        bad === null ? `${catalogue.yours.reads} reads` : `${bad.request} answered ${bad.status}`,
    });
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
