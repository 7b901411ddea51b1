/**
 * Reading Clinic.js Doctor's verdict out of the HTML it writes, and saying it in words. Pure.
 *
 * Doctor embeds its analysis in the page as `"analysis": {"interval": [...], "issues": {...},
 * "issueCategory": "..."}` (@clinic/doctor 13, index.js `visualize`); the category is its verdict,
 * computed by analysis/issue-category.js.
 */

export type DoctorCategory = 'event-loop' | 'io' | 'gc' | 'none' | 'data' | 'unknown';

export interface DoctorAnalysis {
  issueCategory: DoctorCategory;
  /** Each check and what Doctor found: 'performance' (an issue), 'none' or 'data' (too little). */
  issues: Record<string, unknown>;
}

const CATEGORIES: readonly DoctorCategory[] = ['event-loop', 'io', 'gc', 'none', 'data', 'unknown'];

/** Doctor's analysis from its HTML, or null when the page holds none. */
export function parseDoctorAnalysis(html: string): DoctorAnalysis | null {
  const match = /"analysis":\s*(\{"interval":.*?"issueCategory":"[a-z-]+"\})/.exec(html);
  if (!match?.[1]) return null;
  try {
    const parsed = JSON.parse(match[1]) as { issues?: unknown; issueCategory?: unknown };
    const category = parsed.issueCategory as DoctorCategory;
    if (!CATEGORIES.includes(category) || typeof parsed.issues !== 'object' || !parsed.issues) {
      return null;
    }
    return { issueCategory: category, issues: parsed.issues as Record<string, unknown> };
  } catch {
    return null;
  }
}

/** The checks that found a performance issue, flattened: `delay`, `memory.rss`. */
export function flaggedChecks(issues: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(issues).flatMap(([name, value]) => {
    if (value === 'performance') return [`${prefix}${name}`];
    if (typeof value === 'object' && value !== null) {
      return flaggedChecks(value as Record<string, unknown>, `${prefix}${name}.`);
    }
    return [];
  });
}

// Doctor's own categories, explained the way its recommendations do.
const MEANING: Record<DoctorCategory, string> = {
  'event-loop':
    'Doctor detected an event-loop issue: synchronous work blocked the loop, so requests waited (look for the blocking call, e.g. with --cpu-prof)',
  io: 'Doctor detected a potential I/O issue: the process was mostly idle while requests waited on something outside it',
  gc: 'Doctor detected a garbage-collection issue: memory use drove the slowdown',
  none: 'Doctor detected no issue',
  data: 'Doctor had too little data to judge: run the load for longer',
  unknown:
    'Doctor could not classify what it saw: checks of different kinds fired at once (on a machine busy with other work, its CPU check fires when the server gets under 90% of a core)',
};

/**
 * Doctor's verdict on the event loop itself, or null when neither of its loop checks fired.
 *
 * Doctor's category is one word chosen in a fixed order from all its checks (a GC or CPU finding
 * can take precedence over a blocked loop, and on a shared machine both fire by accident), so
 * the loop checks are reported on their own as well.
 */
export function eventLoopVerdict(a: DoctorAnalysis): string | null {
  const fired: string[] = [];
  if (a.issues.delay === 'performance') {
    fired.push('delay check (median delay >= 10 ms or max >= 100 ms)');
  }
  if (a.issues.loopUtilization === 'performance') {
    fired.push('utilisation check (median >= 95%)');
  }
  return fired.length > 0 ? `event loop: blocked; Doctor's ${fired.join(' and ')} fired` : null;
}

/** One line: Doctor's category, what it means, and which of its checks fired. */
export function describeDoctorVerdict(a: DoctorAnalysis): string {
  const flagged = flaggedChecks(a.issues);
  const checks = flagged.length > 0 ? ` (checks that fired: ${flagged.join(', ')})` : '';
  return `${MEANING[a.issueCategory]}${checks}`;
}
