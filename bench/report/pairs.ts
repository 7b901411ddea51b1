/**
 * A report of two commands measured as a pair (`bench --cmd A --vs-cmd B`), split back into its
 * two sides for compare. Pure.
 */
import { summarizeSentinel } from './build.ts';
import type { Report } from './types.ts';

/**
 * The two sides of a paired report as two reports whose entries share their names, so that
 * compare (with `paired`) matches each path of one with the same path of the other.
 */
export function splitPairs(report: Report): { base: Report; head: Report } | null {
  if (!report.pairs) return null;
  const { base, head } = report.pairs;
  const side = (name: string): Report => {
    const results = report.results
      .filter((r) => r.scenario === name)
      .map((r) => ({ ...r, scenario: base }));
    const sentinel = summarizeSentinel(results, report.sentinel?.workload ?? '');
    const { sentinel: _, ...rest } = report;
    return { ...rest, results, ...(sentinel && { sentinel }) };
  };
  return { base: side(base), head: side(head) };
}
