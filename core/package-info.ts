import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The looplab package's root directory, found by walking up from this module: the same code
 * runs from bench/ (source) and from dist/bench/ (built), one level apart.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, 'utf8')).name === 'looplab')
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('looplab: cannot find its own package.json');
    dir = parent;
  }
}

export function looplabVersion(): string {
  return (
    JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
}
