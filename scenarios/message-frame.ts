/**
 * The frames of a WebSocket scenario, between the server and looplab's driver. Pure.
 *
 * A client that asks for the `looplab.stamped.v1` subprotocol (the driver) puts a 16-byte stamp
 * in front of every message it sends: who sent it, its number, and when. The server hands the
 * handler only what follows the stamp, and copies the stamp, untouched, in front of what it
 * broadcasts, after one byte that says whether it is a broadcast or an error for the sender alone
 * (an error then carries its status).
 * So every receiver can tell which message arrived and how long it took, and the handler never
 * sees, and cannot spoil, the measurement. Any other client (a person with wscat) sends and
 * receives plain messages.
 */

/** The subprotocol a stamping client asks for (Sec-WebSocket-Protocol). */
export const STAMPED_SUBPROTOCOL = 'looplab.stamped.v1';

/** sender (uint32), sequence number (uint32), sent-at in ms on the sender's clock (float64). */
export const STAMP_BYTES = 16;

/** The first byte of a stamped frame from the server. */
export const FRAME_KIND = { broadcast: 1, error: 2 } as const;
export type FrameKind = keyof typeof FRAME_KIND;

export interface Stamp {
  /** The client that sent the message, 0-based. */
  sender: number;
  /** The message's number; unique across the driver's clients. */
  seq: number;
  /** When it was sent, in ms on the sender's clock (performance.now()). */
  sentAtMs: number;
}

export function encodeStamp(stamp: Stamp): Buffer {
  const b = Buffer.alloc(STAMP_BYTES);
  b.writeUInt32BE(stamp.sender, 0);
  b.writeUInt32BE(stamp.seq >>> 0, 4);
  b.writeDoubleBE(stamp.sentAtMs, 8);
  return b;
}

/** @throws {RangeError} when `b` is shorter than a stamp. */
export function decodeStamp(b: Buffer): Stamp {
  return { sender: b.readUInt32BE(0), seq: b.readUInt32BE(4), sentAtMs: b.readDoubleBE(8) };
}

/** A stamped message as a client sends it: the stamp, then the message. */
export const stampedMessage = (stamp: Stamp, message: Buffer): Buffer =>
  Buffer.concat([encodeStamp(stamp), message]);

/** A stamped message as the server reads it: the stamp's bytes and the message; null if too short. */
export function splitStamped(data: Buffer): { stamp: Buffer; message: Buffer } | null {
  if (data.length < STAMP_BYTES) return null;
  return { stamp: data.subarray(0, STAMP_BYTES), message: data.subarray(STAMP_BYTES) };
}

export interface Frame {
  kind: FrameKind;
  stamp: Stamp;
  /** 200 for a broadcast; an error's own status (uint16 after the stamp). */
  status: number;
  body: Buffer;
}

/**
 * What the server sends a stamping client: the kind, the stamp the message came with, for an
 * error its status, then the body.
 */
export function stampedFrame(kind: FrameKind, stamp: Buffer, body: Buffer, status = 200): Buffer {
  const head = Buffer.of(FRAME_KIND[kind]);
  if (kind === 'broadcast') return Buffer.concat([head, stamp, body]);
  const code = Buffer.alloc(2);
  code.writeUInt16BE(status);
  return Buffer.concat([head, stamp, code, body]);
}

/** A frame from the server, as a stamping client reads it; null when it is not one. */
export function readFrame(data: Buffer): Frame | null {
  const start = 1 + STAMP_BYTES;
  if (data.length < start) return null;
  const stamp = decodeStamp(data.subarray(1, start));
  if (data[0] === FRAME_KIND.broadcast)
    return { kind: 'broadcast', stamp, status: 200, body: data.subarray(start) };
  if (data[0] !== FRAME_KIND.error || data.length < start + 2) return null;
  return { kind: 'error', stamp, status: data.readUInt16BE(start), body: data.subarray(start + 2) };
}
