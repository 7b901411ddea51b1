/**
 * The journal: a benchmark's runs as they complete, one JSON line each, so that a `kill -9`, a
 * power cut or a CI timeout loses at most the run in progress, and `bench --resume` can finish
 * the plan. The first line is a header (what was planned, and where); then one line per run.
 *
 * Each line is appended by one write of the whole line and its newline, so only the last line
 * can be torn (no newline, or not JSON): the reader drops it. That also makes the file safe to
 * read while it is being written.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { Params } from '../../scenarios/types.ts';
import { runRecordProblem } from './read.ts';
import {
  type BenchOptions,
  type Environment,
  JOURNAL_KIND,
  type MicroResult,
  type RunRecord,
  SCHEMA_VERSION,
} from './types.ts';

/** One scenario of the plan, as runBench ran it. */
export interface JournalPlanEntry {
  scenario: string;
  variants: string[];
  params: Params;
}

/**
 * A --cmd, --vs-cmd or --url benchmark, as a journal keeps it: what a resume starts again, and
 * checks the flags given against. A body is kept as base64.
 */
export interface JournalApp {
  /** Where the commands ran: a relative `node server.js` means another file elsewhere. */
  cwd: string;
  sides: { name: string; label: string; command: string | null; url: string | null }[];
  paths: {
    label: string;
    method: string;
    path: string;
    headers: Record<string, string>;
    bodyBase64: string | null;
  }[];
  port: number | null;
  pingPath: string | null;
  readyTimeoutMs: number;
}

export interface JournalHeader {
  kind: typeof JOURNAL_KIND;
  schemaVersion: number;
  /** When the benchmark started: the resumed report's createdAt. */
  createdAt: string;
  /** The looplab version, Node and machine the runs were measured on. */
  environment: Environment;
  options: BenchOptions;
  /** The scenarios planned; empty for your own server's benchmark (`app`). */
  plan: JournalPlanEntry[];
  /** Set for a --cmd, --vs-cmd or --url benchmark. */
  app?: JournalApp;
  plannedRuns: number;
  /** Measured before the first run; a resume does not time them again. */
  ceilings: MicroResult[];
  /**
   * Set when the servers ran under --cpu-prof, where their profiles went (an absolute path): a
   * profiled server runs slower, so a resume profiles its runs too, into the same directory.
   */
  cpuProfDir?: string;
}

/** One completed run: where it is in the plan, and its record as the report holds it. */
export interface JournalRun {
  index: number;
  scenario: string;
  variant: string;
  record: RunRecord;
}

export interface Journal {
  header: JournalHeader;
  runs: JournalRun[];
  /** The length of the lines kept: a resume cuts a torn last line off before it appends. */
  validBytes: number;
  /** Whether a torn last line was dropped. */
  torn: boolean;
}

