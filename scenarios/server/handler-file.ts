/**
 * Loads a learner's handler from a file, as an extra variant of a scenario (looplab verify).
 *
 * The contract is the one built-in variants have: a function that takes the scenario's context
 * and the request, and returns (or resolves to) `{ status?, contentType?, body }`, the body a
 * string, bytes or a `Readable`. It may be the default export or a named `handle` export.
 */
import { pathToFileURL } from 'node:url';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { Variant } from '../types.ts';

/**
 * One line: the CLI prints one, and a loader's syntax error spans many. A first line that ends
 * in a colon ("Transform failed with 1 error:") says nothing without the next.
 */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const [first = '', second] = text.split('\n').filter((l) => l.trim());
  return first.endsWith(':') && second ? `${first} ${second.trim()}` : first;
}

/**
 * The handler of `file`, imported from `module` when the harness compiled it (messages still
 * name `file`).
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_EXERCISE when it throws at import or exports no handler.
 */
export async function loadHandlerFile(file: string, module = file): Promise<Variant<unknown>> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(module).href)) as Record<string, unknown>;
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
