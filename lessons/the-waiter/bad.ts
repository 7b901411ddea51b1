/**
 * A known-bad solution to exercise 1 (verify must fail it): `async` and a resolved `await`
 * make the handler look asynchronous, but the spin still runs on the event loop's thread.
 */

interface Context {
  params: { ms: number };
}

export default async function handle({ params }: Context) {
  await Promise.resolve();
  const until = performance.now() + params.ms;
  while (performance.now() < until) {
    // Still blocking: an async function runs synchronously until its first real wait.
  }
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
