/**
 * Where a benchmark keeps its runs' records until a summary or the report needs them: in memory,
 * or put away (in the journal, which holds them anyway) and read back, so that a long benchmark's
 * memory does not grow with its runs. The report holds every record, so the end of a benchmark
 * still has them all in memory at once, for as long as it takes to write the report.
 */
import type { RunRecord } from '../report/types.ts';

export interface RecordStore {
  /** Keeps a run's record under its key (a variant's), after the key's earlier runs. */
  add(key: string, index: number, record: RunRecord): void;
  /** Those keys' records (every key's when none are given), each key's in run order. */
  read(keys?: readonly string[]): Map<string, RunRecord[]>;
}

/** A record, or where it was put away. */
type Kept<P> = { record: RunRecord } | { place: P };

/**
 * A store that puts each record away with `putAway` (its place, or null when it could not, and
 * the record stays in memory) and reads places back with `readBack`, in the order given. With
 * none, every record is kept in memory.
 */
export function recordStore<P>(
  putAway?: (index: number, record: RunRecord) => P | null,
  readBack?: (places: readonly P[]) => RunRecord[],
): RecordStore {
  const kept = new Map<string, Kept<P>[]>();
  return {
    add(key, index, record) {
      const place = putAway && readBack ? putAway(index, record) : null;
      const entry: Kept<P> = place === null ? { record } : { place };
      const list = kept.get(key);
      if (list) list.push(entry);
      else kept.set(key, [entry]);
    },
    read(keys) {
      const wanted = keys ? [...kept].filter(([key]) => keys.includes(key)) : [...kept];
      const places = wanted.flatMap(([, list]) =>
        list.flatMap((k) => ('place' in k ? [k.place] : [])),
      );
      const back = places.length > 0 && readBack ? readBack(places) : [];
      if (back.length !== places.length) {
        throw new Error(`read back ${back.length} of ${places.length} records put away`);
      }
      let next = 0;
      return new Map(
        wanted.map(([key, list]) => [
          key,
          list.map((k) => ('record' in k ? k.record : (back[next++] as RunRecord))),
        ]),
      );
    },
  };
}
