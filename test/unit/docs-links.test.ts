/**
 * Every relative link in the README and docs/ leads somewhere: to a file of the repository that
 * exists and, with a `#anchor`, to a heading of that file, by GitHub's rule for heading anchors.
 * External links (http, https, mailto) are not fetched.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../core/package-info.ts';

const root = packageRoot();
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .sort()
  .map((name) => join('docs', name));
const pages = ['README.md', ...docs];

/** The text without fenced code blocks: a link or a `#` line inside one is not Markdown. */
function withoutCodeBlocks(markdown: string): string {
  let fence: string | null = null;
  return markdown
    .split('\n')
    .map((line) => {
      const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === null && marker) {
        fence = marker;
        return '';
      }
      if (fence !== null) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
        return '';
      }
      return line;
    })
    .join('\n');
}

/** GitHub's anchor for a heading: its text, lower-cased, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown text offers: its headings, numbered as GitHub numbers repeats. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, text] of withoutCodeBlocks(markdown).matchAll(/^\s{0,3}#{1,6}\s+(.*?)[\s#]*$/gm)) {
    const base = slug(text ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) found.add(id ?? '');
  return found;
}

/** The targets of a text's links, inline and reference-style, outside code. */
function linkTargets(markdown: string): string[] {
  // A code span's brackets are text, not a link: `[a](b)` in backticks links nowhere.
  const text = withoutCodeBlocks(markdown).replace(/`([^`]*)`/g, (_, code: string) =>
    code.replace(/[[\]()]/g, ' '),
  );
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)];
  const defined = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm)];
  return [...inline, ...defined].map((m) => m[1] ?? '');
}

/** What is wrong with each relative link of `file` (relative to the root), given its text. */
function brokenLinks(file: string, markdown: string): string[] {
  const broken: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (/^(https?|mailto):/i.test(target)) continue;
    if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) {
      broken.push(`${target || '(empty)'}: not a relative link`);
      continue;
    }
    const hash = target.indexOf('#');
    const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
    if (path === '') {
      // A link within the page itself.
      if (anchor !== null && !anchors(markdown).has(anchor))
        broken.push(`${target}: ${file} has no heading #${anchor}`);
      continue;
    }
    const absolute = resolve(root, dirname(file), path);
    const shown = relative(root, absolute);
    if (shown.startsWith(`..${sep}`) || shown === '..') {
      broken.push(`${target}: leaves the repository`);
      continue;
    }
    if (!existsSync(absolute)) {
      broken.push(`${target}: no file ${shown}`);
      continue;
    }
    if (anchor === null) continue;
    if (!absolute.endsWith('.md')) {
      broken.push(`${target}: an anchor into ${shown}, which is not Markdown`);
      continue;
    }
    if (!anchors(readFileSync(absolute, 'utf8')).has(anchor))
      broken.push(`${target}: ${shown} has no heading #${anchor}`);
  }
  return broken;
}

describe('links in the README and docs/', () => {
  it('slugs headings as GitHub does', () => {
    assert.equal(slug('What the harness itself costs'), 'what-the-harness-itself-costs');
    assert.equal(slug('`looplab bench [scenario..]`'), 'looplab-bench-scenario');
    assert.equal(slug('`looplab merge <out> <report..>`'), 'looplab-merge-out-report');
    assert.equal(
      slug('`looplab doctor <scenario> [--variant sync]`'),
      'looplab-doctor-scenario---variant-sync',
    );
    assert.equal(slug('`--cpu-prof`'), '--cpu-prof');
    assert.equal(slug('Errors and exit codes'), 'errors-and-exit-codes');
    assert.deepEqual(
      [...anchors('# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n')],
      ['a', 'notes', 'notes-1'],
    );
  });

  it('finds a broken link: a missing file, a missing heading, a link out of the repository', () => {
    const fake = [
      'Fine: [errors](errors.md#exit-codes), [self](#a-heading), [web](https://example.com).',
      'Broken: [gone](no-such-page.md), [anchor](errors.md#no-such-heading), [self](#nowhere).',
      'Out: [up](../../outside.md). In code, not a link: `[x](nowhere.md)`.',
      '```md',
      '[in a block](also-nowhere.md)',
      '```',
      '## A heading',
    ].join('\n');
    assert.deepEqual(brokenLinks(join('docs', 'fake.md'), fake), [
      'no-such-page.md: no file docs/no-such-page.md',
      'errors.md#no-such-heading: docs/errors.md has no heading #no-such-heading',
      '#nowhere: docs/fake.md has no heading #nowhere',
      '../../outside.md: leaves the repository',
    ]);
  });

  for (const file of pages) {
    it(`${file}: every relative link resolves`, () => {
      const text = readFileSync(join(root, file), 'utf8');
      assert.ok(linkTargets(text).length > 0, `${file} has no links at all`);
      assert.deepEqual(brokenLinks(file, text), []);
    });
  }

  it('the README links every page of docs/', () => {
    const linked = new Set(
      linkTargets(readFileSync(join(root, 'README.md'), 'utf8')).map((t) => t.split('#')[0]),
    );
    for (const page of docs)
      assert.ok(linked.has(page.split(sep).join('/')), `README.md does not link ${page}`);
  });
});
