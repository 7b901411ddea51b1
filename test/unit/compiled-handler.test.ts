/**
 * Node 20's fast path for a learner's TypeScript file: compiled once when it stands alone, left
 * to tsx otherwise (bench/run/process/compiled-handler.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  compiledHandler,
  ownerPid,
  sweepLeftovers,
} from '../../bench/run/process/compiled-handler.ts';

describe('compiledHandler', () => {
  let dir = '';
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'looplab-compiled-test-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("compiles a file that imports only Node's modules, once, keeping where it came from", async () => {
    const path = await file(
      'alone.ts',
      [
        "import { setTimeout as sleep } from 'node:timers/promises';",
        'const here: string = import.meta.url;',
        'export default async function handle(): Promise<{ body: string }> {',
        '  await sleep(1);',
        '  return { body: here };',
        '}',
      ].join('\n'),
    );
    const out = await compiledHandler(path);
    assert.ok(out, 'compiled');
    assert.equal(await compiledHandler(path), out, 'once per content');
    const mod = (await import(pathToFileURL(out).href)) as {
      default: () => Promise<{ body: string }>;
    };
    assert.equal((await mod.default()).body, pathToFileURL(path).href);
    const text = await readFile(out, 'utf8');
    const map = JSON.parse(
      Buffer.from(
        /sourceMappingURL=data:application\/json;base64,(.*)$/m.exec(text)?.[1] ?? '',
        'base64',
      ).toString(),
    ) as { sources: string[] };
    assert.deepEqual(
      map.sources.map((s) => join(out, '..', s)),
      [path],
      'the map names the file where it is',
    );
  });

  it('compiles it again once it changed', async () => {
    const path = await file('changes.ts', 'export default () => ({ body: "a" });\n');
    const first = await compiledHandler(path);
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(path, 'export default () => ({ body: "bb" });\n');
    const second = await compiledHandler(path);
    assert.ok(first && second);
    assert.notEqual(second, first);
  });

  it('leaves to tsx a file that imports another file, a package, uses CommonJS, or does not compile', async () => {
    await file('helper.ts', 'export const x = 1;\n');
    const cases = {
      'imports-file.ts':
        "import { x } from './helper.ts';\nexport default () => ({ body: String(x) });\n",
      'imports-package.ts':
        "import yargs from 'yargs';\nexport default () => ({ body: typeof yargs });\n",
      'commonjs.ts':
        "const fs = require('node:fs');\nmodule.exports = () => ({ body: typeof fs });\n",
      'syntax.ts': 'export default function (\n',
    };
    for (const [name, text] of Object.entries(cases))
      assert.equal(await compiledHandler(await file(name, text)), null, name);
    assert.equal(await compiledHandler(join(dir, 'missing.ts')), null, 'missing');
  });
});

describe('the folders of compiled files that killed processes left', () => {
  it('reads the owner pid from a folder name, and nothing from another name', () => {
    assert.equal(ownerPid('looplab-handlers-4242-aB3xYz'), 4242);
    assert.equal(ownerPid('looplab-handlers-aB3xYz'), null);
    assert.equal(ownerPid('looplab-app-4242-aB3xYz'), null);
  });

  it('removes those of processes now gone, and keeps the rest', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'looplab-sweep-test-'));
    after(() => rm(tmp, { recursive: true, force: true }));
    // A pid that was just used and is gone.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const names = [
      `looplab-handlers-${gone}-abc123`,
      `looplab-handlers-${process.pid}-abc123`,
      `looplab-handlers-${process.ppid}-abc123`,
      'looplab-handlers-abc123',
      `other-${gone}-abc123`,
    ];
    for (const n of names) await mkdir(join(tmp, n, 'x'), { recursive: true });
    sweepLeftovers(tmp);
    assert.deepEqual((await readdir(tmp)).sort(), names.slice(1).sort());
  });
});
