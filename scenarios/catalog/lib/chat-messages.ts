/**
 * What the websocket-broadcast scenario's clients say: short chat lines, and one long paste (a
 * stack trace someone shares) in every `every` messages. The paste is the slow message: its
 * moderation costs as much as hundreds of lines'.
 */

/** The paste's length: about a screenful of stack traces. */
export const PASTE_BYTES = 16 * 1024;

const LINES = [
  'morning! standup in 5?',
  'pushed the fix, CI is green',
  'who is on call this week?',
  'can someone review #4821',
  'lunch at noon?',
  'deploying to staging now',
  'the flaky test is back',
  'thanks, that worked',
];

const TRACE =
  'Error: connect ECONNREFUSED 127.0.0.1:5432\n' +
  '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)\n';

/** The paste: the trace over and over, cut to PASTE_BYTES. */
export const paste = (): string =>
  TRACE.repeat(Math.ceil(PASTE_BYTES / TRACE.length)).slice(0, PASTE_BYTES);

/** The `every` messages the clients send in rotation: lines, and the paste last. */
export function chatMessages(every: number): string[] {
  const long = paste();
  return Array.from({ length: every }, (_, k) =>
    k === every - 1 ? long : (LINES[k % LINES.length] as string),
  );
}
