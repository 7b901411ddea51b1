/**
 * Prints how often compare finds a 20% drop in requestsPerSec, by run-to-run noise and runs a
 * side, on seeded synthetic reports (test/unit/simulated-reports.ts): how many runs a gate needs.
 *
 *   npm run build && node dist/scripts/dev/power-table.js
 */
import { detectionRate, TRIALS } from '../../test/unit/simulated-reports.ts';

const RUNS = [3, 5, 8, 12, 16, 24];
const NOISE = [0.005, 0.03, 0.07, 0.12, 0.24];

const rows = [
  ['noise (CV)', ...RUNS.map((n) => `${n} runs`)],
  ['---', ...RUNS.map(() => '---:')],
  ...NOISE.map((cv, i) => [
    `${Number((cv * 100).toPrecision(3))}%`,
    ...RUNS.map((n) => `${Math.round(detectionRate(7 + 100 * i + n, n, 0.8, cv) * 100)}%`),
  ]),
];
process.stdout.write(
  `A 20% drop found, of ${TRIALS} comparisons each (Holm over 12 tests, alpha 0.05, threshold 10%):\n` +
    `${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`,
);
