/**
 * Resolves a module path relative to `base` with the caller's own extension.
 *
 * The same code runs compiled (`.js` in dist/) and from source under Node's type stripping or
 * tsx (`.ts`); a worker or child started from a hard-coded extension would break one of them.
 */
export function moduleUrl(base: string, relative: string): URL {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${relative}${ext}`, base);
}
