/**
 * The package as users get it: `npm pack` from a copy of the source tree (no dist/: its prepack
 * builds), installed into an empty prefix as `npm install -g` would, then run from an empty
 * directory: a lesson, its exercise, verify on the reference solution, and a quick bench. Only
 * behaviour is checked: it runs in the checking lane.
 */
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { packageRoot } from '../../core/package-info.ts';
import { runToEnd } from './helpers.ts';

const execFile = promisify(execFileCb);
const root = packageRoot();
let dir: string;
/** The installed `looplab` bin (a link to its cli.js), run by this Node, not the one on PATH. */
let bin: string;
const looplab = (args: string[], cwd: string, env: NodeJS.ProcessEnv) =>
  run(process.execPath, [bin, ...args], cwd, env);
let files: string[];

const run = runToEnd;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'looplab-pack-'));
  // A clean clone of this tree: the files git knows (committed or not), and no dist/.
  const src = join(dir, 'src');
  const { stdout } = await execFile('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const f of stdout.split('\0').filter(Boolean)) {
    await mkdir(join(src, dirname(f)), { recursive: true });
    await cp(join(root, f), join(src, f)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // deleted but not yet committed
    });
  }
  // The build's own tools (TypeScript) as `npm ci` would have installed them.
  await symlink(join(root, 'node_modules'), join(src, 'node_modules'));
  const packed = await run('npm', ['pack', '--pack-destination', dir], src);
  assert.equal(packed.code, 0, packed.stderr);
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, packed.stdout + packed.stderr);
  files = (await execFile('tar', ['-tzf', join(dir, tarball)])).stdout.split('\n').filter(Boolean);

  const prefix = join(dir, 'prefix');
  const installed = await run(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      join(dir, tarball),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ],
    dir,
  );
  assert.equal(installed.code, 0, installed.stderr);
  bin = join(prefix, 'bin', 'looplab');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm pack, installed into an empty prefix', () => {
  test('ships a fresh build and no development files', () => {
    assert.ok(files.includes('package/dist/scripts/cli.js'), 'the prepack build is in');
    assert.ok(files.includes('package/lessons/the-waiter/exercise.ts'));
    // The capstone's exercise is a whole app, and its solution one with a worker of its own.
    assert.ok(files.includes('package/lessons/the-detective/app/server.js'));
    assert.ok(files.includes('package/lessons/the-detective/app/users.json'));
    assert.ok(files.includes('package/lessons/the-detective/solution/search-worker.js'));
    assert.ok(files.includes('package/bench/report/report.schema.json'));
    assert.ok(files.includes('package/bench/sweep/sweep.schema.json'));
    const dev = files.filter((f) =>
      /^package\/(test\/|dist\/test\/|scripts\/dev\/|dist\/scripts\/dev\/|\.ci\/|biome\.json|tsconfig\.json)|\/(bad|cheat-[^/]*)\.(ts|js)|lessons\/engine\/.*\.ts$/.test(
        f,
      ),
    );
    assert.deepEqual(dev, []);
  });

  test('runs a lesson, its exercise, verify and a quick bench from an empty directory', async () => {
    const cwd = join(dir, 'empty');
    await mkdir(cwd);
    const env = { XDG_CONFIG_HOME: join(dir, 'config'), NO_COLOR: '1' };
    const short = ['--runs', '1', '--duration', '1', '--warmup', '0.3'];

    const lesson = await looplab(['lesson', '1', '--no-input', ...short], cwd, env);
    assert.equal(lesson.code, 0, lesson.stderr);
    assert.match(lesson.stdout, /The claims, checked on your numbers:/);

    const exercise = await looplab(['lesson', '1', '--exercise'], cwd, env);
    assert.equal(exercise.code, 0, exercise.stderr);
    assert.deepEqual(await readdir(join(cwd, 'looplab-exercises')), ['the-waiter.ts']);

    // The learner saves the reference solution as their exercise, and the installed verify
    // loads it (its TypeScript loader resolved from the install), measures it and judges it.
    // Whether it passes is the measuring lane's question (lessons.test.ts): this file runs in the
    // checking lane, at a low priority beside the measurements.
    const solution = await looplab(['solution', '1'], cwd, env);
    await writeFile(join(cwd, 'looplab-exercises', 'the-waiter.ts'), solution.stdout);
    const verify = await looplab(['verify', '1', ...short, '--quiet'], cwd, env);
    assert.ok([0, 1].includes(verify.code ?? -1), verify.stdout + verify.stderr);
    assert.match(verify.stdout, /✓ same responses as the reference/);
    assert.match(verify.stdout, /every request still waits the 20\.0 ms/);
    assert.match(verify.stdout, /^(PASS|FAIL)$/m);

    // The capstone's app, copied from the install, starts and answers as the installed shop does.
    const shop = await looplab(['lesson', '14', '--exercise'], cwd, env);
    assert.equal(shop.code, 0, shop.stderr);
    assert.deepEqual((await readdir(join(cwd, 'looplab-exercises'))).sort(), [
      'the-detective',
      'the-waiter.ts',
    ]);
    const wrong = join(cwd, 'looplab-exercises', 'the-detective', 'email-check.js');
    await writeFile(wrong, 'export async function checkEmail() {\n  return true;\n}\n');
    const verified = await looplab(['verify', '14', '--quiet'], cwd, env);
    assert.equal(verified.code, 1, verified.stderr);
    assert.match(verified.stdout, /✗ the same answers as the untouched shop/);

    const bench = await looplab(['bench', 'busy-wait', '--quick', '--json', 'out.json'], cwd, env);
    assert.equal(bench.code, 0, bench.stderr);
    assert.deepEqual((await readdir(cwd)).sort(), ['looplab-exercises', 'out.json']);
  });
});
