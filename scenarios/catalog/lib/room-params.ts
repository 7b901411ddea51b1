/**
 * The parameters every WebSocket scenario's load shares: how many clients, how fast each one
 * talks, and when a delivery counts as late. Bounded, so that a typo cannot ask the driver for a
 * million deliveries a second: past what it can drive, it says it was saturated.
 */
import type { MessageLoad, ParamSpec } from '../../types.ts';

export const ROOM_PARAMS = {
  clients: {
    default: 20,
    unit: 'count',
    integer: true,
    min: 1,
    max: 100,
    description: 'clients in the room; each receives every message',
  },
  rate: {
    default: 20,
    unit: 'per-second',
    min: 0.1,
    max: 100,
    description: 'messages each client sends per second, at a steady pace',
  },
  late: {
    default: 50,
    unit: 'ms',
    min: 1,
    max: 60_000,
    description: 'a message delivered later than this after it was sent is late',
  },
} as const satisfies Record<string, ParamSpec>;

/** The driver's load from those parameters. */
export const roomLoad = (
  params: Readonly<Record<keyof typeof ROOM_PARAMS, number>>,
): MessageLoad => ({
  clients: params.clients,
  ratePerSec: params.rate,
  lateMs: params.late,
});
