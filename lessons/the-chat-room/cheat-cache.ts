/**
 * A cheating solution to exercise 11 (verify must fail it): it moderates each distinct message
 * once and answers every repeat from memory. The chat lines repeat, so under load it hardly
 * moderates at all: its broadcasts are right and its loop is free, but the work is skipped. A
 * message sent again tells: it is answered at once, where moderating it takes its time.
 */
interface Context {
  params: { rounds: number };
  moderate(message: Uint8Array, rounds: number): string;
  roundsFor(bytes: number, roundsPerKiB: number): number;
  broadcastBody(message: Uint8Array, moderation: string): string;
}

const seen = new Map<string, string>();

export default function handle(ctx: Context, req: { body: Buffer }) {
  const text = req.body.toString('utf8');
  let moderation = seen.get(text);
  if (moderation === undefined) {
    moderation = ctx.moderate(req.body, ctx.roundsFor(req.body.length, ctx.params.rounds));
    seen.set(text, moderation);
  }
  return { body: ctx.broadcastBody(req.body, moderation) };
}
