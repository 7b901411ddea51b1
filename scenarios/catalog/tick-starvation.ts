/**
 * tick-starvation: asynchronous code that still holds the loop, through the microtask queues.
 *
 * After every callback it runs, Node drains the `process.nextTick` queue and then V8's microtask
 * queue (promise reactions), again and again until both are empty, before the loop may move on
 * to timers or I/O. A chain whose every step queues the next with `process.nextTick`, or after an
 * `await`, therefore runs to the end in one go: it looks asynchronous, yet nothing else runs until
 * it is done. `setImmediate` queues the next step in the loop's check phase instead, so the loop
 * goes round, polls for I/O and fires its timers between steps.
 */
import { defineScenario } from '../types.ts';
import { chainAtOnce, immediateChain, linkWork, nextTickChain, promiseChain } from './lib/chain.ts';

const body = (links: number, result: number) => JSON.stringify({ links, result });

export default defineScenario({
  id: 'tick-starvation',
  title: 'A process.nextTick or promise chain vs a setImmediate chain',
  teaches:
    'process.nextTick callbacks and promise reactions run before the loop moves on, however many ' +
    'of them queue more: a chain of them starves timers and I/O as a synchronous loop would. ' +
    'setImmediate lets the loop go round between steps.',
  params: {
    links: {
      default: 1000,
      unit: 'count',
      integer: true,
      min: 1,
      max: 1_000_000,
      description: 'steps in the chain each request runs',
    },
    bytes: {
      default: 16 * 1024,
      unit: 'bytes',
      integer: true,
      min: 8,
      max: 64 * 1024 * 1024,
      description: 'bytes each step hashes (SHA-256)',
    },
  },
  // linkWork is in the context for lesson 7's exercise, which runs the same chain.
  setup: (params) => ({ params, linkWork }),
  operation: ({ params }) => chainAtOnce(params.links, params.bytes),
  variants: {
    sync: {
      summary: 'each step queues the next with process.nextTick',
      handle: async ({ params }) => ({
        body: body(params.links, await nextTickChain(params.links, params.bytes)),
      }),
    },
    promise: {
      summary: 'each step awaits before the next (promise microtasks)',
      handle: async ({ params }) => ({
        body: body(params.links, await promiseChain(params.links, params.bytes)),
      }),
    },
    async: {
      summary: 'each step awaits setImmediate before the next',
      handle: async ({ params }) => ({
        body: body(params.links, await immediateChain(params.links, params.bytes)),
      }),
    },
  },
});
