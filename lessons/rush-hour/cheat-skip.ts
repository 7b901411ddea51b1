/**
 * A cheating solution to exercise 13 (verify must fail it): no line, and no wait either. It
 * answers every request at once, so it holds any rate: only the time each request takes can
 * tell it from the reference solution.
 */
interface Context {
  params: { ms: number };
}

export default async function handle({ params }: Context) {
  return { body: JSON.stringify({ waitedMs: params.ms }) };
}
