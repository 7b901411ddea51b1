/**
 * The probe reads a scenario's own output at the edges of its window (Scenario.output): what
 * verify needs to tell a handler that no longer writes what each request should.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProbe } from '../../scenarios/probe/probe.ts';

describe('the probe and a scenario’s output', () => {
  it('gives what was written between the window’s opening and the reading', async () => {
    let written = 1000;
    const probe = createProbe(100, { output: () => written });
    try {
      written += 512; // before the window: not counted
      probe.reset();
      written += 256 * 3;
      assert.equal((await probe.read()).outputBytes, 768);
    } finally {
      probe.stop();
    }
  });

  it('leaves the field out for a scenario that writes to no output of its own', async () => {
    const probe = createProbe(100);
    try {
      assert.equal('outputBytes' in (await probe.read()), false);
    } finally {
      probe.stop();
    }
  });
});
