/**
 * What the harness does with a peer that sends it something it cannot read: drops that peer,
 * says so on stderr, and goes on. A peer is a process that runs a user's or a learner's code:
 * a `--cmd` app on the probe socket (app.ts), a scenario server on its IPC channel (fork.ts).
 *
 * Node parses a child's IPC channel itself, and a line that is not JSON (a handler can write
 * anything to that file descriptor) throws from inside Node, as an uncaught exception with no
 * owner. The child is forked inside an AsyncLocalStorage context that names it, which that
 * exception's handler still sees, so the CLI can tell such an exception from a bug of its own
 * and drop only the child that caused it (`dropBadChannelPeer`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A forked child, as a bad line on its channel finds it. */
export interface ChannelPeer {
  /** Stops the child; `why` says what it sent, for the messages that report it gone. */
  drop(why: string): void;
  /** How a warning names it: `the noop sync server (pid 4242)`. */
  readonly name: string;
}

export const channelPeers = new AsyncLocalStorage<ChannelPeer>();

/** Says on stderr that a peer was dropped, and why. */
export function warnDropped(peer: string, why: string): void {
  process.stderr.write(`looplab: warning: ${peer} sent ${why}; it was dropped\n`);
}

/**
 * When `err` is Node's failure to parse a line a forked child sent on its IPC channel: drops
 * that child, warns, and returns true. Anything else is left to the caller.
 */
export function dropBadChannelPeer(err: unknown): boolean {
  const peer = channelPeers.getStore();
  if (!peer || !(err instanceof SyntaxError) || !err.stack?.includes('parseChannelMessages'))
    return false;
  const why = `a line that is not JSON on its IPC channel (${err.message})`;
  warnDropped(peer.name, why);
  peer.drop(why);
  return true;
}
