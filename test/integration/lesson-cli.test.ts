/**
 * The lessons through the real CLI, behaviour only (the checking lane): the list, the starters'
 * answers, passes and resets, answers that differ, files that cannot be loaded, the exercise's
 * copy, a corrupt progress file, hints and solutions. What depends on a measurement (the lesson
 * runs, verify's verdicts) is in lessons.test.ts, in the measuring lane.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { lessonAppFolder } from '../../lessons/engine/app-measure.ts';
import { checkEquivalence } from '../../lessons/engine/verify.ts';
import { course, lessons } from '../../lessons/registry.ts';
import detective from '../../lessons/the-detective/lesson.ts';
import { runMarked } from './helpers.ts';
import { home, looplab, SHORT, source, useLearnerHome } from './lesson-helpers.ts';

useLearnerHome('looplab-lesson-cli-');

test('lessons --json lists the lessons in order, none passed yet', async () => {
  const r = await looplab(['lessons', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as { number: number; id: string; passed: boolean }[];
  assert.deepEqual(
    list.map((l) => [l.number, l.id, l.passed]),
    [
      [1, 'the-waiter', false],
      [2, 'files-sync-vs-async', false],
      [3, 'the-threadpool', false],
      [4, 'cpu-bound-work', false],
      [5, 'large-json', false],
      [6, 'evil-regex', false],
      [7, 'microtask-starvation', false],
      [8, 'compression', false],
      [9, 'streaming-files', false],
      [10, 'logging', false],
      [11, 'the-chat-room', false],
      [12, 'the-upstream', false],
      [13, 'rush-hour', false],
      [14, 'the-detective', false],
    ],
  );
});

/** `fn` on every item, at most `limit` at a time; the results in the items' order. */
async function inBatches<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>) {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit)
    out.push(...(await Promise.all(items.slice(i, i + limit).map(fn))));
  return out;
}

// The solutions, known-bad and cheating files are checked for the same answers by the verify
// tests (lessons.test.ts); the starters are never verified, so they are checked here. Three
// lessons at a time: answers do not depend on timing, and one after another the lessons spend
// most of their time starting servers; all of them at once (two dozen servers, each loading a
// TypeScript loader) at nice 10 beside the measuring lane, one server took over 15 s to start.
test('every starter answers exactly as its reference', async () => {
  const checked = await inBatches(lessons, 3, (lesson) =>
    checkEquivalence(lesson, source(lesson.id, 'exercise.ts')),
  );
  for (const [i, r] of checked.entries()) {
    assert.ok(r.same, `${lessons[i]?.id}/exercise.ts: ${JSON.stringify(r)}`);
    assert.equal(r.reference.status, 200);
  }
});

test('passes show in lessons; reset forgets them; lesson goes to the first unfinished', async () => {
  const env = { XDG_CONFIG_HOME: join(home, 'passes') };
  const cwd = await mkdtemp(join(home, 'passes-'));
  const list = async () =>
    (JSON.parse((await looplab(['lessons', '--json'], env)).stdout) as { passed: boolean }[]).map(
      (l) => l.passed,
    );
  await looplab(['reset'], env);
  await writeFile(
    join(home, 'passes', 'looplab', 'progress.json'),
    JSON.stringify({
      version: 1,
      passed: { 'the-waiter': { at: 'x' }, 'the-threadpool': { at: 'y' } },
    }),
  );
  // The first four lessons as set; every later one not passed.
  const rest = Array.from({ length: course.length - 4 }, () => false);
  assert.deepEqual(await list(), [true, false, true, false, ...rest]);
  const next = await looplab(['lesson', '--exercise'], env, cwd);
  assert.match(next.stdout, /looplab-exercises\/files-sync-vs-async\.ts/, 'the first unfinished');
  assert.equal((await looplab(['reset', '1'], env)).code, 0);
  assert.deepEqual(await list(), [false, false, true, false, ...rest]);
});

test('an answer that differs from the reference fails without loading', async () => {
  const file = join(home, 'wrong.ts');
  await writeFile(file, "export default async () => ({ body: 'nope' });\n");
  const r = await looplab(['verify', '1', file, ...SHORT]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stdout,
    /✗ same responses as the reference\n +to: +GET \/\n +reference: 200 application\/json 15 bytes .*waitedMs/,
  );
  assert.doesNotMatch(r.stderr, /run 1/, 'no load was applied');
});

