/**
 * Reading a V8 CPU profile (`node --cpu-prof`, the `.cpuprofile` JSON Chrome DevTools loads):
 * which functions the samples landed in. Pure.
 *
 * A profile is a call tree of nodes plus a list of samples, each the id of the node that was on
 * top of the stack, and the time since the previous sample. A function's self time is the time
 * of the samples that landed in it, summed over every node where it appears (one per call path).
 */
import { basename } from 'node:path';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  /** `name (file:line)`, 1-based line as editors show it; V8's own entries as `(garbage collector)`. */
  name: string;
  selfMs: number;
  /** Share of all sampled time, idle included. */
  share: number;
}

/** Stack entries that are not JavaScript functions: named by V8 in parentheses. */
const isV8Entry = (name: string) => name.startsWith('(');

/** Functions by self time, largest first. @throws {Error} for text that is not a profile. */
export function topSelfTime(profile: CpuProfile, limit = 5): SelfTime[] {
  if (!Array.isArray(profile.nodes)) throw new Error('not a V8 CPU profile (no nodes)');
  const labelOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    labelOf.set(
      node.id,
      isV8Entry(functionName) || !url ? name : `${name} (${basename(url)}:${lineNumber + 1})`,
    );
  }
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  // timeDeltas[i] is the time before sample i; it is charged to the sample it leads to, as
  // DevTools does (the first delta is the gap from startTime).
  samples.forEach((id, i) => {
    const dt = Math.max(0, deltas[i] ?? 0);
    const label = labelOf.get(id) ?? '(unknown)';
    selfUs.set(label, (selfUs.get(label) ?? 0) + dt);
    totalUs += dt;
  });
  return [...selfUs]
    .filter(([name]) => name !== '(idle)' && name !== '(root)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({
      name,
      selfMs: Math.round(us / 10) / 100,
      share: totalUs > 0 ? Math.round((us / totalUs) * 1000) / 1000 : 0,
    }));
}

/** `--cpu-prof-name` for one run: the scenario, variant and run are in the file name. */
export function profileFileName(scenario: string, variant: string, run: number): string {
  return `${scenario}-${variant}-run${run}.cpuprofile`;
}

/** Lines for the terminal: each function's share of the sampled time and its milliseconds. */
export function formatSelfTimes(rows: readonly SelfTime[]): string {
  return rows
    .map(
      (r) =>
        `  ${`${(r.share * 100).toFixed(1)}%`.padStart(6)}  ${`${r.selfMs.toFixed(0)} ms`.padStart(8)}  ${r.name}`,
    )
    .join('\n');
}
