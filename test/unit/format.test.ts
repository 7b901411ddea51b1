import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formats } from '../../bench/render/formats.ts';
import { formatMarkdown } from '../../bench/render/markdown.ts';
import {
  formatEntrySummary,
  formatMetric,
  formatSummary,
  formatWholeMs,
  roundingNote,
} from '../../bench/render/metric-text.ts';
import { formatScenarioTable, formatTable, runsText } from '../../bench/render/table.ts';
import { diagnose } from '../../bench/report/diagnosis.ts';
import type { MicroResult, ResultEntry } from '../../bench/report/types.ts';
import type { Summary } from '../../bench/stats/descriptive.ts';
import { formatNumber } from '../../core/numbers.ts';
import { entry, failedRun, makeReport, runsFrom } from './fixtures.ts';

const MiB = 1024 ** 2;

describe('formatNumber', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [1.234, '1.23'],
    [9.994, '9.99'],
    [10, '10.0'],
    [99.94, '99.9'],
    [100, '100'],
    [999.4, '999'],
    [1000, '1,000'],
    [1234.5, '1,235'],
    [1_234_567, '1,234,567'],
    [-5, '-5.00'],
    [-12.34, '-12.3'],
    [-1500, '-1,500'],
  ];
  for (const [x, want] of cases) {
    it(`formats ${x} as ${want}`, () => assert.equal(formatNumber(x), want));
  }
});

describe('formatSummary', () => {
  const s = (mean: number | null, ci95: [number, number] | null): Summary => ({
    n: ci95 ? 3 : 1,
    mean,
    sd: null,
    min: mean,
    max: mean,
    ci95,
  });

  it('shows the mean and the half-width of the 95% interval', () => {
    assert.equal(formatSummary('requestsPerSec', s(1500, [1400, 1600])), '1,500 ±100');
    assert.equal(formatSummary('latencyP99Ms', s(12.5, [12, 13])), '12.5 ±0.50');
  });

  it('shows the bare mean when there is no interval', () => {
    assert.equal(formatSummary('latencyP50Ms', s(12.345, null)), '12.3');
  });

  it('shows a dash for a metric with no value', () => {
    assert.equal(
      formatSummary('pingP99Ms', { n: 0, mean: null, sd: null, min: null, max: null, ci95: null }),
      '–',
    );
  });

  it('shows bytes in MiB', () => {
    assert.equal(formatSummary('rssMaxBytes', s(100 * MiB, [96 * MiB, 104 * MiB])), '100 ±4.00');
    assert.equal(formatSummary('rssMaxBytes', s(50 * MiB, null)), '50.0');
  });

  it('does not scale bytes per second', () => {
    assert.equal(formatSummary('bytesPerSec', s(2048, null)), '2,048');
  });
});

// busy-wait: 3 runs of each variant; cpu-bound: 1 run of three variants.
function sampleReport(warnings: string[] = ['busy-wait sync: 1 of 4 runs failed (boom)']) {
  return makeReport(
    [
      entry(
        'busy-wait',
        'sync',
        [
          ...runsFrom({
            requestsPerSec: [90, 100, 110],
            lagMaxMs: [250, 250, 250],
            rssMaxBytes: [100 * MiB, 100 * MiB, 100 * MiB],
          }),
          failedRun(4, 'boom'),
        ],
        { ms: 20 },
      ),
      entry('busy-wait', 'async', runsFrom({ requestsPerSec: [960, 970, 980] }), { ms: 20 }),
      entry('cpu-bound', 'sync', runsFrom({ requestsPerSec: [40] }), {
        n: 1000,
        chunk: 100,
        threads: 2,
      }),
      entry('cpu-bound', 'async', runsFrom({ requestsPerSec: [80] }), {
        n: 1000,
        chunk: 100,
        threads: 2,
      }),
      entry('cpu-bound', 'partitioned', runsFrom({ requestsPerSec: [30] }), {
        n: 1000,
        chunk: 100,
        threads: 2,
      }),
    ],
    [{ scenario: 'busy-wait', text: 'async served 9.7x the requests of sync.' }],
    warnings,
  );
}

const LABELS = [
  'throughput (req/s)',
  'latency p50 (ms)',
  'latency p99 (ms)',
  'first byte p50 (ms)',
  '/ping p99 (ms)',
  'loop lag p99 (ms)',
  'raw loop lag p99 (ms)',
  'loop lag max (ms)',
  'loop utilisation',
  'CPU user (ms)',
  'CPU per request (ms)',
  'peak RSS (MiB)',
  'errors',
  'timeouts',
];

