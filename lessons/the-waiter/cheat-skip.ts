/**
 * A cheating solution to exercise 1 (verify must fail it): it answers at once. The loop is never
 * blocked because nothing is done at all: the 20 ms wait the exercise asks for is skipped, so
 * only the time each request takes can tell it from the reference solution.
 */

interface Context {
  params: { ms: number };
}

export default async function handle({ params }: Context) {
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