// tsx, forced, and the default: Node's type stripping, or on Node 20 the file compiled once.
const loaders = [
  'tsx',
  (process.features as { typescript?: unknown }).typescript ? 'strip-types' : 'compiled',
];
for (const loader of loaders) {
  test(`bad files exit 2 with one line (${loader})`, async () => {
    const env = loader === 'tsx' ? { LOOPLAB_TS_LOADER: 'tsx' } : {};
    const cases: [string, string | null, RegExp][] = [
      ['missing.ts', null, /missing\.ts does not exist.*\[LOOPLAB_ERR_NO_SUCH_FILE\]$/],
      [
        'nothing.ts',
        'export const answer = 42;\n',
        /exports no handler.*\[LOOPLAB_ERR_BAD_EXERCISE\]$/,
      ],
      [
        'throws.ts',
        "throw new Error('boom');\n",
        /throws when it is loaded \(Error: boom\).*\[LOOPLAB_ERR_BAD_EXERCISE\]$/,
      ],
      [
        'crashes.ts',
        "export default () => {\n  setTimeout(() => {\n    throw new Error('late');\n  }, 0);\n  return { body: JSON.stringify({ waitedMs: 20 }) };\n};\n",
        /crashed its server while answering GET \/ \(exit code 1\): uncaught Error: late; fix it .*\[LOOPLAB_ERR_BAD_EXERCISE\]$/,
      ],
      [
        'syntax.ts',
        'export default function (\n',
        /throws when it is loaded .*\[LOOPLAB_ERR_BAD_EXERCISE\]$/,
      ],
    ];
    for (const [name, content, message] of cases) {
      if (content !== null) await writeFile(join(home, name), content);
      const r = await looplab(['verify', '1', join(home, name)], env);
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      // A file that loads gets its progress line first; the error is still one line.
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => !/ loaded; comparing its responses with /.test(l));
      assert.equal(lines.length, 1, `${name}: ${r.stderr}`);
      assert.match(lines[0] as string, message);
    }
  });
}

test('--exercise copies the starter once; --force overwrites; verify looks there by default', async () => {
  const cwd = await mkdtemp(join(home, 'learner-'));
  const none = await looplab(['verify', '1'], {}, cwd);
  assert.equal(none.code, 2);
  assert.match(
    none.stderr,
    /^looplab: looplab-exercises\/the-waiter\.ts does not exist.*\[LOOPLAB_ERR_NO_SUCH_FILE\]\n$/,
  );
  const first = await looplab(['lesson', '1', '--exercise'], {}, cwd);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /looplab verify 1/);
  const path = join(cwd, 'looplab-exercises', 'the-waiter.ts');
  assert.equal(
    await readFile(path, 'utf8'),
    await readFile(source('the-waiter', 'exercise.ts'), 'utf8'),
  );
  await writeFile(path, 'my work');
  const again = await looplab(['lesson', '1', '--exercise'], {}, cwd);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists.*--force.*\[LOOPLAB_ERR_EXERCISE_EXISTS\]/);
  assert.equal(await readFile(path, 'utf8'), 'my work', 'the learner’s file is untouched');
  assert.equal((await looplab(['lesson', '1', '--exercise', '--force'], {}, cwd)).code, 0);
  assert.equal(
    await readFile(path, 'utf8'),
    await readFile(source('the-waiter', 'exercise.ts'), 'utf8'),
  );
});

test('a corrupt progress file is reported and backed up, not dropped', async () => {
  const config = join(home, 'corrupt');
  await rm(config, { recursive: true, force: true });
  const dir = join(config, 'looplab');
  await looplab(['reset'], { XDG_CONFIG_HOME: config });
  await writeFile(join(dir, 'progress.json'), '{"version":1,"pas');
  const r = await looplab(['lessons'], { XDG_CONFIG_HOME: config });
  assert.equal(r.code, 0);
  assert.match(r.stderr, /progress file .* was corrupt .* moved to .*progress\.json\.corrupt-/);
  const backup = (await readdir(dir)).find((f) => f.startsWith('progress.json.corrupt-'));
  assert.ok(backup);
  assert.equal(await readFile(join(dir, backup), 'utf8'), '{"version":1,"pas');
});

