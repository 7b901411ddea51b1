/**
 * cpu-bound: pure-JavaScript CPU work, three ways.
 *
 * `sync` counts primes in the handler: the loop is busy for the whole job. `partitioned` does the
 * same count in chunks and yields with `setImmediate` between them, so other requests (and
 * `/ping`) get a turn after every chunk: the loop stays responsive, but the total work is no
 * smaller and each request takes longer. `async` sends the job to a pool of worker threads:
 * the loop stays free and, with spare cores, several jobs run at once.
 */
import { moduleUrl } from '../../core/module-url.ts';
import { type BaseContext, defineScenario } from '../types.ts';
import { countPrimes, countPrimesPartitioned } from './lib/primes.ts';
import { THREADS_PARAM, WorkerPool } from './lib/worker-pool.ts';

interface Context extends BaseContext<'n' | 'chunk' | 'threads'> {
  pool?: WorkerPool<{ from: number; to: number }>;
  /** For lesson 4's exercise, which does the same count. */
  countPrimes: typeof countPrimes;
}

const body = (n: number, primes: number) => JSON.stringify({ n, primes });

export default defineScenario<'n' | 'chunk' | 'threads', Context>({
  id: 'cpu-bound',
  title: 'CPU work on the loop, partitioned, or on worker threads',
  teaches:
    'Pure JavaScript work has no async version: it runs on whatever thread calls it. Partitioning ' +
    'it with setImmediate keeps the loop responsive but does not make it cheaper; moving it to ' +
    'worker_threads frees the loop and can use other cores.',
  params: {
    n: {
      default: 150_000,
      unit: 'count',
      integer: true,
      min: 2,
      description: 'count primes below n',
    },
    chunk: {
      default: 10_000,
      unit: 'count',
      integer: true,
      min: 1,
      description: 'numbers tested between two yields (partitioned)',
    },
    threads: THREADS_PARAM,
  },
  // Only `async` gets a pool: idle workers would add their memory to the other variants' RSS.
  setup: (params, variant) => ({
    params,
    countPrimes,
    pool:
      variant === 'async'
        ? new WorkerPool(moduleUrl(import.meta.url, './lib/prime-worker'), params.threads)
        : undefined,
  }),
  teardown: ({ pool }) => pool?.close(),
  operation: ({ params }) => countPrimes(2, params.n),
  variants: {
    sync: {
      summary: 'counts primes in the handler',
      handle: ({ params }) => ({ body: body(params.n, countPrimes(2, params.n)) }),
    },
    async: {
      summary: 'counts primes on a worker_threads pool',
      async handle({ params, pool }) {
        if (!pool) throw new Error('cpu-bound async: setup did not start the worker pool');
        return { body: body(params.n, await pool.run({ from: 2, to: params.n })) };
      },
    },
    partitioned: {
      summary: 'counts primes in chunks, yielding with setImmediate between them',
      handle: async ({ params }) => ({
        body: body(params.n, await countPrimesPartitioned(2, params.n, params.chunk)),
      }),
    },
  },
});
