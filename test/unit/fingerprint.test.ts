import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint } from '../../scenarios/catalog/lib/fingerprint.ts';
import { deterministicBytes } from '../../scenarios/catalog/lib/fixture-file.ts';

describe('fingerprint', () => {
  it('gives the length and 32 bytes sampled at even offsets', () => {
    const buf = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
    const expected = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 2)).toString('hex');
    assert.equal(fingerprint(buf), JSON.stringify({ bytes: 64, sample: expected }));
  });

  it('samples every byte of a short buffer, and handles an empty one', () => {
    assert.equal(fingerprint(Buffer.from([1, 2, 255])), '{"bytes":3,"sample":"0102ff"}');
    assert.equal(fingerprint(Buffer.alloc(0)), '{"bytes":0,"sample":""}');
  });

  it('tells apart buffers that differ at a sampled offset', () => {
    const a = deterministicBytes(4096);
    const b = Buffer.from(a);
    b[128] = (b[128] as number) ^ 0xff; // offset 128 = sample 1 of 32 over 4096 bytes
    assert.notEqual(fingerprint(a), fingerprint(b));
  });
});

describe('deterministicBytes', () => {
  it('depends only on the size, and a shorter file is a prefix of a longer one', () => {
    assert.deepEqual(deterministicBytes(1000), deterministicBytes(1000));
    assert.deepEqual(deterministicBytes(1000).subarray(0, 100), deterministicBytes(100));
  });

  it('is not a constant pattern', () => {
    assert.ok(new Set(deterministicBytes(1024)).size > 200);
  });
});
