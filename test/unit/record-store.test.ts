/**
 * Where a benchmark's records wait for the report (recordStore): in memory, or put away and read
 * back, each key's in run order, whichever way each was kept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../bench/report/types.ts';
import { recordStore } from '../../bench/run/record-store.ts';
import { failedRun } from './fixtures.ts';

const runs = [1, 2, 3, 4, 5].map((n) => failedRun(n));
const at = (i: number) => runs[i] as RunRecord;

describe('recordStore', () => {
  it('in memory: each key its records in the order added, and only the keys asked for', () => {
    const store = recordStore();
    store.add('a', 0, at(0));
    store.add('b', 1, at(1));
    store.add('a', 2, at(2));
    assert.deepEqual(
      store.read(),
      new Map([
        ['a', [at(0), at(2)]],
        ['b', [at(1)]],
      ]),
    );
    assert.deepEqual(store.read(['b']), new Map([['b', [at(1)]]]));
    assert.deepEqual(store.read(['none']), new Map());
  });

  it('put away: keeps no record, reads each back from its place, in run order among those kept', () => {
    const shelf = new Map<number, RunRecord>();
    const asked: number[][] = [];
    const store = recordStore(
      // Run 2 could not be put away: it stays in memory.
      (index, record) => {
        if (index === 2) return null;
        shelf.set(index, record);
        return index;
      },
      (places) => {
        asked.push([...places]);
        return places.map((p) => shelf.get(p) as RunRecord);
      },
    );
    for (const [i, key] of ['a', 'b', 'a', 'b', 'a'].entries()) store.add(key, i, at(i));
    assert.deepEqual(store.read(['a']), new Map([['a', [at(0), at(2), at(4)]]]));
    assert.deepEqual(asked, [[0, 4]], 'one read of the places, the one in memory not among them');
    assert.deepEqual(
      store.read(),
      new Map([
        ['a', [at(0), at(2), at(4)]],
        ['b', [at(1), at(3)]],
      ]),
    );
  });

  it('a read back that returns fewer records than it was asked for throws, never shifts them', () => {
    const store = recordStore(
      (index) => index,
      () => [],
    );
    store.add('a', 0, at(0));
    assert.throws(() => store.read(), /read back 0 of 1 records put away/);
  });
});