test('hint, and solution with a warning before the exercise is passed', async () => {
  const hint = await looplab(['hint', '3']);
  assert.equal(hint.code, 0);
  assert.match(hint.stdout, /Hint: .*pbkdf2/);
  const config = join(home, 'fresh');
  const solution = await looplab(['solution', 'the-waiter'], { XDG_CONFIG_HOME: config });
  assert.equal(solution.code, 0);
  assert.equal(solution.stdout, await readFile(source('the-waiter', 'solution.ts'), 'utf8'));
  assert.match(solution.stderr, /not passed exercise 1 yet/);
  const unknown = await looplab(['hint', String(course.length + 1)]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /\[LOOPLAB_ERR_UNKNOWN_LESSON\]/);
});

test('lesson 14: the exercise is the app, copied as a folder; hint, solution and bad folders', async () => {
  const cwd = await mkdtemp(join(home, 'detective-'));
  const copied = await looplab(['lesson', '14', '--exercise'], {}, cwd);
  assert.equal(copied.code, 0, copied.stderr);
  assert.match(copied.stdout, /wrote looplab-exercises\/the-detective\//);
  assert.match(
    copied.stdout,
    /--cmd "node looplab-exercises\/the-detective\/server\.js" --path "\/products\?page=7"/,
  );
  // Each route as its users send it: a login's body from the folder's requests/.
  assert.match(
    copied.stdout,
    /--path "POST \/login @looplab-exercises\/the-detective\/requests\/login\.json"/,
  );
  const files = await readdir(join(cwd, 'looplab-exercises', 'the-detective'));
  for (const f of [
    'server.js',
    'catalog.js',
    'search.js',
    'email-check.js',
    'login.js',
    'package.json',
  ])
    assert.ok(files.includes(f), `${f} in ${files}`);
  const again = await looplab(['lesson', '14', '--exercise'], {}, cwd);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists.*\[LOOPLAB_ERR_EXERCISE_EXISTS\]$/m);

  const hint = await looplab(['hint', '14']);
  assert.equal(hint.code, 0);
  // One nudge per blocker, in order, each naming its module.
  assert.deepEqual(
    [...hint.stdout.matchAll(/^(\d)\. ([\w-]+\.js):/gm)].map((m) => `${m[1]} ${m[2]}`),
    ['1 catalog.js', '2 search.js', '3 email-check.js', '4 login.js'],
  );
  const solution = await looplab(['solution', 'the-detective']);
  assert.equal(solution.code, 0);
  assert.match(solution.stdout, /^\/\/ ===== search\.js =====$/m);
  assert.doesNotMatch(solution.stdout, /===== router\.js/, 'only the files that differ');
  assert.match(solution.stderr, /not passed exercise 14 yet/);

  const missing = await looplab(['verify', '14', 'nowhere'], {}, cwd);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nowhere does not exist.*\[LOOPLAB_ERR_NO_SUCH_FILE\]$/m);
  const broken = join(cwd, 'broken');
  await mkdir(broken);
  await writeFile(join(broken, 'server.js'), "throw new Error('no database');\n");
  const bad = await looplab(['verify', '14', broken], {}, cwd);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /broken did not start: .*no database.*\[LOOPLAB_ERR_BAD_EXERCISE\]$/m);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  const live = await looplab(['lesson', '14', '--live', '--no-input']);
  assert.equal(live.code, 2);
  assert.match(
    live.stderr,
    /measures an app, which the live page cannot show yet.*\[LOOPLAB_ERR_BAD_OPTION\]$/m,
  );
});

test('Ctrl-C during verify 14 exits 130, as a stop, and leaves no shop running', async () => {
  const folder = join(home, 'interrupted-shop');
  await cp(lessonAppFolder(detective, 'starter'), folder, { recursive: true });
  const r = await runMarked(
    ['verify', '14', folder],
    { XDG_CONFIG_HOME: join(home, 'config') },
    (run) => {
      // In the catalogue check, whose reads are in flight when the shops are stopped.
      void run
        .waitForStderr(/reading the catalogue/, 60_000)
        .then(() => setTimeout(() => run.child.kill('SIGINT'), 1500));
    },
  );
  assert.equal(r.code, 130, r.stderr);
  assert.doesNotMatch(r.stderr, /unexpected error/);
  assert.deepEqual(r.left, []);
});
