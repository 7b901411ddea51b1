/**
 * What every command shares: global flags, output streams, the interrupt signal, and the exit
 * code a handler asks for. Handlers never call process.exit; the entry point does.
 */
import { constants } from 'node:os';
import { progressHooks } from '../../bench/render/progress.ts';
import { EXIT, Interrupted, type LooplabError, type StopSignal } from '../../core/errors.ts';
import { plainLine } from '../../core/plain-text.ts';

export interface GlobalArgs {
  debug: boolean;
  quiet: boolean;
}

export function out(text: string): void {
  process.stdout.write(text);
}

export function err(text: string): void {
  process.stderr.write(text);
}

/**
 * The one line an error a user can fix gets, whatever its message quotes (a report's names, a
 * file name, JSON.parse's excerpt of a broken file with its line breaks): on one line, and no
 * escape sequence in them may reach the terminal.
 */
export function errorLine(error: LooplabError): string {
  return `looplab: ${plainLine(error.message)} [${error.code}]\n`;
}

/** Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

/** The run-by-run progress on stderr of every command that runs load, as the global flags ask. */
export function stderrProgress(
  argv: GlobalArgs,
  durationSec: number,
): ReturnType<typeof progressHooks> {
  return progressHooks({
    stream: process.stderr,
    quiet: argv.quiet,
    color: useColor(process.stderr),
    debug: argv.debug,
    durationSec,
  });
}

const interrupt = new AbortController();
let interruptedBy: StopSignal | undefined;
/**
 * Aborted on the first SIGINT or SIGTERM, so long work stops and reaps its servers; its reason is
 * an Interrupted, so a benchmark can tell a stop it should keep its runs for from other aborts.
 */
export const interruptSignal: AbortSignal = interrupt.signal;
export function requestInterrupt(signal: StopSignal): void {
  interruptedBy = signal;
  interrupt.abort(new Interrupted(signal));
}
/** The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
export function interruptExitCode(): number {
  return 128 + (interruptedBy ? constants.signals[interruptedBy] : constants.signals.SIGINT);
}

let interruptExpected = false;
/** For a command whose normal end is Ctrl-C (serve): the interrupt is then not an error. */
export function expectInterrupt(): void {
  interruptExpected = true;
}
export function interruptWasExpected(): boolean {
  return interruptExpected;
}

let requestedExit: number = EXIT.OK;
export function setOutcome(code: number): void {
  requestedExit = Math.max(requestedExit, code);
}
export function outcome(): number {
  return requestedExit;
}
