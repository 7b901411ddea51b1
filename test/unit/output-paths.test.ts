import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertDistinctOutputs, realPathOf } from '../../core/output-paths.ts';

describe('outputs that would destroy an input or each other', () => {
  let dir = '';
  before(async () => {
    // Real, so that expected paths match where a macOS /tmp (a link) leads.
    dir = await realpath(await mkdtemp(join(tmpdir(), 'looplab-output-paths-')));
    await writeFile(join(dir, 'victim.json'), '{}');
    await mkdir(join(dir, 'sub'));
    await symlink(join(dir, 'victim.json'), join(dir, 'alias.json'));
    await symlink(join(dir, 'not-yet.json'), join(dir, 'dangling.json'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const at = (name: string) => join(dir, name);
  const clash = (message: string) => ({ code: 'LOOPLAB_ERR_OUTPUT_CLASH', message });

  it('refuses an output that is an input, by name, through .. or through a link', async () => {
    for (const out of ['victim.json', 'sub/../victim.json', 'alias.json']) {
      await assert.rejects(
        assertDistinctOutputs(
          [{ name: 'input', path: at('victim.json') }],
          [{ name: '--html', path: at(out) }],
        ),
        clash(
          `--html ${at(out)} is the input ${at('victim.json')}: writing it would destroy it; choose another name`,
        ),
      );
    }
  });

  it('refuses two outputs of one file, a file not written yet included', async () => {
    await assert.rejects(
      assertDistinctOutputs(
        [],
        [
          { name: '--json', path: at('x') },
          { name: '--md', path: at('sub/../x') },
        ],
      ),
      clash(
        `--md ${at('sub/../x')} and --json ${at('x')} are one file (${at('x')}); give each output a name of its own`,
      ),
    );
    await assert.rejects(
      assertDistinctOutputs(
        [],
        [
          { name: '--json', path: at('not-yet.json') },
          { name: '--html', path: at('dangling.json') },
        ],
      ),
      { code: 'LOOPLAB_ERR_OUTPUT_CLASH' },
    );
  });

  it('lets distinct files and a device named twice through', async () => {
    await assertDistinctOutputs(
      [{ name: 'input', path: at('victim.json') }],
      [
        { name: '--json', path: at('a.json') },
        { name: '--md', path: at('a.md') },
        { name: '--html', path: '/dev/null' },
        { name: 'GITHUB_STEP_SUMMARY', path: '/dev/null' },
      ],
    );
  });

  it('finds where a path leads: a link, a missing file in a real folder', async () => {
    assert.equal(await realPathOf(at('alias.json')), at('victim.json'));
    assert.equal(await realPathOf(at('dangling.json')), at('not-yet.json'));
    assert.equal(await realPathOf(at('no/such/dir/x.json')), at('no/such/dir/x.json'));
  });
});
