/**
 * Asking a server's probe something and waiting for its answer, over whatever channel reaches it:
 * the IPC channel of a scenario child, or the socket of a preloaded app. The upstream service a
 * scenario calls answers over IPC the same way, with messages of its own.
 */
import type { FromChild, ToChild } from '../../../scenarios/probe/protocol.ts';

/** A server that is alive but did not answer an IPC request in time (its loop is busy). */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
}

interface Message {
  type: string;
}

export interface ProbeChannel<Out extends Message = ToChild, In extends Message = FromChild> {
  readonly connected: boolean;
  /** Why it is not connected, for the error message. */
  readonly goneReason: string;
  /** Calls back with an error instead of throwing when the channel is closing. */
  send(msg: Out, done: (err: Error | null) => void): void;
  /** Returns the function that removes the listener. */
  onMessage(fn: (msg: In) => void): () => void;
  /** When the server is gone: it exited, or its connection closed. */
  onGone(fn: () => void): () => void;
}

/** Sends `msg` and resolves with the first message of type `answer`. */
export function requestProbe<Out extends Message = ToChild, In extends Message = FromChild>(
  channel: ProbeChannel<Out, In>,
  msg: Out,
  answer: In['type'],
  timeoutMs: number,
  label: string,
  /** The end of the server's stderr, as `: last | lines`, or '': why it may have gone. */
  tail: () => string = () => '',
): Promise<In> {
  return new Promise((resolve, reject) => {
    if (!channel.connected) {
      reject(new Error(`the ${label} server is gone (${channel.goneReason})${tail()}`));
      return;
    }
    // A blocked loop answers late, but a loop that never answers is a failed run, not a hang.
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new NoAnswerError(`the ${label} server did not answer ${msg.type} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    const offMessage = channel.onMessage((m) => {
      if (m.type !== answer) return;
      cleanup();
      resolve(m);
    });
    const offGone = channel.onGone(() => {
      cleanup();
      reject(new Error(`the ${label} server exited while asked for ${msg.type}${tail()}`));
    });
    function cleanup() {
      clearTimeout(timer);
      offMessage();
      offGone();
    }
    channel.send(msg, (err) => {
      if (!err) return;
      cleanup();
      reject(new Error(`the ${label} server could not be asked for ${msg.type}: ${err.message}`));
    });
  });
}

/**
 * The probe's window reset, its reading and its frame, as every measured server offers them: a
 * scenario's child over IPC, a preloaded app over its socket.
 */
export function probeRequests(channel: ProbeChannel, label: string, tail: () => string) {
  return {
    resetProbe: (o: { windowMs?: number; timeoutMs: number; atFirstRequest?: boolean }) =>
      requestProbe(
        channel,
        {
          type: 'probe:reset',
          ...(o.windowMs !== undefined && { windowMs: o.windowMs }),
          ...(o.atFirstRequest && { atFirstRequest: true }),
        },
        'probe:reset:done',
        o.timeoutMs,
        label,
        tail,
      ).then(() => undefined),
    readProbe: (timeoutMs = 30_000) =>
      requestProbe(channel, { type: 'probe:read' }, 'probe:data', timeoutMs, label, tail).then(
        (m) => (m.type === 'probe:data' ? m.data : null),
      ),
    frameProbe: (timeoutMs = 30_000) =>
      requestProbe(
        channel,
        { type: 'probe:frame' },
        'probe:frame:data',
        timeoutMs,
        label,
        tail,
      ).then((m) => (m.type === 'probe:frame:data' ? m.data : null)),
  };
}
