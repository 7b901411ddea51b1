/**
 * The graph of looplab's own imports, read from the source as text, and the two rules the house
 * keeps (docs/design.md, "Layout"): no import cycle, and no import from a lower layer to a
 * higher one. Reading and judging are apart, so the judging is tested on graphs made by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/** File → the files it imports (repository-relative paths, `.ts`). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

// `import … from '…'`, `export … from '…'`, `import '…'`, `import('…')`, and the scripts a
// process or worker is started from (`moduleUrl(import.meta.url, '…')`): a child server loads
// what its script imports, so that is an arrow too.
const SPECIFIERS = [
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*'([^']+)'/g,
  /(?:^|\n)\s*import\s*'([^']+)'/g,
  /\bimport\(\s*'([^']+)'\s*\)/g,
  /\bmoduleUrl\(\s*import\.meta\.url,\s*'([^']+)'\s*\)/g,
];

/** The relative imports of one file's text, resolved against its path; packages are left out. */
export function importsOf(file: string, text: string): string[] {
  const found = new Set<string>();
  for (const pattern of SPECIFIERS) {
    for (const m of text.matchAll(pattern)) {
      const spec = m[1] as string;
      if (!spec.startsWith('.')) continue;
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      found.add(target.endsWith('.ts') ? target : `${target}.ts`);
    }
  }
  return [...found].sort();
}

/** Every `.ts` file under `dirs` of `root`, with its imports. */
export function readImportGraph(root: string, dirs: readonly string[]): ImportGraph {
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts'))
        graph.set(path, importsOf(path, readFileSync(join(root, path), 'utf8')));
    }
  };
  for (const dir of dirs) walk(dir);
  return graph;
}

/** The import cycles of a graph, each as the files on it, in the order the arrows run. */
export function findCycles(graph: ImportGraph): string[][] {
  // Tarjan's strongly connected components; a component of more than one file, or a file that
  // imports itself, is a cycle.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) cycles.push(component.reverse());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/**
 * A layer: files whose path starts with `prefix` (the longest matching prefix wins). An import
 * may point into its own layer or one of a lower rank; between two different layers of the same
 * rank it may not, so siblings stay independent.
 */
export interface Layer {
  prefix: string;
  rank: number;
}

function layerOf(file: string, layers: readonly Layer[]): Layer | undefined {
  return layers
    .filter((l) => file.startsWith(l.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
}

/** Every import that breaks the layering, as `from -> to`. */
export function upwardImports(graph: ImportGraph, layers: readonly Layer[]): string[] {
  const broken: string[] = [];
  for (const [from, targets] of graph) {
    const a = layerOf(from, layers);
    if (!a) continue;
    for (const to of targets) {
      const b = layerOf(to, layers);
      if (!b || a === b) continue;
      if (b.rank > a.rank || (b.rank === a.rank && b.prefix !== a.prefix))
        broken.push(`${from} -> ${to}`);
    }
  }
  return broken.sort();
}
