/**
 * Loads a learner's handler from a file, as an extra variant of a scenario (looplab verify).
 *
 * The contract is the one built-in variants have: a function that takes the scenario's context
 * and returns (or resolves to) `{ status?, contentType?, body }`. It may be the default export or
 * a named `handle` export.
 */
import { pathToFileURL } from 'node:url';
import { ERROR_CODES, LooplabError } from '../bench/errors.ts';
import type { Variant } from './types.ts';

/** First line only: the CLI prints one line, and a loader's syntax error spans many. */
const firstLine = (err: unknown) =>
  (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split('\n')[0];

/** @throws {LooplabError} LOOPLAB_ERR_BAD_EXERCISE when it throws at import or exports no handler. */
export async function loadHandlerFile(file: string): Promise<Variant<unknown>> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new LooplabError(
      ERROR_CODES.BAD_EXERCISE,
      `${file} throws when it is loaded (${firstLine(err)}); fix it and run verify again`,
      { cause: err },
    );
  }
  const handle = [mod.default, mod.handle].find((f) => typeof f === 'function');
  if (!handle) {
    throw new LooplabError(
      ERROR_CODES.BAD_EXERCISE,
      `${file} exports no handler; write \`export default async function handle(ctx) { … }\``,
    );
  }
  return { summary: `handler from ${file}`, handle: handle as Variant<unknown>['handle'] };
}
