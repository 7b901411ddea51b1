import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainStrings, plainText } from '../../core/plain-text.ts';

describe('plainText: report strings made safe for a terminal', () => {
  it('drops escape sequences: screen clears, colours, cursor moves, titles', () => {
    assert.equal(plainText('\u001b[2J\u001b[Hclear'), 'clear');
    assert.equal(plainText('\u001b[31mred\u001b[0m'), 'red');
    assert.equal(plainText('\u001b]0;title\u0007x'), 'x');
  });

  it('drops lone controls, DEL, C1 (0x9b starts a sequence) and bidirectional overrides; keeps tab and newline', () => {
    assert.equal(plainText('a\rb\u0007c\u007fd\u009b2Je'), 'abcde');
    assert.equal(plainText('x\u202eevil\u202cy\u2066z\u2069'), 'xevilyz');
    assert.equal(plainText('a\tb\nc'), 'a\tb\nc');
    assert.equal(plainText('l\u200er\u200fa\u061cs\u2028p\u2029'), 'lrasp');
  });

  it('leaves ordinary text, Unicode included, alone', () => {
    assert.equal(
      plainText('crypto-pbkdf2 · 1.5 ms ± 3% → ✓ café'),
      'crypto-pbkdf2 · 1.5 ms ± 3% → ✓ café',
    );
  });
});

describe('plainStrings: every string of a parsed report', () => {
  it('walks objects and arrays, keys too, and keeps other values', () => {
    assert.deepEqual(
      plainStrings({
        scenario: 'a\u001b[2Jb',
        n: 3,
        none: null,
        ok: true,
        frames: [{ file: 'x\u001b[31m.ts', line: 7 }],
        'k\u0007': 'v',
      }),
      { scenario: 'ab', n: 3, none: null, ok: true, frames: [{ file: 'x.ts', line: 7 }], k: 'v' },
    );
  });
});
