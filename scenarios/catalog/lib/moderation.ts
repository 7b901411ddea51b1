/**
 * The websocket-broadcast scenario's work per message: a stand-in for what a real chat server
 * does with each message before it goes out (moderation, rendering, signing), whose cost grows
 * with the message's length. Here it is a chain of SHA-256 rounds over the message, so that the
 * cost is real CPU and its result (the fingerprint sent with the message) cannot be skipped
 * without changing the answer.
 */
import { createHash } from 'node:crypto';

/** The rounds a message of `bytes` bytes costs: `roundsPerKiB` per KiB, at least one. */
export const roundsFor = (bytes: number, roundsPerKiB: number): number =>
  Math.max(1, Math.ceil((bytes * roundsPerKiB) / 1024));

/** The message's moderation fingerprint: SHA-256 of it, then `rounds - 1` more rounds. Hex. */
export function moderate(message: Uint8Array, rounds: number): string {
  let digest = createHash('sha256').update(message).digest();
  for (let i = 1; i < rounds; i++) digest = createHash('sha256').update(digest).digest();
  return digest.toString('hex');
}

/** What the room broadcasts for a message: its text and its fingerprint. */
export const broadcastBody = (message: Uint8Array, moderation: string): string =>
  JSON.stringify({ text: Buffer.from(message).toString('utf8'), moderation });