describe('whole milliseconds', () => {
  const whole = (latencyP50Ms: number[], ttfbP50Ms: number[], resolution?: number) =>
    entry(
      'noop',
      'sync',
      runsFrom({ latencyP50Ms, latencyP99Ms: latencyP50Ms, ttfbP50Ms }).map((r) =>
        resolution === undefined ? r : { ...r, latencyResolutionMs: resolution },
      ),
    );

  it('read as whole milliseconds: no decimals, no ±0', () => {
    const e = whole([1, 1, 1], [1.77, 1.8, 1.75]);
    // Before: '1.00 ±0'.
    assert.equal(formatEntrySummary(e, 'latencyP50Ms'), '1');
    assert.equal(formatEntrySummary(whole([1, 1, 2], [2, 2, 2]), 'latencyP50Ms'), '1.3 ±1.4');
    assert.equal(
      formatEntrySummary(whole([120, 130, 125], [2, 2, 2]), 'latencyP50Ms'),
      '125 ±12.4',
    );
    assert.equal(formatSummary('latencyP50Ms', e.summary.latencyP50Ms), '1.00 ±0');
    // First byte is timed to the µs: as any number.
    assert.equal(formatEntrySummary(e, 'ttfbP50Ms'), '1.77 ±0.06');
    assert.equal(formatWholeMs(1234), '1,234');
  });

  it('are printed as measured when the runs timed latency finely', () => {
    assert.equal(formatEntrySummary(whole([1, 1, 1], [2, 2, 2], 0.001), 'latencyP50Ms'), '1.00 ±0');
  });

  it('say how they round where the rounding decides: latency 1 beside first byte 1.77', () => {
    const low = whole([1, 1, 1], [1.77, 1.8, 1.75]);
    const note =
      'autocannon records latency in whole milliseconds, rounded down (1 means 1 to 2 ms); first byte and /ping are timed to the µs';
    assert.equal(roundingNote([low]), note);
    assert.equal(roundingNote([whole([40, 41, 40], [12, 12, 12])]), '');
    assert.equal(roundingNote([whole([12, 12, 12], [12.5, 12.4, 12.6])]), note);
    assert.equal(roundingNote([whole([1, 1, 1], [1.77, 1.8, 1.75], 0.001)]), '');
    const table = formatTable(makeReport([low]));
    assert.match(table, /latency p50 \(ms\)\s+1\n/);
    assert.ok(table.includes(`latency: ${note}`), table);
    assert.ok(formatMarkdown(makeReport([low])).includes(`_Latency: ${note}._`));
    assert.ok(
      !formatTable(makeReport([whole([40, 41, 40], [12, 12, 12])])).includes('rounded down'),
    );
  });

  it('read as whole in a lesson: 1 ms, not 1.00 ms', () => {
    assert.equal(formatMetric('latencyP50Ms', 1), '1 ms');
    assert.equal(formatMetric('latencyP50Ms', 1.5), '1.50 ms');
    assert.equal(formatMetric('ttfbP50Ms', 2), '2.00 ms');
  });
});

