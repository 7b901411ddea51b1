/**
 * noop: a handler that does nothing, for calibrating the harness itself.
 *
 * Not a lesson: both variants return at once. Benchmarking it shows the ceiling of the load
 * generator on this machine (how many requests per second the harness can measure at all), and
 * the probe-overhead script compares it with the probe on and off.
 */
import { defineScenario } from '../types.ts';

const BODY = '{"ok":true}';

export default defineScenario({
  id: 'noop',
  title: 'A trivial handler, for calibrating the harness',
  teaches:
    'Nothing about the event loop: it measures the measurement. Its throughput is the most the ' +
    'harness can drive on this machine; a scenario near it is limited by the load generator.',
  params: {},
  // Returning a constant: micro then shows the cost of the measurement itself, near zero.
  operation: () => BODY,
  variants: {
    sync: { summary: 'returns a constant', handle: () => ({ body: BODY }) },
    async: {
      summary: 'awaits a resolved promise, then returns a constant',
      handle: async () => ({ body: BODY }),
    },
  },
});
