/**
 * The headless Chromium the browser tests drive, found without any download at run time.
 *
 * A system Chromium is preferred when one is installed (Debian's `chromium` package, say): it is
 * the user's own, patched by their distribution. Otherwise the one that `npm install` brought:
 * @sparticuz/chromium ships a Chromium build inside its registry package (brotli-compressed, with
 * no install script), which is inflated once into a cache directory on first use. So a fresh
 * clone's `npm install && npm test` runs the browser tests on a machine with Node and nothing else.
 *
 * LOOPLAB_CHROMIUM names the system Chromium to try instead of the usual paths; `none` (or a path
 * that does not exist) skips the system one, which is how the tests prove the npm path works on a
 * machine that has both.
 */
import { constants, existsSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export interface FoundChromium {
  executablePath: string;
  /** Where it came from, for the test's name and its log. */
  source: 'system' | 'npm';
  /** Flags it needs to start here. */
  args: string[];
}

const executable = (path: string) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

/** The system Chromium to use, or null to use the npm one. */
async function systemChromium(): Promise<string | null> {
  const wanted = process.env.LOOPLAB_CHROMIUM;
  const candidates = wanted === undefined ? SYSTEM_PATHS : wanted === 'none' ? [] : [wanted];
  for (const path of candidates) if (await executable(path)) return path;
  return null;
}

/**
 * Inflates @sparticuz/chromium's browser (the binary, and the SwiftShader libraries it loads from
 * beside it) into a cache directory named after its version, once. The package inflates into the
 * temp dir it is given; it is given a private one, renamed into place when complete, so an
 * interrupted inflation (or two at once) never leaves a half-written browser that a later run
 * would trust.
 */
async function npmChromium(): Promise<{ path: string; args: string[] }> {
  const { default: Chromium } = await import('@sparticuz/chromium');
  const root = join(dirname(fileURLToPath(import.meta.resolve('@sparticuz/chromium'))), '..', '..');
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cache = join(tmpdir(), 'looplab-chromium', version);
  const path = join(cache, 'chromium');
  if (!existsSync(path)) {
    await mkdir(dirname(cache), { recursive: true });
    const temp = `${cache}.${process.pid}.tmp`;
    const previous = process.env.TMPDIR;
    try {
      await mkdir(temp, { recursive: true });
      // os.tmpdir() reads TMPDIR at each call: this is where the package inflates.
      process.env.TMPDIR = temp;
      await Chromium.executablePath(join(root, 'bin'));
      process.env.TMPDIR = previous;
      await rename(temp, cache).catch((err: NodeJS.ErrnoException) => {
        // Another run finished first: its copy is as good as ours.
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
      });
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(temp, { recursive: true, force: true });
    }
  }
  return { path, args: Chromium.args };
}

/** Finds a Chromium to launch: the system's if there is one, else the npm package's. */
export async function findChromium(): Promise<FoundChromium> {
  const system = await systemChromium();
  if (system) {
    return {
      executablePath: system,
      source: 'system',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    };
  }
  // A headless-shell build for serverless machines, with the flags its package gives for it,
  // less --single-process: that is for Lambda's sandbox, and here it brings the whole browser
  // down when a second browser context (a second page, in Playwright) closes.
  const { path, args } = await npmChromium();
  return {
    executablePath: path,
    source: 'npm',
    args: args.filter((a) => a !== '--single-process'),
  };
}
