/**
 * The lessons end to end, through the real CLI: every lesson runs without a terminal, and verify
 * passes every reference solution and fails every known-bad one, under real load on loopback.
 * Durations are short; the assertions are the lessons' own relative criteria, which compare
 * against the blocking reference measured in the same run.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { reapAll } from '../../bench/run/child.ts';
import { DEFAULT_OPTIONS } from '../../bench/run/options.ts';
import { packageRoot } from '../../core/package-info.ts';
import { formatVerify } from '../../lessons/engine/format.ts';
import type { Lesson } from '../../lessons/engine/types.ts';
import {
  checkEquivalence,
  VERIFY_OPTIONS,
  type VerifyResult,
  verifyExercises,
} from '../../lessons/engine/verify.ts';
import { lessons } from '../../lessons/registry.ts';
import { CLI, measuredTwice, runToEnd } from './helpers.ts';

let home: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'looplab-lessons-'));
});
after(async () => {
  await reapAll();
  await rm(home, { recursive: true, force: true });
});

/** Runs the CLI in `cwd` with its own progress file, as a learner without a terminal would. */
function looplab(args: string[], env: NodeJS.ProcessEnv = {}, cwd = home) {
  return runToEnd(process.execPath, [CLI, ...args], cwd, {
    NO_COLOR: '1',
    XDG_CONFIG_HOME: join(home, 'config'),
    ...env,
  });
}

const PLAIN = { bold: String, dim: String, good: String, bad: String };
// Short windows: these tests check that every claim gets a measured number, not that it holds.
// Not shorter than 1 s: ten reads of a 16 MiB file at once take most of a second here, and a
// window in which no request finished is a failed run.
const SHORT = ['--runs', '1', '--duration', '1', '--warmup', '0.2'];
const ROOMY = ['--runs', '1', '--duration', '2.5', '--warmup', '0.2'];
const source = (id: string, file: string) => join(packageRoot(), 'lessons', id, file);

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
    ],
  );
});

