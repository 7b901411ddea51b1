/**
 * Reading a sweep back (`looplab sweep --json`'s document): checked against the JSON Schema that
 * ships in the package, so that renderers and compare can trust its shape; whatever is wrong is
 * named in one line.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { packageRoot } from '../../core/package-info.ts';
import { readInput } from '../report/read.ts';
import { SWEEP_KIND, SWEEP_SCHEMA_VERSION, type SweepReport } from './types.ts';

/** The JSON Schema of a sweep, as shipped in the package. */
export function loadSweepSchema(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(packageRoot(), 'bench', 'sweep', 'sweep.schema.json'), 'utf8'),
  );
}

let validator: ValidateFunction | undefined;

/** Compiled once, and ajv required only then: it costs a tenth of a second at a CLI start. */
function validateSweep(): ValidateFunction {
  if (validator) return validator;
  const { default: Ajv } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof Ajv2020;
  validator = new Ajv({ strict: true, allErrors: false }).compile(loadSweepSchema());
  return validator;
}

/** `variants/0/runs/1/steps/2/elu must be <= 1`: the first thing wrong, and where. */
function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the top level' : error.instancePath.slice(1);
  const extra =
    error.keyword === 'additionalProperties'
      ? ` ('${(error.params as { additionalProperty: string }).additionalProperty}')`
      : '';
  return `${where} ${error.message ?? 'is invalid'}${extra}`;
}

/**
 * Parses and checks the text of a sweep; `name` is how messages refer to it (its path).
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_REPORT for text that is not JSON, not a sweep (a bench
 *   report among them), or not a valid one; LOOPLAB_ERR_REPORT_VERSION for a version it cannot read.
 */
export function parseSweep(text: string, name: string): SweepReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const what = text.trim() === '' ? 'is empty' : 'is not JSON (truncated?)';
    throw new LooplabError(ERROR_CODES.BAD_REPORT, `${name} ${what}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const isObject = typeof doc === 'object' && doc !== null && !Array.isArray(doc);
  const kind = isObject ? (doc as { kind?: unknown }).kind : undefined;
  if (kind !== SWEEP_KIND) {
    const what =
      isObject && kind === undefined && 'schemaVersion' in (doc as object)
        ? 'is a looplab bench report, not a sweep'
        : `is not a looplab sweep (its kind is not '${SWEEP_KIND}')`;
    throw new LooplabError(
      ERROR_CODES.BAD_REPORT,
      `${name} ${what}; write one with: looplab sweep --json FILE`,
    );
  }
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (version !== SWEEP_SCHEMA_VERSION) {
    throw new LooplabError(
      ERROR_CODES.REPORT_VERSION,
      `${name} has sweep schemaVersion ${JSON.stringify(version)}; this looplab reads version ${SWEEP_SCHEMA_VERSION}: re-run the sweep with this version`,
    );
  }
  const validate = validateSweep();
  if (!validate(doc)) {
    const first = validate.errors?.[0];
    throw new LooplabError(
      ERROR_CODES.BAD_REPORT,
      `${name} is not a valid looplab sweep: ${first ? describeSchemaError(first) : 'schema check failed'}`,
    );
  }
  return doc as SweepReport;
}

/**
 * Reads and checks a sweep file.
 *
 * @throws {LooplabError} LOOPLAB_ERR_NO_SUCH_FILE when it cannot be read, else as parseSweep.
 */
export async function readSweep(path: string): Promise<SweepReport> {
  return parseSweep(await readInput(path, 'sweep'), path);
}

/**
 * The sweep in `path`, or null when the file holds something else (a bench report, a journal,
 * text that is not JSON: the caller's reader says what is wrong with it).
 *
 * @throws {LooplabError} LOOPLAB_ERR_NO_SUCH_FILE when it cannot be read; as parseSweep for a
 *   document marked as a sweep that is not a valid one.
 */
export async function readIfSweep(path: string): Promise<SweepReport | null> {
  const text = await readInput(path, 'report');
  let kind: unknown;
  try {
    kind = (JSON.parse(text) as { kind?: unknown } | null)?.kind;
  } catch {
    return null;
  }
  return kind === SWEEP_KIND ? parseSweep(text, path) : null;
}
