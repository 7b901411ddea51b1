/**
 * What lesson 7 says about Node's queues, checked on the Node that runs the tests (the suite
 * runs on 20, 22 and 24): the order of nextTick callbacks, promise reactions, immediates and
 * timers, and which chains starve a due timer.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

/** Runs `code` in a fresh Node (CommonJS unless `esm`) and parses the JSON it prints. */
function run(code: string, esm = false): unknown {
  const args = [...(esm ? ['--input-type=module'] : []), '-e', code];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 20_000 }));
}

test('inside an I/O callback: sync code, nextTick, promise reactions, then setImmediate, then timers', () => {
  const order = run(`
    const l = [];
    require('node:fs').stat(__filename, () => {
      setTimeout(() => l.push('timeout'), 0);
      setImmediate(() => l.push('immediate'));
      Promise.resolve().then(() => { l.push('promise'); process.nextTick(() => l.push('tick from promise')); });
      process.nextTick(() => l.push('nextTick'));
      l.push('sync');
    });
    setTimeout(() => console.log(JSON.stringify(l)), 50);
  `);
  assert.deepEqual(order, [
    'sync',
    'nextTick',
    'promise',
    'tick from promise',
    'immediate',
    'timeout',
  ]);
});

test('both queues are drained after each timer callback, not only between phases', () => {
  const order = run(`
    const l = [];
    setTimeout(() => { l.push('t1'); Promise.resolve().then(() => l.push('p1')); process.nextTick(() => l.push('n1')); }, 0);
    setTimeout(() => l.push('t2'), 0);
    setTimeout(() => console.log(JSON.stringify(l)), 30);
  `);
  assert.deepEqual(order, ['t1', 'n1', 'p1', 't2']);
});

test('a nextTick chain and an await chain hold off a due timer; a setImmediate chain does not', () => {
  const result = run(`
    const spin = () => { const until = performance.now() + 0.01; while (performance.now() < until); };
    const chain = (schedule) => new Promise((resolve) => {
      let timerRan = false;
      setTimeout(() => { timerRan = true; }, 0);
      let n = 0;
      const step = () => { spin(); if (++n < 3000) schedule(step); else resolve(timerRan); };
      schedule(step);
    });
    (async () => {
      const out = {};
      out.nextTick = await chain((f) => process.nextTick(f));
      out.await = await chain((f) => Promise.resolve().then(f));
      out.setImmediate = await chain((f) => setImmediate(f));
      console.log(JSON.stringify(out));
    })();
  `);
  // Whether the 0 ms timer had run by the time each chain of 3000 steps (~30 ms) ended.
  assert.deepEqual(result, { nextTick: false, await: false, setImmediate: true });
});

test('at the top level of an ES module, promise reactions run before nextTick callbacks', () => {
  const order = run(
    `const l = [];
     Promise.resolve().then(() => l.push('promise'));
     process.nextTick(() => l.push('nextTick'));
     setTimeout(() => console.log(JSON.stringify(l)), 10);`,
    true,
  );
  assert.deepEqual(order, ['promise', 'nextTick']);
});
