/**
 * Outputs that would destroy an input or each other, found before any work starts: `report
 * a.json --html a.json` would replace the report with its page, and `bench --json x --md x`
 * would keep only the last. Paths are compared by where they really lead, through links and
 * `..`, so that `./x` and `dir/../x` are seen as one file.
 */
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ERROR_CODES, LooplabError } from './errors.ts';

/** A path as the user gave it, with what names it in messages: `--html`, `input`. */
export interface NamedPath {
  name: string;
  path: string;
}

/**
 * Refuses an output whose real path is an input's or another output's. Devices and pipes
 * (/dev/null, /dev/stdout) may be named twice: writing one replaces nothing.
 *
 * @throws {LooplabError} LOOPLAB_ERR_OUTPUT_CLASH naming both paths.
 */
export async function assertDistinctOutputs(
  inputs: readonly NamedPath[],
  outputs: readonly NamedPath[],
): Promise<void> {
  const seen: { named: NamedPath; real: string; input: boolean }[] = [];
  for (const named of inputs) seen.push({ named, real: await realPathOf(named.path), input: true });
  for (const named of outputs) {
    const real = await realPathOf(named.path);
    if (await isSpecial(real)) continue;
    const other = seen.find((s) => s.real === real);
    if (other) {
      throw new LooplabError(
        ERROR_CODES.OUTPUT_CLASH,
        other.input
          ? `${named.name} ${named.path} is the ${other.named.name} ${other.named.path}: writing it would destroy it; choose another name`
          : `${named.name} ${named.path} and ${other.named.name} ${other.named.path} are one file (${real}); give each output a name of its own`,
      );
    }
    seen.push({ named, real, input: false });
  }
}

/** Where `path` leads: its real path, or for a file not made yet, its real folder and name. */
export async function realPathOf(path: string, links = 0): Promise<string> {
  const full = resolve(path);
  const real = await realpath(full).catch(() => undefined);
  if (real !== undefined) return real;
  // A dangling link leads to the file a write would create.
  const s = await lstat(full).catch(() => undefined);
  if (s?.isSymbolicLink() && links < 40) {
    return realPathOf(resolve(dirname(full), await readlink(full)), links + 1);
  }
  const parent = dirname(full);
  return parent === full ? full : join(await realPathOf(parent, links), basename(full));
}

async function isSpecial(real: string): Promise<boolean> {
  const s = await stat(real).catch(() => undefined);
  return s !== undefined && !s.isFile() && !s.isDirectory();
}
