/**
 * The redos scenario's safe rewrite matches exactly the strings its backtracking regex matches,
 * on inputs chosen to tell them apart if they differed, and on every input the load sends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BENIGN_PATHS,
  EDGE_PATHS,
  evilPath,
  unseenPaths,
  unseenRequests,
} from '../../scenarios/catalog/lib/redos-inputs.ts';
import redos, { FLAT, NESTED } from '../../scenarios/catalog/redos.ts';
import { asReceived, normalizeRequest, scenarioRequests } from '../../scenarios/request.ts';

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

describe('redos: the paths verify sends that the load never does', () => {
  it('are answered alike by both regexes, and each wrong rewrite answers one of them differently', () => {
    const paths = unseenPaths(4, 1);
    for (const p of paths) assert.equal(FLAT.test(p), NESTED.test(p), JSON.stringify(p));
    for (const wrong of [/\/.*$/, /\/.+/, /^\/.+$/, /\/[^\n]+$/, /\/.+$/m]) {
      const differs = EDGE_PATHS.filter((p) => wrong.test(p) !== NESTED.test(p));
      assert.ok(differs.length > 0, `${wrong} answers every edge case as the nested regex does`);
    }
  });

  it("end with three evil paths, new for every seed, two /x longer than the load's", () => {
    const a = unseenPaths(20, 1).slice(EDGE_PATHS.length);
    const b = unseenPaths(20, 2).slice(EDGE_PATHS.length);
    assert.equal(a.length, 3);
    assert.deepEqual(
      unseenPaths(20, 1).slice(EDGE_PATHS.length),
      a,
      'the same seed, the same paths',
    );
    for (const [i, p] of a.entries()) {
      assert.notEqual(p, b[i]);
      assert.notEqual(p, evilPath(20));
      assert.match(p, /^(\/[a-z]){22}(\r|\u2029|\n\/[a-z])$/);
    }
    assert.deepEqual(
      a.map((p) => NESTED.test(p)),
      [false, false, true],
    );
  });

  it('go out as query strings the server reads back', () => {
    const sent = unseenRequests(3, 7).map((r) => asReceived(normalizeRequest(r)).query.path);
    assert.deepEqual(sent, unseenPaths(3, 7));
  });
});
