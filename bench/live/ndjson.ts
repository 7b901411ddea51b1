/**
 * Events as NDJSON, one JSON object a line: `--ndjson`, `--record`, and reading a recording back.
 */
import type { LiveEvent } from './events.ts';

/** One event as one line, newline included. */
export function eventLine(event: LiveEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/**
 * The events of a recording. A recording cut off mid-write (a crash, a full disk) ends in a torn
 * line: that line is left out and said (`torn`), and every whole line before it is read.
 *
 * @throws {SyntaxError} on a line other than the last that is not JSON: not a recording.
 */
export function parseEventLines(text: string): { events: LiveEvent[]; torn: boolean } {
  const lines = text.split('\n');
  const events: LiveEvent[] = [];
  let torn = false;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      events.push(JSON.parse(line) as LiveEvent);
    } catch (error) {
      // Only the last line can be torn; it has no newline after it.
      if (i === lines.length - 1) torn = true;
      else throw error;
    }
  });
  return { events, torn };
}
