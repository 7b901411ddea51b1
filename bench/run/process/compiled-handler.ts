/**
 * A learner's TypeScript file, compiled once per looplab process for Node 20, which cannot strip
 * types.
 *
 * tsx, the loader Node 20 otherwise needs, costs every server child that loads it about 0.45 s
 * of CPU here (its module hooks run on a thread of their own), and verify starts a fresh server
 * per run: half of a short verify went to it. So the harness compiles the file once with esbuild
 * (which tsx itself uses), into a private temporary directory, with an inline source map; each
 * child then imports plain JavaScript, and the stall watchdog maps its frames back to the
 * learner's file and lines through that map.
 *
 * Only a file that stands alone takes this path: ES module syntax, and no import but Node's own
 * modules. A file that imports another file or a package (which must resolve from where the
 * file is, not from a temporary directory), that uses CommonJS, or that does not compile, is left
 * to tsx, which loads it, or reports its error, as before. Compiled this way the file runs as the
 * ES module it is written as, as Node 22 and 24 run it when they strip its types.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { typeScriptExecArgv, typeScriptLoader } from '../../../scenarios/server/ts-loader.ts';

/** The temporary directory of this process's compiled files, made at the first compile. */
let outDir: string | undefined;
let outputs = 0;
const compiled = new Map<string, Promise<string | null>>();

const PREFIX = 'looplab-handlers-';

/** The pid a folder of compiled files names, from `looplab-handlers-<pid>-XXXXXX`; else null. */
export function ownerPid(name: string): number | null {
  const m = /^looplab-handlers-(\d+)-[^-]+$/.exec(name);
  return m ? Number(m[1]) : null;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the folders that looplab processes now gone left: a process killed outright (SIGKILL)
 * never runs its exit handler. Another user's folder, or a live process's, is left alone.
 */
export function sweepLeftovers(tmp: string): void {
  let names: string[];
  try {
    names = readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = ownerPid(name);
    if (pid === null || pid === process.pid || alive(pid)) continue;
    try {
      const path = join(tmp, name);
      if (statSync(path).uid === process.getuid?.()) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or not ours to remove.
    }
  }
}

function outputDir(): string {
  if (outDir === undefined) {
    sweepLeftovers(tmpdir());
    const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
    outDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return outDir;
}

async function compile(path: string): Promise<string | null> {
  const esbuild = await import('esbuild');
  const url = pathToFileURL(path);
  const result = await esbuild
    .build({
      entryPoints: [path],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node}`,
      sourcemap: 'inline',
      // The map names the file relative to where the output goes, as Node resolves it.
      outdir: outputDir(),
      write: false,
      metafile: true,
      logLevel: 'silent',
      // The file's own location, not the temporary one it runs from.
      define: {
        'import.meta.url': JSON.stringify(url.href),
        'import.meta.filename': JSON.stringify(path),
        'import.meta.dirname': JSON.stringify(join(path, '..')),
      },
    })
    .catch(() => null);
  const inputs = Object.values(result?.metafile?.inputs ?? {});
  const [input] = inputs;
  const standsAlone =
    inputs.length === 1 &&
    input?.format === 'esm' &&
    input.imports.every((i) => i.external && isBuiltin(i.path));
  const text = result?.outputFiles?.[0]?.text;
  if (!standsAlone || text === undefined) return null;
  const out = join(outputDir(), `${++outputs}.mjs`);
  writeFileSync(out, text);
  return out;
}

/**
 * The compiled JavaScript of `path` (a `.ts`, `.mts` or `.cts` file), or null when it is to be
 * loaded by tsx instead. Compiled once per content: a file changed since is compiled again.
 */
export function compiledHandler(path: string): Promise<string | null> {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return Promise.resolve(null);
  const key = `${path}\0${info.size}\0${info.mtimeMs}`;
  let out = compiled.get(key);
  if (!out) {
    out = compile(path);
    compiled.set(key, out);
  }
  return out;
}

/**
 * How a server child is to load the learner's `file`: the module to import in its place, if
 * any, and the Node flags it needs.
 */
export async function handlerLaunch(
  file: string,
): Promise<{ module?: string; execArgv: string[] }> {
  const loader = typeScriptLoader();
  const module = loader === 'compiled' ? await compiledHandler(file) : null;
  // Without --enable-source-maps: with it, a stall captured inside a regular expression of a
  // compiled file crashed the server (SIGSEGV, Node 20.20). The watchdog's worker maps frames
  // from the file's inline map itself.
  if (module) return { module, execArgv: [] };
  return { execArgv: typeScriptExecArgv(loader) };
}
