/**
 * The verdict in plain words, from the measured means: what a learner reads first.
 */
import { formatMs, formatRate, formatRatio } from '../../core/numbers.ts';
import type { Summary } from '../stats/descriptive.ts';
import { NO_PROBE_TEXT } from './diagnosis.ts';
import type { ResultEntry, ScenarioVerdict } from './types.ts';

/**
 * With a single run there is no interval, only the run-to-run noise seen on this kind of
 * machine: 7-15% for most scenarios, worse for the trivial ones. A difference under this share
 * of the larger mean is not called.
 */
export const SINGLE_RUN_MARGIN = 0.25;

/** True when the two means cannot be told apart: their 95% intervals overlap, or, without intervals, they are within SINGLE_RUN_MARGIN. */
export function indistinguishable(a: Summary, b: Summary): boolean {
  if (a.mean === null || b.mean === null) return false;
  if (a.ci95 && b.ci95) return a.ci95[0] <= b.ci95[1] && b.ci95[0] <= a.ci95[1];
  const hi = Math.max(a.mean, b.mean);
  return hi === 0 || Math.abs(a.mean - b.mean) / hi < SINGLE_RUN_MARGIN;
}

function compareToSync(sync: ResultEntry, other: ResultEntry): string {
  const v = other.variant;
  const s = sync.summary;
  const o = other.summary;
  if (o.requestsPerSec.mean === null) return `${v}: no completed run`;
  if (s.requestsPerSec.mean === null) return `sync: no completed run`;

  const parts: string[] = [];
  const ratio = o.requestsPerSec.mean / s.requestsPerSec.mean;
  const bars = o.requestsPerSec.ci95 && s.requestsPerSec.ci95;
  const caveat = bars ? '' : ' (a single run: no error bars)';
  if (o.requestsPerSec.mean === 0 && s.requestsPerSec.mean === 0) {
    parts.push(
      `neither ${v} nor sync completed a request in the window: make it longer, or the work smaller`,
    );
  } else if (o.requestsPerSec.mean === 0 || s.requestsPerSec.mean === 0) {
    const [served, idle] = o.requestsPerSec.mean === 0 ? ['sync', v] : [v, 'sync'];
    parts.push(`${idle} completed no request in the window while ${served} did`);
  } else if (indistinguishable(o.requestsPerSec, s.requestsPerSec)) {
    parts.push(
      `${v} and sync served too nearly the same to tell apart (${formatRate(o.requestsPerSec.mean)} vs ${formatRate(s.requestsPerSec.mean)} req/s; ${bars ? 'their 95% intervals overlap' : `within ${SINGLE_RUN_MARGIN * 100}%, a single run`})`,
    );
  } else if (ratio >= 1) {
    parts.push(`${v} served ${formatRatio(ratio)} the requests of sync${caveat}`);
  } else {
    parts.push(`sync served ${formatRatio(1 / ratio)} the requests of ${v}${caveat}`);
  }

  const oLag = o.lagMaxMs.max;
  const sLag = s.lagMaxMs.max;
  if (oLag !== null && sLag !== null) {
    parts.push(
      `${v}'s event loop never stalled more than ${formatMs(oLag)}, sync's stalled ${formatMs(sLag)}`,
    );
  }
  const oPing = o.pingP99Ms.mean;
  const sPing = s.pingP99Ms.mean;
  if (oPing !== null && sPing !== null) {
    parts.push(`/ping p99 ${formatMs(oPing)} vs ${formatMs(sPing)}`);
  }
  return parts.join('; ');
}

/**
 * An app's paths (`bench --cmd`, `--url`): each one's throughput and loop lag, and which held the
 * loop longest.
 */
function appVerdict(entries: readonly ResultEntry[]): string {
  const parts = entries.map((e) => {
    const rate = e.summary.requestsPerSec.mean;
    const lag = e.summary.lagP99Ms.mean;
    const served = rate === null ? 'no completed run' : `${formatRate(rate)} req/s`;
    if (e.target?.probe === false) return `${e.variant}: ${served}`;
    return `${e.variant}: ${served}${lag === null ? '' : `, loop lag p99 ${formatMs(lag)}`}`;
  });
  if (entries.some((e) => e.target?.probe === false)) {
    return `${parts.join('; ')}; loop lag ${NO_PROBE_TEXT}.`;
  }
  const stalled = entries.filter((e) => e.summary.lagMaxMs.max !== null);
  if (stalled.length < 2) return `${parts.join('; ')}.`;
  const worst = stalled.reduce((a, b) =>
    (b.summary.lagMaxMs.max as number) > (a.summary.lagMaxMs.max as number) ? b : a,
  );
  const best = stalled.reduce((a, b) =>
    (b.summary.lagMaxMs.max as number) < (a.summary.lagMaxMs.max as number) ? b : a,
  );
  return (
    `${parts.join('; ')}. The loop stalled longest on ${worst.variant} ` +
    `(${formatMs(worst.summary.lagMaxMs.max as number)}), least on ${best.variant} ` +
    `(${formatMs(best.summary.lagMaxMs.max as number)}).`
  );
}

/** One sentence per non-sync variant, comparing it with `sync`; for an app, one per path. */
export function scenarioVerdict(entries: readonly ResultEntry[]): string {
  if (entries[0]?.target) return appVerdict(entries);
  const sync = entries.find((e) => e.variant === 'sync');
  if (!sync) return 'no sync variant measured';
  const others = entries.filter((e) => e !== sync);
  if (others.length === 0) return 'only sync was measured: nothing to compare it with.';
  return `${others.map((o) => compareToSync(sync, o)).join('. ')}.`;
}

/** The verdict of every scenario in `results`, in the order they first appear. */
export function scenarioVerdicts(results: readonly ResultEntry[]): ScenarioVerdict[] {
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  return scenarios.map((scenario) => ({
    scenario,
    text: scenarioVerdict(results.filter((r) => r.scenario === scenario)),
  }));
}
