/**
 * The pure parts of the page's Save: the saved copy's shell (its CSP names the hashes it is given,
 * its data cannot end its script element), the moment it is drawn at, its file name, and the
 * bundle of the page's own code that it runs (built from the compiled modules /m/ serves).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jsonInScript, savedAtText, savedPageHtml } from '../../bench/live/page/html.ts';
import { cspHash, savedFileName, savedNowMs, savedScript } from '../../bench/live/save-page.ts';
import { sseData, sseMessage } from '../../bench/live/sse.ts';
import { packageRoot } from '../../core/package-info.ts';

describe("the page's Save", () => {
  it('writes JSON that no </script> or <!-- in an event can break out of, and reads back the same', () => {
    const value = { text: '</script><!-- <b>' };
    const text = jsonInScript(value);
    assert.equal(text, '{"text":"\\u003c/script>\\u003c!-- \\u003cb>"}');
    assert.deepEqual(JSON.parse(text), value);
  });

  it('puts the given hashes in a CSP that allows nothing else, and no controls in the copy', () => {
    const html = savedPageHtml({
      data: { savedAt: '2026-12-06T03:50:12.345Z', nowMs: 1, events: [] },
      script: 'x()',
      css: 'p{}',
      scriptHash: 'sha256-AAA=',
      styleHash: 'sha256-BBB=',
    });
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-AAA='; style-src 'sha256-BBB='; img-src data:; base-uri 'none'; form-action 'none'">/,
    );
    assert.ok(html.includes('<style>p{}</style>'));
    assert.ok(html.includes('<script type="module">x()</script>'));
    assert.ok(
      html.includes('<time datetime="2026-12-06T03:50:12.345Z">2026-12-06 03:50:12 UTC</time>'),
    );
    assert.doesNotMatch(html, /id="(start|pause|stop|save|knobs)"/);
    assert.equal(savedAtText('2026-12-06T03:50:12.345Z'), '2026-12-06 03:50:12 UTC');
  });

  it('hashes as a browser does: sha256 of the exact text, base64', () => {
    // echo -n 'x()' | openssl dgst -sha256 -binary | base64
    assert.equal(cspHash('x()'), 'sha256-D6IGS8VMvCoyaR/l0h9tERrBTATY01CoPS7l6xDv0kI=');
  });

  it("draws the copy at the page's moment: the last event's, plus the time since it while running", () => {
    assert.equal(savedNowMs(6150, false, 5000), 6150);
    assert.equal(savedNowMs(6150, true, 400), 6550);
    assert.equal(savedNowMs(6150, true, -3), 6150);
  });

  it('names the file after the scenario and the time, in characters any file system takes', () => {
    assert.equal(
      savedFileName('busy-wait', '2026-12-06T03:50:12.345Z'),
      'looplab-live-busy-wait-2026-12-06T03-50-12Z.html',
    );
    assert.equal(
      savedFileName(null, '2026-12-06T03:50:12.345Z'),
      'looplab-live-server-2026-12-06T03-50-12Z.html',
    );
    assert.equal(
      savedFileName('a/../b "c"', '2026-12-06T03:50:12.345Z'),
      'looplab-live-a-b-c--2026-12-06T03-50-12Z.html',
    );
  });

  it('reads an event back from its server-sent message', () => {
    const event = { type: 'marker', elapsedMs: 3, text: 'data: x\\n' } as const;
    assert.deepEqual(JSON.parse(sseData(sseMessage(event, 7))), event);
  });

  it("bundles the page's own drawing into one script that imports nothing and names no address", async () => {
    const script = await savedScript(join(packageRoot(), 'dist'));
    assert.doesNotMatch(script, /^\s*(import|export)\b/m);
    assert.doesNotMatch(script, /https?:\/\/|<\/script/i);
    // The page's model and the one chart renderer, not a copy of either.
    for (const name of ['function lineChart', 'function viewAt', 'function draw', 'saved-data'])
      assert.ok(script.includes(name), name);
    // Not the live page's stream or controls.
    assert.doesNotMatch(script, /EventSource|\/control/);
  });

  it('refuses to take in a module /m/ would not serve (one outside the page and chart folders)', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'looplab-save-root-')));
    try {
      mkdirSync(join(root, 'bench/live/page'), { recursive: true });
      writeFileSync(join(root, 'bench/live/secret.js'), 'export const secret = 42;\n');
      writeFileSync(
        join(root, 'bench/live/page/saved.js'),
        "import { secret } from '../secret.js';\nconsole.log(secret);\n",
      );
      await assert.rejects(savedScript(root), /outside/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
