/**
 * busy-wait: the restaurant waiter.
 *
 * The event loop is one waiter serving every table. `sync` spins in the handler for `ms`
 * milliseconds: the waiter stands at the kitchen door and nobody else is served, so one loop
 * can never finish more than 1000 / ms requests a second, however many arrive. `async` awaits
 * a timer for the same time: the waiter hands the order over and serves other tables, so many
 * requests wait at once and the loop stays free for everyone, `/ping` included.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defineScenario } from '../types.ts';

const body = (ms: number) => JSON.stringify({ waitedMs: ms });

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Deliberately empty: this is the blocking the scenario exists to show.
  }
}

export default defineScenario({
  id: 'busy-wait',
  title: 'Busy-waiting vs awaiting a timer',
  teaches:
    'One event loop serves every request. Spinning for ms milliseconds in a handler blocks all ' +
    'other requests for that long and caps throughput at 1000/ms requests per second; awaiting ' +
    'a timer for the same time costs the loop almost nothing.',
  params: {
    ms: { default: 20, unit: 'ms', min: 1, max: 10_000, description: 'time each request takes' },
  },
  operation: ({ params }) => spin(params.ms),
  variants: {
    sync: {
      summary: 'spins in a while loop for ms milliseconds',
      handle({ params }) {
        spin(params.ms);
        return { body: body(params.ms) };
      },
    },
    async: {
      summary: 'awaits a timer of ms milliseconds',
      async handle({ params }) {
        await sleep(params.ms);
        return { body: body(params.ms) };
      },
    },
  },
});