/** One line of the journal, newline included: written with one write. */
export function journalLine(value: JournalHeader | JournalRun): string {
  return `${JSON.stringify(value)}\n`;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(name: string, what: string): LooplabError {
  return new LooplabError(ERROR_CODES.BAD_JOURNAL, `${name} ${what}`);
}

function isJournalApp(app: unknown): app is JournalApp {
  return (
    isObject(app) &&
    typeof app.cwd === 'string' &&
    Array.isArray(app.sides) &&
    app.sides.length > 0 &&
    app.sides.every((s) => isObject(s) && typeof s.name === 'string') &&
    Array.isArray(app.paths) &&
    app.paths.length > 0 &&
    app.paths.every((p) => isObject(p) && typeof p.label === 'string' && isObject(p.headers)) &&
    typeof app.readyTimeoutMs === 'number'
  );
}

function checkHeader(doc: unknown, name: string): JournalHeader {
  if (!isObject(doc) || doc.kind !== JOURNAL_KIND) {
    throw bad(name, 'is not a looplab journal (its first line is no journal header)');
  }
  if (doc.schemaVersion !== SCHEMA_VERSION) {
    throw new LooplabError(
      ERROR_CODES.REPORT_VERSION,
      `${name} is a journal of schemaVersion ${JSON.stringify(doc.schemaVersion)}; this looplab resumes version ${SCHEMA_VERSION}: run the benchmark again with this version`,
    );
  }
  const planned = doc.plannedRuns;
  if (
    typeof doc.createdAt !== 'string' ||
    !isObject(doc.environment) ||
    !isObject(doc.options) ||
    !Array.isArray(doc.plan) ||
    !Array.isArray(doc.ceilings) ||
    (doc.app !== undefined && !isJournalApp(doc.app)) ||
    (doc.cpuProfDir !== undefined && typeof doc.cpuProfDir !== 'string') ||
    typeof planned !== 'number' ||
    !Number.isInteger(planned) ||
    planned < 1
  ) {
    throw bad(name, 'has a damaged header (a field is missing or of the wrong type)');
  }
  return doc as unknown as JournalHeader;
}

function checkRun(
  doc: unknown,
  line: number,
  header: JournalHeader,
  seen: Set<number>,
  name: string,
): JournalRun {
  if (
    !isObject(doc) ||
    typeof doc.index !== 'number' ||
    !Number.isInteger(doc.index) ||
    typeof doc.scenario !== 'string' ||
    typeof doc.variant !== 'string' ||
    !isObject(doc.record)
  ) {
    throw bad(name, `line ${line} is not a journal run`);
  }
  if (doc.index < 0 || doc.index >= header.plannedRuns) {
    throw bad(
      name,
      `line ${line}: run index ${doc.index} is outside the plan of ${header.plannedRuns} runs`,
    );
  }
  if (seen.has(doc.index)) throw bad(name, `line ${line}: run ${doc.index} is there twice`);
  // Its record goes into a report as it is: one a report could not hold is refused here, with
  // where it is wrong, not met later as a crash (exit 70) in the report's arithmetic.
  const problem = runRecordProblem(doc.record);
  if (problem !== null) throw bad(name, `line ${line}: its run is damaged: ${problem}`);
  seen.add(doc.index);
  return doc as unknown as JournalRun;
}

/**
 * Reads a journal's text. A torn last line (no newline, or not JSON) is dropped; anything else
 * wrong is refused. `name` is how messages refer to it (its path).
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_JOURNAL for a file that is not a whole journal,
 *   LOOPLAB_ERR_REPORT_VERSION for a journal of another schema version.
 */
export function parseJournal(text: string, name: string): Journal {
  const lines = text.split('\n');
  // The piece after the last newline: empty when the last write was whole.
  const tail = lines.pop() ?? '';
  let validBytes = Buffer.byteLength(text) - Buffer.byteLength(tail);
  let torn = tail !== '';
  const docs: unknown[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      docs.push(JSON.parse(line));
    } catch {
      // Only the last line can be torn; one in the middle means the file is damaged.
      if (i < lines.length - 1 || i === 0) {
        throw bad(
          name,
          i === 0
            ? 'is not a looplab journal (its first line is not JSON)'
            : `line ${i + 1} is not JSON`,
        );
      }
      validBytes -= Buffer.byteLength(line) + 1;
      torn = true;
    }
  }
  if (docs.length === 0)
    throw bad(name, text.trim() === '' ? 'is empty' : 'has no whole header line (torn?)');
  const header = checkHeader(docs[0], name);
  const seen = new Set<number>();
  const runs = docs.slice(1).map((d, i) => checkRun(d, i + 2, header, seen, name));
  return { header, runs, validBytes, torn };
}

/** What must be the same for a resumed run to be comparable with the journal's. */
const SAME: readonly [keyof Environment, string][] = [
  ['looplabVersion', 'looplab'],
  ['node', 'Node'],
  ['platform', 'platform'],
  ['arch', 'arch'],
  ['cpuModel', 'CPU'],
  ['cpuCount', 'CPU count'],
  ['totalMemoryBytes', 'memory'],
  ['uvThreadpoolSize', 'UV_THREADPOOL_SIZE'],
  ['nodeOptions', 'NODE_OPTIONS'],
  // The checkout the benchmark ran in: another commit is other code (your app's, with --cmd).
  ['gitCommit', 'git commit'],
];

/**
 * How the environment now differs from the journal's, one phrase each
 * (`Node v24.1.0, the journal's v22.3.0`); empty when a resume would measure alike.
 */
export function environmentMismatches(journal: Environment, now: Environment): string[] {
  // A journal written before a field was recorded has none: as unset.
  return SAME.filter(([key]) => (journal[key] ?? null) !== (now[key] ?? null)).map(
    ([key, label]) => `${label} ${shown(key, now[key])}, the journal's ${shown(key, journal[key])}`,
  );
}

/** A fingerprint's value as a mismatch names it: a commit short, an unset value said so. */
function shown(key: keyof Environment, value: Environment[keyof Environment]): string {
  if (key === 'gitCommit')
    return value === null ? 'none (not a git checkout)' : String(value).slice(0, 12);
  if (key === 'uvThreadpoolSize' && value === null) return 'unset (4)';
  if (key === 'nodeOptions') return value ? JSON.stringify(value) : 'unset';
  return String(value);
}

/**
 * The options given on the command line that differ from the journal's, one phrase each
 * (`--runs`-style keys: `runs 5, the journal's 3`). A resume runs the journal's plan.
 */
export function optionMismatches(journal: BenchOptions, given: Partial<BenchOptions>): string[] {
  return (Object.keys(given) as (keyof BenchOptions)[])
    .filter((key) => given[key] !== undefined && given[key] !== journal[key])
    .map((key) => `${key} ${String(given[key])}, the journal's ${String(journal[key])}`);
}