describe('formatTable', () => {
  const text = formatTable(sampleReport());
  const lines = text.split('\n');

  it('opens each scenario with its params and run count', () => {
    assert.ok(lines.includes('busy-wait  ms=20  ·  3 runs × 3 s, 10 connections'));
    assert.ok(
      lines.includes('cpu-bound  n=1000 chunk=100 threads=2  ·  1 run × 3 s, 10 connections'),
    );
  });

  it('names a variant that completed fewer runs than the others, rather than say none did', () => {
    const o = { durationSec: 1, connections: 10 };
    const ok = entry('app', '/ok', runsFrom({ requestsPerSec: [900] }));
    const fault = entry('app', '/fault', [failedRun(1, 'gone')]);
    assert.equal(runsText(o, [fault, ok]), '1 run × 1 s (/fault: 0 completed), 10 connections');
    assert.equal(runsText(o, [fault]), '0 runs × 1 s, 10 connections');
    assert.equal(runsText(o, [ok, ok]), '1 run × 1 s, 10 connections');
  });

  it('has a column per variant and a row per shown metric, all aligned', () => {
    const start = lines.indexOf('busy-wait  ms=20  ·  3 runs × 3 s, 10 connections') + 1;
    const table = lines.slice(start, start + 1 + LABELS.length);
    assert.match(table[0] ?? '', /^\s+sync\s+async$/);
    assert.deepEqual(
      table.slice(1).map((l) => l.slice(0, LABELS[0]?.length).trim()),
      LABELS.map((l) => l.slice(0, LABELS[0]?.length)),
    );
    const width = table[0]?.length;
    for (const l of table) assert.equal(l.length, width, `misaligned: ${JSON.stringify(l)}`);
    assert.match(table[1] ?? '', /^throughput \(req\/s\)\s+100 ±24\.8\s+970 ±24\.8$/);
    assert.match(table[8] ?? '', /^loop lag max \(ms\)\s+250 ±0\s+–$/);
    assert.match(table[12] ?? '', /^peak RSS \(MiB\)\s+100 ±0\s+–$/);
  });

  it('has three columns for a scenario with three variants', () => {
    assert.ok(lines.some((l) => /^\s+sync\s+async\s+partitioned$/.test(l)));
    assert.ok(lines.some((l) => /^throughput \(req\/s\)\s+40\.0\s+80\.0\s+30\.0$/.test(l)));
  });

  it('prints the verdict of a scenario that has one, and only that one', () => {
    assert.deepEqual(
      lines.filter((l) => l.startsWith('→')),
      ['→ async served 9.7x the requests of sync.'],
    );
  });

  it('prints the warnings and explains ±', () => {
    assert.ok(lines.includes('warning: busy-wait sync: 1 of 4 runs failed (boom)'));
    assert.equal(lines.at(-1), '± is the half-width of the 95% confidence interval over runs.');
  });

  it('keeps a name with a newline, a tab or a bell on its own row: one space, or \\xNN', () => {
    const o = { durationSec: 1, connections: 10 };
    const runs = runsFrom({ requestsPerSec: [900] });
    const text = formatScenarioTable(
      [entry('my\napp', '/a\tb', runs), entry('my\napp', '/c\r\n\u0007d', runs)],
      undefined,
      o,
    );
    const [heading, header, throughput] = text.split('\n');
    assert.equal(heading, 'my app    ·  1 run × 1 s, 10 connections');
    assert.equal(header, '                        /a b   /c \\x07d');
    assert.equal(throughput, 'throughput (req/s)       900        900');
  });

  it('prints no warning lines when there are none', () => {
    assert.ok(!formatTable(sampleReport([])).includes('warning:'));
  });

  it('applies the style to the scenario name and the dim parts', () => {
    const styled = formatTable(sampleReport(), {
      bold: (s) => `<b>${s}</b>`,
      dim: (s) => `<d>${s}</d>`,
    });
    assert.ok(styled.includes('<b>busy-wait</b><d>  ms=20  ·  3 runs × 3 s, 10 connections</d>\n'));
    assert.ok(
      styled.endsWith('<d>± is the half-width of the 95% confidence interval over runs.</d>'),
    );
  });
});

describe('formatMarkdown', () => {
  const text = formatMarkdown(sampleReport());
  const lines = text.split('\n');

  it('opens with a heading and the environment', () => {
    assert.equal(lines[0], '## looplab benchmark');
    assert.equal(
      lines[2],
      'Node v20.19.0 · Test CPU 3000 × 8 · linux/x64 · 3 runs per variant × 3 s, 10 connections, 1 s warm-up',
    );
  });

  it('has a heading and the parameters for each scenario', () => {
    assert.ok(lines.includes('### busy-wait'));
    assert.ok(lines.includes('### cpu-bound'));
    assert.ok(lines.some((l) => l.startsWith('Parameters: `ms=20` · ')));
    assert.ok(lines.some((l) => l.startsWith('Parameters: `n=1000 chunk=100 threads=2` · ')));
  });

  for (const [scenario, variants] of [
    ['busy-wait', ['sync', 'async']],
    ['cpu-bound', ['sync', 'async', 'partitioned']],
  ] as const) {
    it(`has a well-formed table for ${scenario}`, () => {
      const start = lines.indexOf(`### ${scenario}`);
      const header = lines.findIndex((l, i) => i > start && l.startsWith('| metric'));
      const table = lines.slice(header, header + 2 + LABELS.length);
      assert.equal(table[0], `| metric | ${variants.join(' | ')} |`);
      assert.equal(table[1], `|---|${variants.map(() => '---:').join('|')}|`);
      assert.equal(lines[header + 2 + LABELS.length], '', 'table is not followed by a blank line');
      for (const row of table) {
        assert.equal(row.split('|').length, variants.length + 3, `column count: ${row}`);
      }
      assert.deepEqual(
        table.slice(2).map((r) => r.split('|')[1]?.trim()),
        LABELS,
      );
    });
  }

  it('formats the cells like the table', () => {
    assert.ok(lines.includes('| throughput (req/s) | 100 ±24.8 | 970 ±24.8 |'));
    assert.ok(lines.includes('| /ping p99 (ms) | – | – |'));
    assert.ok(lines.includes('| peak RSS (MiB) | 100 ±0 | – |'));
  });

  it('prints the verdict in bold after a blank line, for the scenario that has one', () => {
    const i = lines.indexOf('**Verdict:** async served 9.7x the requests of sync.');
    assert.ok(i > lines.indexOf('### busy-wait') && i < lines.indexOf('### cpu-bound'));
    assert.equal(lines[i - 1], '');
    assert.equal(lines.filter((l) => l.startsWith('**Verdict:**')).length, 1);
  });

  it('quotes the warnings and ends with the note on ±', () => {
    assert.ok(lines.includes('> ⚠️ busy-wait sync: 1 of 4 runs failed (boom)'));
    assert.ok(text.endsWith('_± is the half-width of the 95% confidence interval over runs._\n'));
    assert.ok(!formatMarkdown(sampleReport([])).includes('> ⚠️'));
  });
});

