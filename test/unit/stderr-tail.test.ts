import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { keepTail, tailText } from '../../bench/run/process/stderr-tail.ts';

describe('tailText: the end of a server stderr, for a reason', () => {
  it('quotes the last three lines that hold something', () => {
    assert.equal(tailText('a\nb\n\n  c  \nd\n\n'), ': b | c | d');
    assert.equal(tailText('one line'), ': one line');
  });
  it("quotes an uncaught error's message and where it was thrown, not Node's stack and version", () => {
    const report = [
      'file:///app/server.js:3',
      "throw new Error('no database');",
      '^',
      '',
      'Error: no database',
      '    at file:///app/server.js:3:7',
      '    at ModuleJob.run (node:internal/modules/esm/module_job:234:25)',
      '    at async ModuleLoader.import (node:internal/modules/esm/loader:473:24)',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    assert.equal(tailText(report), ': Error: no database | at file:///app/server.js:3:7');
    assert.equal(
      tailText('node:internal/x\nTypeError [ERR_INVALID_ARG_TYPE]: bad\n  at f (/app/a.js:1:1)\n'),
      ': TypeError [ERR_INVALID_ARG_TYPE]: bad | at f (/app/a.js:1:1)',
    );
    // A syntax error's place is the line Node printed above it; a missing module's, its message.
    const syntax = [
      'file:///app/server.js:78',
      'const x = = 1;',
      '^',
      "SyntaxError: Unexpected token '='",
      '    at compileSourceTextModule (node:internal/modules/esm/utils:346:16)',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    assert.equal(
      tailText(syntax),
      ": SyntaxError: Unexpected token '=' | file:///app/server.js:78",
    );
    const missing = [
      'node:internal/modules/esm/resolve:283',
      '    throw new ERR_MODULE_NOT_FOUND(',
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/app/nope.js' imported from /app/a.mjs",
      '    at finalizeResolution (node:internal/modules/esm/resolve:283:11)',
      '    at ModuleJob._link (node:internal/modules/esm/module_job:168:49) {',
      "  code: 'ERR_MODULE_NOT_FOUND',",
      "  url: 'file:///app/nope.js'",
      '}',
      'Node.js v20.20.2',
    ].join('\n');
    assert.equal(
      tailText(missing),
      ": Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/app/nope.js' imported from /app/a.mjs",
    );
    // An error logged with its stack, after which the server went on: its last lines, as ever.
    assert.equal(
      tailText('Error: retrying\n    at connect (file:///app/db.js:9:3)\nfatal: giving up\nbye'),
      ': at connect (file:///app/db.js:9:3) | fatal: giving up | bye',
    );
    // Where: a frame in the app's files, not `<anonymous>` or a dependency's.
    assert.equal(
      tailText(
        'TypeError: x is not a function\n    at JSON.parse (<anonymous>)\n    at f (/app/node_modules/lib/i.js:1:1)\n    at g (/app/server.js:12:5)\n\nNode.js v22.1.0',
      ),
      ': TypeError: x is not a function | at g (/app/server.js:12:5)',
    );
    // An error the server printed and lived on after is only a line among the last ones.
    assert.equal(
      tailText('Error: retrying\nconnected\nlistening'),
      ': Error: retrying | connected | listening',
    );
  });
  it('is empty when the server printed nothing', () => {
    assert.equal(tailText(''), '');
    assert.equal(tailText('\n \n'), '');
  });
  it('cuts a long line, so that a flood stays readable', () => {
    assert.equal(
      tailText(`${'x'.repeat(1000)}\nError: gone`),
      `: ${'x'.repeat(300)}… | Error: gone`,
    );
  });
});

describe('keepTail', () => {
  it('reads a stream to its end and quotes its last lines', async () => {
    const stream = new PassThrough();
    const tail = keepTail(stream);
    for (let i = 0; i < 100; i++) stream.write(`line ${i} ${'y'.repeat(1000)}\n`);
    // A character split across two chunks is decoded whole.
    const euro = Buffer.from('€ last\n');
    stream.write(euro.subarray(0, 1));
    stream.end(euro.subarray(1));
    await new Promise((r) => stream.on('end', r));
    assert.match(tail(), /^: line 98 y{292}… \| line 99 y{292}… \| € last$/);
  });
  it('is empty without a stream (output shown, not kept)', () => {
    assert.equal(keepTail(null)(), '');
  });
});
