/**
 * Records a short real `looplab live` session of busy-wait as NDJSON, every kind of event in it
 * (a pause and a start, a params change, the stop): the fixture the events' schema test and the
 * page's renderer tests read (test/fixtures/live-busy-wait.ndjson).
 *
 * Usage: node dist/scripts/dev/live-fixture.js > test/fixtures/live-busy-wait.ndjson
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { eventLine } from '../../bench/live/ndjson.ts';
import { startLiveSession } from '../../bench/live/session.ts';
import { getScenario } from '../../scenarios/registry.ts';

const session = await startLiveSession({
  scenario: getScenario('busy-wait'),
  params: { ms: 20 },
  connections: 10,
  frameIntervalMs: 250,
});
process.stdout.write(eventLine(session.describe()));
session.subscribe((event) => process.stdout.write(eventLine(event)));
await sleep(2500);
await session.control({ action: 'pause' });
await sleep(600);
await session.control({ action: 'start' });
await sleep(1000);
await session.control({ action: 'params', params: { ms: 50 } });
await sleep(2000);
await session.control({ action: 'connections', connections: 20 });
await sleep(1500);
await session.close();
