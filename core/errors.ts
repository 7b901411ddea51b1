/**
 * Every error a user can cause, with a stable code.
 *
 * Codes never change once released: scripts and CI logs match on them. docs/errors.md documents
 * each one, and test/unit/readme.test.ts keeps the two in step.
 */
export const ERROR_CODES = {
  USAGE: 'LOOPLAB_ERR_USAGE',
  UNKNOWN_SCENARIO: 'LOOPLAB_ERR_UNKNOWN_SCENARIO',
  UNKNOWN_VARIANT: 'LOOPLAB_ERR_UNKNOWN_VARIANT',
  BAD_OPTION: 'LOOPLAB_ERR_BAD_OPTION',
  BAD_PARAM: 'LOOPLAB_ERR_BAD_PARAM',
  SERVER_START: 'LOOPLAB_ERR_SERVER_START',
  PORT_IN_USE: 'LOOPLAB_ERR_PORT_IN_USE',
  WRITE_FAILED: 'LOOPLAB_ERR_WRITE_FAILED',
  OUTPUT_CLASH: 'LOOPLAB_ERR_OUTPUT_CLASH',
  NO_SUCH_FILE: 'LOOPLAB_ERR_NO_SUCH_FILE',
  BAD_REPORT: 'LOOPLAB_ERR_BAD_REPORT',
  REPORT_VERSION: 'LOOPLAB_ERR_REPORT_VERSION',
  REPORTS_DIFFER: 'LOOPLAB_ERR_REPORTS_DIFFER',
  UNKNOWN_LESSON: 'LOOPLAB_ERR_UNKNOWN_LESSON',
  BAD_EXERCISE: 'LOOPLAB_ERR_BAD_EXERCISE',
  EXERCISE_EXISTS: 'LOOPLAB_ERR_EXERCISE_EXISTS',
  NO_OPERATION: 'LOOPLAB_ERR_NO_OPERATION',
  CLINIC_MISSING: 'LOOPLAB_ERR_CLINIC_MISSING',
  DOCTOR_FAILED: 'LOOPLAB_ERR_DOCTOR_FAILED',
  COMMAND_NOT_FOUND: 'LOOPLAB_ERR_COMMAND_NOT_FOUND',
  URL_UNREACHABLE: 'LOOPLAB_ERR_URL_UNREACHABLE',
  FORBIDDEN: 'LOOPLAB_ERR_FORBIDDEN',
  BAD_RECORDING: 'LOOPLAB_ERR_BAD_RECORDING',
  BAD_JOURNAL: 'LOOPLAB_ERR_BAD_JOURNAL',
  JOURNAL_MISMATCH: 'LOOPLAB_ERR_JOURNAL_MISMATCH',
  JOURNAL_UNFINISHED: 'LOOPLAB_ERR_JOURNAL_UNFINISHED',
  JOURNAL_BUSY: 'LOOPLAB_ERR_JOURNAL_BUSY',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Exit codes shared by every command (docs/design.md, "Errors and exit codes"). */
export const EXIT = {
  OK: 0,
  /** The job ran, and a check it makes failed (a failed run; later, a regression). */
  CHECK_FAILED: 1,
  USAGE: 2,
  /** A bug in looplab, not in its input (EX_SOFTWARE from sysexits.h). */
  INTERNAL: 70,
} as const;

/** An error the user caused and can fix; the CLI prints its one-line message and exits 2. */
export class LooplabError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LooplabError';
    this.code = code;
  }
}

/** The signals that stop a command and ask it to keep what it has (exit 130 and 143). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * Why work stopped when the user pressed Ctrl-C or a CI runner sent SIGTERM: not a failure of
 * the work, so a benchmark that catches it keeps the runs it completed.
 */
export class Interrupted extends Error {
  readonly signal: StopSignal;

  constructor(signal: StopSignal) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
    this.signal = signal;
  }
}

export function isLooplabError(err: unknown): err is LooplabError {
  return err instanceof LooplabError;
}

/** Formats a list of valid choices for an error message: `a, b or c`. */
export function listChoices(choices: readonly string[]): string {
  if (choices.length <= 1) return choices.join('');
  return `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}
