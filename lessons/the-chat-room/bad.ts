/**
 * A known-bad solution to exercise 11 (verify must fail it): an async handler that awaits before
 * moderating. `async` and `await` change when the work runs, not where: the moderation still runs
 * on the event loop, one turn later, and holds it just as long.
 */
interface Context {
  params: { rounds: number };
  moderate(message: Uint8Array, rounds: number): string;
  roundsFor(bytes: number, roundsPerKiB: number): number;
  broadcastBody(message: Uint8Array, moderation: string): string;
}

export default async function handle(ctx: Context, req: { body: Buffer }) {
  await new Promise((resolve) => setImmediate(resolve));
  const moderation = ctx.moderate(req.body, ctx.roundsFor(req.body.length, ctx.params.rounds));
  return { body: ctx.broadcastBody(req.body, moderation) };
}
