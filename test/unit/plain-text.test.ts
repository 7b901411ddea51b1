import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import { plainLine, plainStrings, plainText } from '../../core/plain-text.ts';
import { errorLine } from '../../scripts/shared/context.ts';

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

describe('plainLine: a name on one line, for a table row', () => {
  it('makes each run of line breaks and tabs, with the blanks around them, one space', () => {
    assert.equal(plainLine('my\napp'), 'my app');
    assert.equal(plainLine('a \r\n\t b'), 'a b');
    assert.equal(plainLine('/a\tb\vc\fd'), '/a b c d');
    assert.equal(plainLine('x\u2028y\u2029z\u0085w'), 'x y z w');
    assert.equal(plainLine('\nlead and trail\n'), ' lead and trail ');
  });

  it('shows any other control as \\xNN, so that two names never look alike', () => {
    assert.equal(plainLine('a\u0007b'), 'a\\x07b');
    assert.equal(plainLine('\u0000\u001f\u007f\u0080\u009f'), '\\x00\\x1f\\x7f\\x80\\x9f');
  });

  it('drops escape sequences and bidirectional marks, as plainText does', () => {
    assert.equal(plainLine('\u001b[2J\u001b[31mred\u001b[0m\nrow'), 'red row');
    assert.equal(plainLine('x\u202eevil\u202cy'), 'xevily');
  });

  it('leaves ordinary text alone, and is idempotent', () => {
    assert.equal(
      plainLine('crypto-pbkdf2 · 1.5 ms ± 3%  café'),
      'crypto-pbkdf2 · 1.5 ms ± 3%  café',
    );
    const once = plainLine('a\n\u0007b');
    assert.equal(plainLine(once), once);
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
        variant: '/a\nb',
      }),
      {
        scenario: 'ab',
        n: 3,
        none: null,
        ok: true,
        frames: [{ file: 'x.ts', line: 7 }],
        'k\\x07': 'v',
        variant: '/a b',
      },
    );
  });
});

describe('errorLine: the one line a user error gets', () => {
  it('keeps a message that quotes a broken file on one line (JSON.parse quotes its line breaks)', () => {
    let message = '';
    try {
      JSON.parse('{\n "requestsPerSec": NaN.181,\n "x": 1\n}');
    } catch (error) {
      message = (error as Error).message;
    }
    const line = errorLine(
      new LooplabError(ERROR_CODES.BAD_REPORT, `r.json is not JSON: ${message}`),
    );
    assert.equal(line.indexOf('\n'), line.length - 1, line);
    assert.match(line, /^looplab: r\.json is not JSON: .+ \[LOOPLAB_ERR_BAD_REPORT\]\n$/);
  });

  it('shows no escape sequence from a quoted name', () => {
    assert.equal(
      errorLine(new LooplabError(ERROR_CODES.USAGE, 'no \u001b[31mred\u001b[0m here')),
      'looplab: no red here [LOOPLAB_ERR_USAGE]\n',
    );
  });
});