test('lesson 1 --no-input runs end to end in under 60 s and explains with numbers it measured', (t) =>
  measuredTwice(t, async () => {
    const r = await looplab(['lesson', '1', '--no-input']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.seconds < 60, `took ${r.seconds} s`);
    // The numbers in the explanation are this run's: the same ones the progress lines printed.
    const measured = [...r.stderr.matchAll(/busy-wait sync run \d: ([\d.]+) req\/s/g)].map((m) =>
      Number(m[1]),
    );
    assert.equal(measured.length, 2, r.stderr);
    const explained = Number(/sync served ([\d.]+) req\/s/.exec(r.stdout)?.[1]);
    const mean = ((measured[0] as number) + (measured[1] as number)) / 2;
    assert.ok(Math.abs(explained - mean) <= 0.06 * mean + 0.1, `${explained} vs runs ${measured}`);
    assert.match(r.stdout, /Predict: /);
    assert.match(r.stdout, /not asking/);
    assert.match(r.stdout, /Measured: [\d.]+ × sync/);
    assert.match(r.stdout, /The claims, checked on your numbers:\n[✓✗]/);
    assert.doesNotMatch(r.stdout, /\{main\./, 'every placeholder filled');
  }));

// Lessons 2 to 4 end to end as well. The later ones' claims and explanations are checked on
// reports in-process (test/unit/lessons.test.ts), their variants by the smoke test and verify's
// below: a run of each here would add about 40 s to the suite for nothing those do not cover.
for (const lesson of lessons.slice(1, 4)) {
  test(`lesson ${lesson.id} --no-input --json prints its claims with measured numbers`, (t) =>
    measuredTwice(t, async () => {
      // Ten 16 MiB reads at once take about a second here, more on a busy machine: files gets the
      // room for a few of them to finish in its window.
      const window = lesson.id === 'files-sync-vs-async' ? ROOMY : SHORT;
      const r = await looplab(['lesson', lesson.id, '--no-input', '--json', ...window]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout) as {
        claims: { holds: boolean | null; left: number | null }[];
        measurements: { key: string; uvThreadpoolSize: number | null }[];
        prediction: { answer: null; quantity: number | null };
      };
      assert.equal(json.claims.length, lesson.claims.length);
      for (const c of json.claims) assert.equal(typeof c.left, 'number');
      assert.equal(json.prediction.answer, null);
      assert.equal(typeof json.prediction.quantity, 'number');
      if (lesson.id === 'the-threadpool') {
        assert.deepEqual(
          json.measurements.map((m) => m.uvThreadpoolSize),
          [4, 1, 2, 8],
          'each measurement ran with its UV_THREADPOOL_SIZE',
        );
      }
    }));
}

// The solutions, known-bad and cheating files are checked for the same answers by the verify
// tests below; the starters are never verified, so they are checked here.
// All at once: answers do not depend on timing, and ten lessons one after another spend most of
// their time starting servers.
test('every starter answers exactly as its reference', async () => {
  const checked = await Promise.all(
    lessons.map((lesson) => checkEquivalence(lesson, source(lesson.id, 'exercise.ts'))),
  );
  for (const [i, r] of checked.entries()) {
    assert.ok(r.same, `${lessons[i]?.id}/exercise.ts: ${JSON.stringify(r)}`);
    assert.equal(r.reference.status, 200);
  }
});

describe('verify', () => {
  const flags = ['--runs', '1', '--duration', '1.5', '--warmup', '0.3', '--quiet'];
  const options = {
    ...DEFAULT_OPTIONS,
    ...VERIFY_OPTIONS,
    runs: 1,
    durationSec: 1.5,
    warmupSec: 0.3,
  };

  /**
   * The later lessons separate their files in 1 s windows, but for streaming-files: with ten
   * 16 MiB downloads in flight, a 1 s window of the whole-file reference can end with none
   * finished, which is a failed run.
   */
  const windowSec = (lesson: Lesson) =>
    lessons.indexOf(lesson) < 4 || lesson.id === 'streaming-files' ? 1.5 : 1;

  // The shipped file itself passes but is not the learner's work; a learner's copy is recorded.
  for (const inPlace of [true, false]) {
    test(`the-waiter through the CLI: the reference solution passes, ${inPlace ? 'unrecorded in place' : 'recorded as a copy'}`, (t) =>
      measuredTwice(t, async () => {
        const config = { XDG_CONFIG_HOME: join(home, inPlace ? 'in-place' : 'copy') };
        const file = inPlace ? source('the-waiter', 'solution.ts') : join(home, 'the-waiter.ts');
        if (!inPlace) await copyFile(source('the-waiter', 'solution.ts'), file);
        const r = await looplab(['verify', '1', file, ...flags], config);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /PASS/);
        assert.ok(r.seconds < 60, `took ${r.seconds} s`);
        if (inPlace)
          assert.match(r.stdout, /reference solution: it passes, but it is not recorded/);
        const list = JSON.parse((await looplab(['lessons', '--json'], config)).stdout) as {
          id: string;
          passed: boolean;
        }[];
        assert.equal(list[0]?.passed, !inPlace, 'recorded only as yours');
      }));
  }

  test('the-waiter through the CLI: a handler that skips the wait exits 1, saying so with its time', (t) =>
    measuredTwice(t, async () => {
      const r = await looplab(['verify', '1', source('the-waiter', 'cheat-skip.ts'), ...flags]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /✓ same responses as the reference/);
      assert.match(
        r.stdout,
        /✗ every request still waits the 20\.0 ms [\s\S]*?\n {4}Hint: your handler answered in [\d.]+ ms: it no longer\s+waits the 20\.0 ms/,
      );
      assert.match(r.stdout, /FAIL/);
    }));

  // One session per lesson: the reference measured once, then the solution, the known-bad file
  // and every cheating one, interleaved with it.
  for (const lesson of lessons) {
    test(`${lesson.id}: the solution passes; the known-bad and every cheating solution fail, saying what is missing`, (t) =>
      measuredTwice(t, async () => {
        const dir = join(packageRoot(), 'lessons', lesson.id);
        const cheats = (await readdir(dir)).filter((f) => /^cheat-.*\.ts$/.test(f)).sort();
        assert.ok(cheats.length > 0, `${lesson.id} has a cheating solution`);
        const names = ['solution.ts', 'bad.ts', ...cheats];
        const results = await verifyExercises(
          lesson,
          names.map((n) => join(dir, n)),
          { ...options, durationSec: windowSec(lesson), ...lesson.verify.bench },
        );
        const [solution, bad, ...cheated] = results as VerifyResult[];
        const show = (r: VerifyResult) => formatVerify(r, PLAIN);
        assert.ok(solution?.passed, show(solution as VerifyResult));

        // The known-bad file still does the work, on the loop: a load check fails it. (A lesson
        // whose work check sends inputs the load never does fails it there too: it still blocks.)
        assert.equal(bad?.passed, false, show(bad as VerifyResult));
        assert.ok(bad?.equivalence.same);
        assert.ok(
          bad?.criteria.slice(0, -1).some((c) => c.holds === false),
          `a load check fails bad.ts: ${show(bad as VerifyResult)}`,
        );
        if (lesson.verify.work.kind !== 'unseen')
          assert.equal(
            bad?.criteria.at(-1)?.holds,
            true,
            `bad.ts does the work: ${show(bad as VerifyResult)}`,
          );
        assert.match(show(bad as VerifyResult), /✗ [^\n]+\n(?: {2,}[^\n]+\n)*? {4}Hint: /);

        // A cheating file answers right and frees the loop; the work check fails it, with its numbers.
        for (const [i, r] of cheated.entries()) {
          const text = show(r);
          assert.ok(r.equivalence.same, `${cheats[i]}: ${text}`);
          assert.equal(r.passed, false, `${cheats[i]}: ${text}`);
          const work = r.criteria.at(-1);
          assert.equal(work?.holds, false, `${cheats[i]}: ${text}`);
          assert.match(
            text,
            /✗ every (?:request|message) still [\s\S]*?\n {4}Hint: your handler [\s\S]*?[\d.]+ (?:ms|bytes)[\s\S]*? no\s+longer /,
          );
        }
      }));
  }

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
    const rest = Array.from({ length: lessons.length - 4 }, () => false);
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

  const loaders = [
    'tsx',
    ...((process.features as { typescript?: unknown }).typescript ? ['strip-types'] : []),
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
          'syntax.ts',
          'export default function (\n',
          /throws when it is loaded .*\[LOOPLAB_ERR_BAD_EXERCISE\]$/,
        ],
      ];
      for (const [name, content, message] of cases) {
        if (content !== null) await writeFile(join(home, name), content);
        const r = await looplab(['verify', '1', join(home, name)], env);
        assert.equal(r.code, 2, `${name}: ${r.stderr}`);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `${name}: ${r.stderr}`);
        assert.match(lines[0] as string, message);
      }
    });

    // The solution tests above ran the default loader (tsx on Node 20, type stripping where Node
    // has it); this runs the other one, tsx forced where Node could strip types.
    const isDefault = loader === loaders.at(-1);
    test(`a TypeScript exercise with types loads and passes (${loader})`, {
      skip: isDefault && 'the solution tests ran this loader',
    }, async () => {
      const env = { LOOPLAB_TS_LOADER: loader };
      const r = await looplab(
        ['verify', '1', source('the-waiter', 'solution.ts'), ...SHORT, '--quiet'],
        env,
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
    });
  }
});

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
  const unknown = await looplab(['hint', String(lessons.length + 1)]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /\[LOOPLAB_ERR_UNKNOWN_LESSON\]/);
});
