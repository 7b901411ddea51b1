/**
 * Preloaded (`--import`) into a crypto-pbkdf2 server by threadpool-shares.ts: counts the
 * derivations in flight (handed to `pbkdf2`, callback not yet run) and how long each count
 * lasted. The first SIGUSR2 opens the window, the second writes `{ count: ms }` to the file named
 * by LOOPLAB_IN_FLIGHT_FILE. More in flight than the pool has threads means a job was queued, or
 * one had finished and waited for the loop to run its callback: an upper bound on "queued".
 */
import crypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

type Callback = (err: Error | null, key: Buffer) => void;

const original = crypto.pbkdf2;
let inFlight = 0;
let since = performance.now();
let open = false;
let msAt: Record<number, number> = {};

function account(): void {
  const now = performance.now();
  if (open) msAt[inFlight] = (msAt[inFlight] ?? 0) + (now - since);
  since = now;
}

const counted = (...args: unknown[]) => {
  const done = args.pop() as Callback;
  account();
  inFlight++;
  (original as (...a: unknown[]) => void)(...args, (err: Error | null, key: Buffer) => {
    account();
    inFlight--;
    done(err, key);
  });
};
(crypto as { pbkdf2: unknown }).pbkdf2 = counted;
// The scenario imports `pbkdf2` by name from node:crypto: this makes its binding the counted one.
syncBuiltinESMExports();

process.on('SIGUSR2', () => {
  account();
  if (!open) {
    open = true;
    msAt = {};
    return;
  }
  open = false;
  writeFileSync(process.env.LOOPLAB_IN_FLIGHT_FILE ?? '/dev/null', JSON.stringify(msAt));
});
