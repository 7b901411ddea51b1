/**
 * bench/live/events.schema.json against the events of a real session (recorded by
 * scripts/dev/live-fixture.ts), and against mutations of them the schema exists to catch.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import type { LiveEvent } from '../../bench/live/events.ts';
import { parseEventLines } from '../../bench/live/ndjson.ts';
import { packageRoot } from '../../core/package-info.ts';

const read = (...parts: string[]) => readFileSync(join(packageRoot(), ...parts), 'utf8');
const schema = JSON.parse(read('bench', 'live', 'events.schema.json'));
// ajv is CommonJS: under nodenext the default import is module.exports, whose `default` is the class.
const validate = new Ajv2020.default({ strict: true, allErrors: true }).compile(schema);
const { events, torn } = parseEventLines(read('test', 'fixtures', 'live-busy-wait.ndjson'));

const valid = (event: unknown) => validate(event) === true;
const first = <T extends LiveEvent['type']>(type: T) =>
  structuredClone(events.find((e) => e.type === type)) as Extract<LiveEvent, { type: T }>;

describe('the live events’ schema', () => {
  it('accepts every event of a real session, which has every kind of event', () => {
    assert.equal(torn, false);
    for (const event of events) assert.ok(valid(event), JSON.stringify(validate.errors));
    assert.deepEqual([...new Set(events.map((e) => e.type))].sort(), [
      'frame',
      'marker',
      'session',
      'stall',
      'state',
      'warning',
    ]);
    assert.equal(events[0]?.type, 'session');
    // Its frames carry the bystander's figures, so the schema is checked on real values.
    assert.ok(events.some((e) => e.type === 'frame' && e.pingP99Ms !== null && e.pingP99Ms > 0));
  });

  it('refuses a frame with a figure of the wrong type, one missing, or one it does not know', () => {
    const frame = first('frame');
    assert.ok(valid(frame));
    assert.equal(valid({ ...frame, lagP99Ms: '12' }), false);
    assert.equal(valid({ ...frame, elu: 1.5 }), false);
    const { lagP99Ms: _, ...missing } = frame;
    assert.equal(valid(missing), false);
    assert.equal(valid({ ...frame, lagP999Ms: 3 }), false);
    // Not measured is null, and null is allowed.
    assert.ok(valid({ ...frame, requestsPerSec: null, pingP99Ms: null }));
  });

  it('takes an open-model session and its frames (--rate), null where nothing was measured', () => {
    assert.ok(valid({ ...first('session'), rate: 40 }));
    assert.ok(valid({ ...first('session'), rate: null }));
    assert.equal(valid({ ...first('session'), rate: 0 }), false);
    const frame = first('frame');
    const open = { ...frame, offeredPerSec: 40, uncorrectedP50Ms: 12.5, uncorrectedP99Ms: 30 };
    assert.ok(valid(open), JSON.stringify(validate.errors));
    assert.ok(valid({ ...open, offeredPerSec: null, uncorrectedP99Ms: null }));
    assert.equal(valid({ ...open, offeredPerSec: '40' }), false);
  });

  it('refuses an unknown event type, a stall without frames, and a state it does not know', () => {
    assert.equal(valid({ type: 'snapshot', elapsedMs: 1 }), false);
    assert.equal(valid({ ...first('stall'), frames: [] }), false);
    assert.equal(valid({ ...first('state'), state: 'crashed' }), false);
    assert.equal(valid({ ...first('session'), version: 2 }), false);
  });
});

describe('the session of your own server (--cmd)', () => {
  it('takes no scenario, no parameters, no load and one shared loop, and refuses a sharedLoop that is not a boolean', () => {
    const cmd = {
      ...first('session'),
      scenario: null,
      variants: ['/block', 'POST /orders'],
      paramSpecs: {},
      params: {},
      connections: null,
      sharedLoop: true,
    };
    assert.ok(valid(cmd), JSON.stringify(validate.errors));
    assert.equal(valid({ ...cmd, sharedLoop: 'yes' }), false);
    // A stall on the shared loop is the server's, not a path's.
    assert.ok(valid({ ...first('stall'), variant: 'server' }));
  });
});

describe('reading a recording', () => {
  it('leaves out a torn last line and says so, and refuses a broken line before it', () => {
    const lines = `${JSON.stringify({ type: 'marker', elapsedMs: 1, text: 'a' })}\n{"type":"fra`;
    assert.deepEqual(parseEventLines(lines), {
      events: [{ type: 'marker', elapsedMs: 1, text: 'a' }],
      torn: true,
    });
    assert.throws(() => parseEventLines('{"type"\n{}\n'), SyntaxError);
  });
});
