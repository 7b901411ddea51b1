/**
 * The redos scenario's safe rewrite matches exactly the strings its backtracking regex matches,
 * on inputs chosen to tell them apart if they differed, and on every input the load sends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BENIGN_PATHS, evilPath } from '../../scenarios/catalog/lib/redos-inputs.ts';
import redos, { FLAT, NESTED } from '../../scenarios/catalog/redos.ts';
import { asReceived, scenarioRequests } from '../../scenarios/request.ts';

const MATCHING = [
  '/a',
  '//',
  '/a/b/c',
  '/api/users/42',
  'x/a',
  'abc\n/def',
  '/a\r\n/b',
  '/a\u2028/b/c',
  '/ /',
  '/\t',
  '/é/ü',
  '///a',
  '/a/',
];
const NOT_MATCHING = [
  '',
  '/',
  'a',
  'index.html',
  '/a\n',
  '/a\r',
  '/a\u2028',
  '/a\u2029',
  'a/\n',
  '\n/',
  '/a/b\n',
  evilPath(1),
  evilPath(8),
];

describe('redos: the flat rewrite matches the same strings', () => {
  it('on strings that match', () => {
    for (const s of MATCHING) {
      assert.equal(NESTED.test(s), true, `nested on ${JSON.stringify(s)}`);
      assert.equal(FLAT.test(s), true, `flat on ${JSON.stringify(s)}`);
    }
  });

  it('on strings that do not', () => {
    for (const s of NOT_MATCHING) {
      assert.equal(NESTED.test(s), false, `nested on ${JSON.stringify(s)}`);
      assert.equal(FLAT.test(s), false, `flat on ${JSON.stringify(s)}`);
    }
  });

  it('on all 1,093 strings of up to 6 characters over /, a and a newline', () => {
    const alphabet = ['/', 'a', '\n'];
    let checked = 0;
    for (let length = 0; length <= 6; length++) {
      for (let i = 0; i < alphabet.length ** length; i++) {
        let s = '';
        for (let k = 0, x = i; k < length; k++, x = Math.floor(x / 3)) s += alphabet[x % 3];
        assert.equal(FLAT.test(s), NESTED.test(s), JSON.stringify(s));
        checked++;
      }
    }
    assert.equal(checked, 1093);
  });

  it('on what the load sends: three benign paths, then an evil one', () => {
    const sent = scenarioRequests(redos, { evil: 12 }).map((r) => asReceived(r).query.path);
    assert.deepEqual(sent, [...BENIGN_PATHS, evilPath(12)]);
    for (const s of sent) assert.equal(FLAT.test(s ?? ''), NESTED.test(s ?? ''));
  });

  it('the flat one stays fast where the nested one backtracks', () => {
    const evil = evilPath(18);
    let start = performance.now();
    NESTED.test(evil);
    const nested = performance.now() - start;
    start = performance.now();
    for (let i = 0; i < 100; i++) FLAT.test(evil);
    const flat = (performance.now() - start) / 100;
    assert.ok(flat * 20 < nested, `flat ${flat} ms vs nested ${nested} ms`);
  });
});
