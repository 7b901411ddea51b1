/**
 * What the pairing of `bench --cmd A --vs-cmd B` buys: compares the two sides of such a report
 * twice, as independent samples (Welch's t-test) and as pairs (the paired t-test on the per-pair
 * log ratios), on the same runs, and prints both tables.
 *
 * Usage: node dist/scripts/dev/paired-vs-unpaired.js report.json [--metrics requestsPerSec]
 */
import { compareReports } from '../../bench/compare/compare.ts';
import { formatCompareTable } from '../../bench/render/compare.ts';
import { splitPairs } from '../../bench/report/pairs.ts';
import { readReport } from '../../bench/report/read.ts';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: paired-vs-unpaired.js report.json');
const sides = splitPairs(await readReport(path));
if (!sides) throw new Error(`${path} is no --vs-cmd report`);
const labels = { base: 'base (--cmd)', head: 'head (--vs-cmd)' };
const metrics = ['requestsPerSec', 'latencyP99Ms', 'lagP99Ms'] as const;
for (const paired of [false, true]) {
  console.log(paired ? '\n== paired ==' : '== unpaired ==');
  console.log(
    formatCompareTable(compareReports(sides.base, sides.head, { paired, metrics }), labels),
  );
}
