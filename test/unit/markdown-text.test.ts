import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCompareMarkdown } from '../../bench/render/compare.ts';
import { formatMarkdown } from '../../bench/render/markdown.ts';
import { mdCode, mdText } from '../../core/markdown-text.ts';
import { PLAIN_MARKDOWN, renderInline, renderMarkdown } from '../../lessons/engine/markdown.ts';
import { completedRun, entry, makeReport } from './fixtures.ts';

describe('mdText: literal text in Markdown', () => {
  it('backslash-escapes every inline special character', () => {
    assert.equal(mdText('/a|b'), '/a\\|b');
    assert.equal(mdText('<script>alert(1)</script>'), '\\<script\\>alert(1)\\</script\\>');
    assert.equal(mdText('<img src=x onerror=alert(1)>'), '\\<img src=x onerror=alert(1)\\>');
    assert.equal(
      mdText('`a` *b* _c_ [d](e) ~f~ &amp; $x$ \\'),
      '\\`a\\` \\*b\\* \\_c\\_ \\[d\\](e) \\~f\\~ \\&amp; \\$x\\$ \\\\',
    );
  });

  it('leaves plain text and numbers as they are', () => {
    assert.equal(
      mdText('crypto-pbkdf2 sync: -19.9% (3 runs), 1.5 ms'),
      'crypto-pbkdf2 sync: -19.9% (3 runs), 1.5 ms',
    );
  });

  it('keeps a name on one line and drops control characters', () => {
    assert.equal(mdText('a\nb\r\n\tc'), 'a b c');
    assert.equal(mdText('\u001b[2Jred\u001b[31m\u0007'), 'red');
  });
});

describe('mdCode: a code span nothing inside can close', () => {
  it('fences with one backtick more than the longest run inside', () => {
    assert.equal(mdCode('plain.json'), '`plain.json`');
    assert.equal(mdCode('a`b'), '``a`b``');
    assert.equal(mdCode('a``b`c'), '```a``b`c```');
  });

  it('pads a span that starts or ends with a backtick or a space', () => {
    assert.equal(mdCode('`x'), '`` `x ``');
    assert.equal(mdCode(' x '), '`  x  `');
  });

  it('escapes | in a table cell only', () => {
    assert.equal(mdCode('a|b'), '`a|b`');
    assert.equal(mdCode('a|b', true), '`a\\|b`');
  });
});

describe('the Markdown looplab writes, with crafted names', () => {
  const hostile = '/a|b<img src=x onerror=alert(1)>`';
  const report = makeReport([
    entry('busy-wait', 'sync', [completedRun(1)]),
    entry('busy-wait', hostile, [completedRun(1)]),
  ]);

  it('bench --md: the header row keeps its cell count, and no raw tag passes', () => {
    const md = formatMarkdown(report);
    const header = md.split('\n').find((l) => l.startsWith('| metric |')) as string;
    assert.equal(header, '| metric | sync | /a\\|b\\<img src=x onerror=alert(1)\\>\\` |');
    assert.equal(header.split(/(?<!\\)\|/).length, 5, 'three cells');
    assert.doesNotMatch(md, /(?<!\\)</, 'every < escaped');
  });

  it('compare --format markdown: a row named /a|b keeps its cells', () => {
    const row = {
      scenario: '/a|b',
      variant: '<script>',
      metric: 'requestsPerSec',
      base: { mean: 100, n: 3 },
      head: { mean: 100, n: 3 },
      change: 0,
      ci: [-0.01, 0.01],
      p: 1,
      pAdjusted: 1,
      stars: '',
      minDetectableChange: 0.05,
      verdict: 'no-change',
      test: 'welch',
    };
    const md = formatCompareMarkdown(
      {
        rows: [row],
        regressions: [],
        onlyInBase: [{ scenario: 'x`y', variant: 'z' }],
        onlyInHead: [],
        warnings: ['a <b>'],
        tests: 1,
        alpha: 0.05,
        test: 'welch',
      } as unknown as Parameters<typeof formatCompareMarkdown>[0],
      { base: 'base`.json', head: 'head.json' },
    );
    const line = md.split('\n').find((l) => l.startsWith('| /a')) as string;
    assert.ok(line.startsWith('| /a\\|b \\<script\\> | throughput (req/s) |'), line);
    assert.equal(line.split(/(?<!\\)\|/).length, 12, 'ten cells, as the header has');
    assert.match(md, /\nBase ``base`\.json`` · head `head\.json`\n/);
    assert.match(md, /\n- only in base, not compared: x\\`y z\n/);
    assert.match(md, /\n> ⚠️ a \\<b\\>\n/);
    assert.doesNotMatch(md, /(?<!\\)</, 'every < escaped');
  });
});

describe('the lessons renderer reads what the escaper writes', () => {
  it('shows escaped characters literally and long-fenced code whole', () => {
    assert.equal(renderInline(mdText('a|b *c* <d>'), PLAIN_MARKDOWN), 'a|b *c* <d>');
    assert.equal(renderInline(`${mdCode('x`y')} and **bold**`, PLAIN_MARKDOWN), 'x`y and bold');
  });

  it('keeps an escaped pipe inside its table cell', () => {
    assert.equal(renderMarkdown('| a | b |\n|---|---|\n| x\\|y | z |\n'), '  a     b\n  x|y   z\n');
  });

  it('drops escape sequences from what it renders', () => {
    assert.equal(renderMarkdown('red\u001b[31m text\u001b[2J'), 'red text\n');
  });
});
