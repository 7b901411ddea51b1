import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, EXIT, isLooplabError, LooplabError, listChoices } from '../../core/errors.ts';

describe('listChoices', () => {
  it('joins choices the way a sentence does', () => {
    assert.equal(listChoices([]), '');
    assert.equal(listChoices(['a']), 'a');
    assert.equal(listChoices(['a', 'b']), 'a or b');
    assert.equal(listChoices(['a', 'b', 'c']), 'a, b or c');
    assert.equal(listChoices(['a', 'b', 'c', 'd']), 'a, b, c or d');
  });
});

describe('LooplabError', () => {
  it('carries its code, message, name and cause', () => {
    const cause = new Error('EACCES');
    const err = new LooplabError(ERROR_CODES.WRITE_FAILED, 'cannot write x', { cause });
    assert.ok(err instanceof Error);
    assert.ok(err instanceof LooplabError);
    assert.equal(err.name, 'LooplabError');
    assert.equal(err.code, 'LOOPLAB_ERR_WRITE_FAILED');
    assert.equal(err.message, 'cannot write x');
    assert.equal(err.cause, cause);
    assert.match(String(err), /^LooplabError: cannot write x$/);
  });

  it('is recognised by isLooplabError, and a look-alike is not', () => {
    assert.equal(isLooplabError(new LooplabError(ERROR_CODES.USAGE, 'x')), true);
    const lookalike = Object.assign(new Error('x'), { code: ERROR_CODES.USAGE });
    assert.equal(isLooplabError(lookalike), false);
    assert.equal(isLooplabError(null), false);
    assert.equal(isLooplabError('LOOPLAB_ERR_USAGE'), false);
  });
});

describe('ERROR_CODES', () => {
  const codes = Object.values(ERROR_CODES);

  it('has at least the codes the design names', () => {
    for (const code of [
      'LOOPLAB_ERR_UNKNOWN_SCENARIO',
      'LOOPLAB_ERR_UNKNOWN_VARIANT',
      'LOOPLAB_ERR_BAD_OPTION',
      'LOOPLAB_ERR_BAD_PARAM',
      'LOOPLAB_ERR_WRITE_FAILED',
    ]) {
      assert.ok((codes as string[]).includes(code), `missing ${code}`);
    }
  });

  it('has unique codes', () => {
    assert.equal(new Set(codes).size, codes.length);
  });

  it('has codes that start with LOOPLAB_ERR_ and are upper snake case', () => {
    for (const code of codes) assert.match(code, /^LOOPLAB_ERR_[A-Z][A-Z0-9_]*$/);
  });
});

describe('EXIT', () => {
  it('uses the exit codes the design fixes for every command', () => {
    assert.equal(EXIT.OK, 0);
    assert.equal(EXIT.CHECK_FAILED, 1);
    assert.equal(EXIT.USAGE, 2);
    assert.equal(EXIT.INTERNAL, 70);
  });
});
