/**
 * A word as a POSIX shell reads it back, for a command looplab prints for the user to run: as it
 * is when plain, else in single quotes; a path that starts with `-` gets `./`, so that it is not
 * read as a flag.
 */
export function shellWord(s: string): string {
  const word = s.startsWith('-') ? `./${s}` : s;
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
