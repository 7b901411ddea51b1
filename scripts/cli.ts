#!/usr/bin/env node
/**
 * The looplab CLI entry point: parses argv, runs one command, and is the only place that sets
 * the exit code (0 ok, 1 a check failed, 2 bad input, 70 a bug, 130/143 SIGINT/SIGTERM).
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
// The reaper and the peer guard alone, not child.ts: neither needs any of the spawning code.
import { dropBadChannelPeer } from '../bench/run/process/peer-guard.ts';
import { KILL_GRACE_MS, killAllNow, reapAll } from '../bench/run/process/reaper.ts';
import {
  ERROR_CODES,
  EXIT,
  isLooplabError,
  LooplabError,
  type StopSignal,
} from '../core/errors.ts';
import { looplabVersion } from '../core/package-info.ts';
import { plainText } from '../core/plain-text.ts';
import { commands } from './commands/index.ts';
import { withGlobalFlags } from './options/global.ts';
import {
  err,
  errorLine,
  type GlobalArgs,
  interruptExitCode,
  interruptSignal,
  interruptWasExpected,
  outcome,
  requestInterrupt,
} from './shared/context.ts';

let interrupts = 0;
function onSignal(signal: StopSignal): void {
  interrupts++;
  if (interrupts === 1) {
    requestInterrupt(signal);
    // If the command cannot unwind (stuck in I/O that ignores the abort), do not hang: exit once
    // the servers have had their grace period. unref'd, so a clean unwind is never delayed.
    setTimeout(() => {
      killAllNow();
      process.exit(interruptExitCode());
    }, KILL_GRACE_MS + 3000).unref();
    // serve stops its own server in order, after reading its probe; anything else loses its
    // servers now, whatever it is doing, and then unwinds.
    if (interruptWasExpected()) return;
    // Also when the command's work is done and only its last output or reaping is left: a stop
    // asked for is never reported as a success.
    process.exitCode = interruptExitCode();
    err(`\nlooplab: ${signal}, stopping servers…\n`);
    void reapAll();
    return;
  }
  // A second signal: the user means it. Kill without waiting.
  killAllNow();
  process.exit(interruptExitCode());
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A line a server child sent on its IPC channel that Node could not parse is thrown from inside
// Node, with no caller to catch it: that child is dropped with a warning (peer-guard.ts), and
// the command goes on. Anything else uncaught is a bug, and ends as printError ends one.
process.on('uncaughtException', (error) => {
  if (dropBadChannelPeer(error)) return;
  killAllNow();
  process.exit(printError(error, process.argv.includes('--debug')));
});

// A reader that closes the output early (`looplab live --ndjson | head`) wants no more of it: the
// servers are reaped and looplab ends quietly, exit 0, as `yes | head` does, not with a stack.
let outputClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  if (outputClosed) return;
  outputClosed = true;
  void reapAll().finally(() => process.exit(EXIT.OK));
});

function onlyOnce(parser: Argv, args: Record<string, unknown>): void {
  // getOptions() is yargs' own, though @types/yargs does not declare it.
  const { array } = (parser as unknown as { getOptions(): { array: string[] } }).getOptions();
  for (const [name, value] of Object.entries(args)) {
    if (Array.isArray(value) && !array.includes(name) && name !== '_' && name.length > 1) {
      throw new LooplabError(
        ERROR_CODES.USAGE,
        `--${name} was given ${value.length} times; give it once (see: looplab --help)`,
      );
    }
  }
}

/**
 * A number flag given something that is not one: yargs makes it NaN, and each command's range
 * check would then say `got NaN`. Said here once, for every command, with what was typed.
 */
function numbersGiven(parser: Argv, args: Record<string, unknown>, raw: readonly string[]): void {
  // getOptions() is yargs' own, though @types/yargs does not declare it.
  const { number } = (parser as unknown as { getOptions(): { number: string[] } }).getOptions();
  const flags = raw.slice(0, raw.indexOf('--') >>> 0);
  for (const name of number) {
    const flag = name.length === 1 ? `-${name}` : `--${name}`;
    const at = flags.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (at < 0) continue;
    const token = flags[at] as string;
    const given = token === flag ? raw[at + 1] : token.slice(flag.length + 1);
    // Given with no value (`bench --runs`, `-k --hold 3`), yargs leaves it unset or takes its
    // default, and the command would run as if it had not been given.
    if (
      given === undefined ||
      (token === flag && given.startsWith('-') && Number.isNaN(Number(given)))
    )
      throw new LooplabError(ERROR_CODES.BAD_OPTION, `${flag} takes a number, and none was given`);
    const value = args[name];
    if (typeof value === 'number' && Number.isNaN(value))
      throw new LooplabError(
        ERROR_CODES.BAD_OPTION,
        `${flag} takes a number, got '${plainText(given)}'`,
      );
  }
}

function printError(error: unknown, debug: boolean): number {
  if (isLooplabError(error)) {
    err(errorLine(error));
    if (debug && error.cause) err(`${(error.cause as Error).stack ?? String(error.cause)}\n`);
    return EXIT.USAGE;
  }
  if (debug) err(`${(error as Error)?.stack ?? String(error)}\n`);
  else
    err(
      `looplab: unexpected error: ${plainText((error as Error)?.message ?? String(error))} (a bug: run again with --debug and report it)\n`,
    );
  return EXIT.INTERNAL;
}

async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const parser: Argv = yargs(argv);
    await withGlobalFlags(
      parser
        .scriptName('looplab')
        .usage('$0 <command> [options]\n\nSee the event loop block, and measure it.'),
    )
      .command(commands)
      // yargs turns a flag given twice into an array, which a handler expecting one path or
      // number would trip on: refuse it, except for the flags that are meant to repeat.
      .middleware((args) => onlyOnce(parser, args))
      .middleware((args) => numbersGiven(parser, args, argv))
      .version(looplabVersion())
      .alias('h', 'help')
      .strict()
      .demandCommand(
        1,
        'name a command: lessons, lesson, verify, bench, compare or another (see --help)',
      )
      .recommendCommands()
      .fail((msg, error) => {
        // yargs reports some bad input as a YError of its own ("Not enough arguments following:
        // metrics"): that is the user's input, not a bug in looplab.
        if (error && error.name !== 'YError') throw error;
        // One line: yargs spreads some messages over several ("Invalid values:\n  Argument: …").
        const text = String(msg ?? error?.message).replace(/\s*\n\s*/g, ' ');
        throw new LooplabError(ERROR_CODES.USAGE, `${text} (see: looplab --help)`);
      })
      .wrap(Math.min(110, process.stdout.columns ?? 100))
      .parseAsync();
  } catch (error) {
    if (interruptSignal.aborted) {
      await reapAll();
      return interruptExitCode();
    }
    await reapAll();
    return printError(error, debug);
  }
  if (interruptSignal.aborted && !interruptWasExpected()) return interruptExitCode();
  return outcome();
}

main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});

export type { GlobalArgs };
