/**
 * What the stall watchdog's two threads say to each other (stall-watchdog.ts on the main
 * thread, stall-worker.ts on its worker), and what a stack capture returns.
 */
import type { StallReading } from './protocol.ts';
import type { Span } from './stacks.ts';

/** The deepest stack captured; the bottom of a deeper one is the loop's own machinery. */
export const MAX_FRAMES = 32;

/** Where the worker finds `captureStack` on the main thread: a symbol, invisible to the app. */
export const CAPTURE_KEY = 'looplab.stall-watchdog.capture';

/** One frame as the main thread saw it; `mapped` when Node's own source maps already applied. */
export interface CapturedFrame {
  name: string;
  /** A file URL or path, `node:…`, or null for V8's built-ins (JSON.parse). */
  file: string | null;
  line: number | null;
  column: number | null;
  mapped: boolean;
}

/** What one evaluation of `captureStack` returns. */
export interface Capture {
  /** When it ran, and the last beat then, in ms since the watchdog's base. */
  atMs: number;
  beatMs: number;
  /** How long it held the main thread. */
  costMs: number;
  frames: CapturedFrame[];
}

export interface StallWorkerConfig {
  /** A BigInt64 (the last beat, µs since `baseNs`), then an Int32 this worker sets on disconnecting. */
  shared: SharedArrayBuffer;
  baseNs: bigint;
  heartbeatMs: number;
  thresholdMs: number;
  sampleIntervalMs: number;
  root: string;
  cwd: string;
}

export type ToStallWorker =
  | { type: 'reset'; window: Span }
  | { type: 'stall'; stall: Span }
  | { type: 'read'; id: number; open: Span | null }
  /** Read the stalls since the previous frame (or the start), then start the next frame at `atMs`. */
  | { type: 'frame'; id: number; open: Span | null; atMs: number }
  | { type: 'stop' };

export type FromStallWorker =
  | { type: 'ready' }
  | { type: 'unavailable'; reason: string }
  | { type: 'reading'; id: number; reading: StallReading };
