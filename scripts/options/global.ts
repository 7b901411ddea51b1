/**
 * The flags every command takes: --debug and --quiet.
 */
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../shared/context.ts';

export function withGlobalFlags<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option('debug', {
      type: 'boolean',
      default: false,
      global: true,
      describe: 'Print stack traces and server pids',
    })
    .option('quiet', {
      type: 'boolean',
      default: false,
      global: true,
      describe: 'No progress on stderr',
    });
}
