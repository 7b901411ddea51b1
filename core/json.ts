/** How looplab writes JSON, to a file or stdout: indented, one trailing newline. */
export const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
