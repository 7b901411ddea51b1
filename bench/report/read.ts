/**
 * Reading a report back: compare, the HTML report and `bench --baseline` all start here.
 *
 * A report is checked against the JSON Schema that ships in the package, so that everything
 * downstream can trust its shape; whatever is wrong is named in one line, with where it is.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { packageRoot } from '../../core/package-info.ts';
import { shellWord } from '../../core/shell-word.ts';
import { summarize } from '../stats/descriptive.ts';
import { LATER_METRICS, LATER_SUMMARIES } from './metrics.ts';
import { cpuPerRequestMs } from './run-record.ts';
import {
  JOURNAL_KIND,
  READABLE_SCHEMA_VERSIONS,
  type Report,
  type RunMetrics,
  SCHEMA_VERSION,
} from './types.ts';

/** The JSON Schema of the report, as shipped in the package. */
export function loadReportSchema(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(packageRoot(), 'bench', 'report', 'report.schema.json'), 'utf8'),
  );
}

let validator: ValidateFunction | undefined;
let runValidator: ValidateFunction | undefined;

/** The shipped schema, compiled once: a report is only read when a command asks for one. */
function validateReport(): ValidateFunction {
  if (validator) return validator;
  const schema = loadReportSchema();
  // Required here, not imported at the top: ajv costs a tenth of a second at every CLI start, and
  // only commands that read a report need it. It is CommonJS, so require is synchronous.
  const { default: Ajv } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof Ajv2020;
  const ajv = new Ajv({ strict: true, allErrors: false });
  validator = ajv.compile(schema);
  // One run, as a report holds it (a journal's lines hold one each).
  runValidator = ajv.compile({ $ref: `${schema.$id as string}#/$defs/run` });
  return validator;
}

/**
 * Why `record` is not a run a report could hold (the first thing wrong, and where), or null: a
 * journal's run line is checked with it before it goes into a report.
 */
export function runRecordProblem(record: unknown): string | null {
  validateReport();
  const validate = runValidator as ValidateFunction;
  if (validate(record)) return null;
  const first = validate.errors?.[0];
  return first ? describeSchemaError(first) : 'schema check failed';
}

/** `results/0/runs/2/requestsPerSec must be number`: the first thing wrong, and where. */
function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the top level' : error.instancePath.slice(1);
  const extra =
    error.keyword === 'additionalProperties'
      ? ` ('${(error.params as { additionalProperty: string }).additionalProperty}')`
      : '';
  return `${where} ${error.message ?? 'is invalid'}${extra}`;
}

/**
 * Parses and checks the text of a report. `name` is how the message refers to it (its path).
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_REPORT for text that is not JSON, not a looplab report,
 *   or not a valid one; LOOPLAB_ERR_REPORT_VERSION for a schemaVersion it cannot read.
 */
export function parseReport(text: string, name: string): Report {
  if (text.startsWith(`{"kind":"${JOURNAL_KIND}"`)) {
    throw new LooplabError(
      ERROR_CODES.BAD_REPORT,
      `${name} is a journal of runs, not a report: looplab report ${shellWord(name)} shows the runs it holds, and looplab bench --resume ${shellWord(name)} --json FILE finishes it`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const what = text.trim() === '' ? 'is empty' : 'is not JSON (truncated?)';
    throw new LooplabError(ERROR_CODES.BAD_REPORT, `${name} ${what}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('schemaVersion' in doc)) {
    throw new LooplabError(
      ERROR_CODES.BAD_REPORT,
      `${name} is not a looplab report (it has no schemaVersion); write one with: looplab bench --json FILE`,
    );
  }
  const version = (doc as { schemaVersion: unknown }).schemaVersion;
  if (typeof version !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(version)) {
    throw new LooplabError(
      ERROR_CODES.REPORT_VERSION,
      `${name} has schemaVersion ${JSON.stringify(version)}; this looplab reads versions ${READABLE_SCHEMA_VERSIONS.join(' and ')}: re-run the benchmark with this version`,
    );
  }
  const validate = validateReport();
  if (!validate(doc)) {
    const first = validate.errors?.[0];
    throw new LooplabError(
      ERROR_CODES.BAD_REPORT,
      `${name} is not a valid looplab report: ${first ? describeSchemaError(first) : 'schema check failed'}`,
    );
  }
  return withLaterMetrics(upgradeLag(doc as Report));
}

/**
 * A version-1 report's loop lag percentiles are raw (one sample per firing): they move to the raw
 * names, and the corrected ones read as not measured, so nothing ever sets raw against corrected.
 * The report is then a version-2 one.
 */
export function upgradeLag(report: Report): Report {
  if ((report.schemaVersion as number) !== 1) return report;
  for (const entry of report.results) {
    entry.summary.lagRawP50Ms = entry.summary.lagP50Ms;
    entry.summary.lagRawP99Ms = entry.summary.lagP99Ms;
    entry.summary.lagP50Ms = summarize([]);
    entry.summary.lagP99Ms = summarize([]);
    for (const run of entry.runs) {
      if (run.state !== 'completed') continue;
      run.lagRawP50Ms = run.lagP50Ms;
      run.lagRawP99Ms = run.lagP99Ms;
      run.lagP50Ms = null;
      run.lagP99Ms = null;
    }
  }
  report.schemaVersion = SCHEMA_VERSION;
  return report;
}

/**
 * A report written before a metric existed reads as one whose runs did not measure it: null in
 * every run, a summary of n = 0, except where the metric follows from what the runs kept (CPU per
 * request). So every reader can count on every metric being there.
 */
export function withLaterMetrics(report: Report): Report {
  for (const entry of report.results) {
    // CPU per request is derived from what every report kept, so older reports have it too.
    for (const run of entry.runs)
      if (run.state === 'completed') run.cpuPerRequestMs ??= cpuPerRequestMs(run);
    for (const name of LATER_METRICS) {
      for (const run of entry.runs)
        if (run.state === 'completed') (run as RunMetrics)[name] ??= null;
      entry.summary[name] ??= summarize(
        entry.runs.flatMap((r) => {
          const value = r.state === 'completed' ? (r as RunMetrics)[name] : null;
          return value === null ? [] : [value];
        }),
      );
    }
    // Their runs always had the field: the summary is theirs.
    for (const name of LATER_SUMMARIES) {
      entry.summary[name] ??= summarize(
        entry.runs.flatMap((run) => (run.state === 'completed' ? [run[name] ?? 0] : [])),
      );
    }
  }
  return report;
}

/**
 * Reads and checks a report file.
 *
 * @throws {LooplabError} LOOPLAB_ERR_NO_SUCH_FILE when it cannot be read, else as parseReport.
 */
export async function readReport(path: string): Promise<Report> {
  return parseReport(await readInput(path, 'report'), path);
}

/**
 * The text of a file looplab was asked to read, `what` naming it in the error (a report, a
 * journal).
 *
 * @throws {LooplabError} LOOPLAB_ERR_NO_SUCH_FILE when it does not exist or cannot be read.
 */
export async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`;
    throw new LooplabError(ERROR_CODES.NO_SUCH_FILE, `${what} ${path} ${why}`, { cause: err });
  }
}
