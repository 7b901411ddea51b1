/**
 * Exercise 11, the-chat-room (looplab lesson 11).
 *
 * Every WebSocket message a client sends reaches this handler as `req.body`, and what it returns
 * is broadcast to every client in the room. Before that, the message is moderated: a chain of
 * SHA-256 rounds whose count grows with its length, on the event loop. While a long paste is
 * moderated, no other client's message is read or relayed.
 *
 * TODO: moderate on a worker thread instead, so that the room keeps flowing, and keep the
 * broadcast exactly as it is. `ctx.moderationWorker` is the URL of a worker script: post it
 * `{ id, message, rounds }` and it answers `{ id, result }`, the fingerprint.
 * Then check it under load:  npx looplab verify the-chat-room
 */

interface Context {
  params: { rounds: number };
  moderate(message: Uint8Array, rounds: number): string;
  roundsFor(bytes: number, roundsPerKiB: number): number;
  broadcastBody(message: Uint8Array, moderation: string): string;
  moderationWorker: string;
}

interface Request {
  body: Buffer;
}

export default function handle(ctx: Context, req: Request) {
  const rounds = ctx.roundsFor(req.body.length, ctx.params.rounds);
  // TODO: this holds the event loop for as long as the moderation takes.
  const moderation = ctx.moderate(req.body, rounds);
  return { body: ctx.broadcastBody(req.body, moderation) };
}
