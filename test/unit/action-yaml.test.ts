import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYaml } from '../integration/action-yaml.ts';

// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, as action.yml has them
const EXPR = '${{ inputs.x }}';

describe('parseYaml (the subset action.yml is written in)', () => {
  it('reads maps, lists of maps, literals, quotes and comments', () => {
    const doc = parseYaml(
      [
        '# a comment',
        'name: looplab # trailing',
        'inputs:',
        '  runs:',
        "    default: '10'",
        '    description: "it\'s # not a comment"',
        'steps:',
        '  - name: one',
        '    uses: actions/checkout@v4',
        '    with:',
        '      path: .base',
        '  - name: two',
        '    run: |',
        '      if [ -f x ]; then',
        '        echo "# kept"',
        '      fi',
        '',
        '    shell: bash',
        'list:',
        '  - a',
        `  - ${EXPR}`,
      ].join('\n'),
    );
    assert.deepEqual(doc, {
      name: 'looplab',
      inputs: { runs: { default: '10', description: "it's # not a comment" } },
      steps: [
        { name: 'one', uses: 'actions/checkout@v4', with: { path: '.base' } },
        { name: 'two', run: 'if [ -f x ]; then\n  echo "# kept"\nfi\n', shell: 'bash' },
      ],
      list: ['a', EXPR],
    });
  });

  it('refuses what it does not read, rather than misreading it', () => {
    assert.throws(() => parseYaml('a: &anchor 1'), /unsupported/);
    assert.throws(() => parseYaml('a: 1\na: 2'), /twice/);
    assert.throws(() => parseYaml('a: >\n  folded'), /unsupported/);
    assert.throws(() => parseYaml('a:\n\tb: 1'), /tab/);
    assert.throws(() => parseYaml("a: 'open"), /unclosed/);
  });
});
