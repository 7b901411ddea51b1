import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHECKING, lanes, testName } from '../lanes.ts';

describe('the two lanes of the integration tests', () => {
  it('puts the listed files in the checking lane and every other file in the measuring lane', () => {
    const files = ['d/cli.test.js', 'd/lessons.test.js', 'd/fuzz.test.js', 'd/new-thing.test.js'];
    assert.deepEqual(lanes(files), {
      measuring: ['d/lessons.test.js', 'd/new-thing.test.js'],
      checking: ['d/cli.test.js', 'd/fuzz.test.js'],
    });
  });

  it('names a file by its base name', () => {
    assert.equal(testName('/x/dist/test/integration/event-loop-order.test.js'), 'event-loop-order');
  });

  it('lists only files that exist: a renamed file would silently change lanes', () => {
    const dir = fileURLToPath(new URL('../integration/', import.meta.url));
    const names = new Set(
      readdirSync(dir)
        .filter((f) => f.endsWith('.test.js'))
        .map(testName),
    );
    for (const name of CHECKING) assert.ok(names.has(name), `${name}.test.js`);
  });
});
