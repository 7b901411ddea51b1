/** The recorded live sessions under test/fixtures/live/, one event a line. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveEvent } from '../../bench/live/events.ts';
import { packageRoot } from '../../core/package-info.ts';

export function liveFixture(name: string): LiveEvent[] {
  return readFileSync(join(packageRoot(), 'test', 'fixtures', 'live', name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LiveEvent);
}