/** The sample report with busy-wait's ceiling measured and each busy-wait variant diagnosed. */
function diagnosedReport() {
  const report = sampleReport();
  const results = report.results.map((e) =>
    e.scenario === 'busy-wait' ? { ...e, diagnosis: diagnose(e) } : e,
  );
  const ceiling: MicroResult = {
    scenario: 'busy-wait',
    params: { ms: 20 },
    operation: 'spins in a while loop for ms milliseconds',
    samples: 25,
    meanMs: 20,
    p99Ms: 20.1,
    rmePct: 0.1,
    ceilingPerSec: 50,
  };
  return { ...report, results, ceilings: [ceiling] };
}

describe('the ceiling and the diagnosis, in the table and in Markdown', () => {
  const report = diagnosedReport();
  const ceiling =
    'sync measured 100 req/s, 200% of the 50.0 req/s ceiling (above it: timed alone, the operation cost more than in the server; machine speed, caches and garbage collection differ between the two, so read both as approximate) (one call costs 20 ms: 1000 / 20 ms)';
  const syncDiagnosis = diagnose(report.results[0] as ResultEntry).text;
  const asyncDiagnosis = diagnose(report.results[1] as ResultEntry).text;

  it('prints them under the scenario they belong to in the terminal table', () => {
    const lines = formatTable(report).split('\n');
    const at = lines.indexOf(`ceiling: ${ceiling}`);
    assert.ok(at > 0, 'no ceiling line');
    assert.equal(lines[at + 1], `diagnosis: sync: ${syncDiagnosis}`);
    assert.equal(lines[at + 2], `diagnosis: async: ${asyncDiagnosis}`);
    assert.ok(at < lines.findIndex((l) => l.startsWith('cpu-bound')));
    assert.equal(lines.filter((l) => l.startsWith('ceiling: ')).length, 1);
  });

  it('prints them under the verdict of their scenario in Markdown', () => {
    const lines = formatMarkdown(report).split('\n');
    const verdict = lines.indexOf('**Verdict:** async served 9.7x the requests of sync.');
    const at = lines.indexOf(`**Ceiling:** ${ceiling}`);
    assert.ok(verdict > 0 && at > verdict, 'ceiling missing or before the verdict');
    assert.equal(lines[at + 2], '**Diagnosis:**');
    assert.equal(lines[at + 4], `- \`sync\`: ${syncDiagnosis}`);
    assert.equal(lines[at + 5], `- \`async\`: ${asyncDiagnosis}`);
    assert.ok(at < lines.indexOf('### cpu-bound'));
  });

  it('prints neither where the report has none', () => {
    assert.ok(!formatMarkdown(sampleReport()).includes('**Ceiling:**'));
    assert.ok(!formatMarkdown(sampleReport()).includes('**Diagnosis:**'));
    assert.ok(!formatTable(sampleReport()).includes('\nceiling: '));
  });
});

describe('formats', () => {
  const report = sampleReport();

  it('offers table, markdown and json', () => {
    assert.deepEqual(Object.keys(formats), ['table', 'markdown', 'json']);
    assert.equal(formats.table(report), formatTable(report));
    assert.equal(formats.markdown(report), formatMarkdown(report));
  });

  it('writes JSON that reads back to the same report, ending in a newline', () => {
    const json = formats.json(report);
    assert.ok(json.endsWith('}\n'));
    assert.deepEqual(JSON.parse(json), report);
  });
});
