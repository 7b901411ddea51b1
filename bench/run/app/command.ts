/**
 * How a user's command (`bench --cmd`) is started with the probe preloaded.
 *
 * A plain `node …` command is run directly, with `--import <preload>` put before its script, so
 * the server is the process looplab started. Anything else (`npm start`, `tsx server.ts`,
 * `PORT=3000 node server.js`, `cd app && node .`) runs through `/bin/sh -c` with the preload
 * added to NODE_OPTIONS, which every Node process under it (npm's, tsx's, the server's) reads; only
 * the one that listens reports.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ERROR_CODES, LooplabError } from '../../../core/errors.ts';

/** What to spawn. */
export interface Spawnable {
  file: string;
  args: string[];
  /** Added to the environment: NODE_OPTIONS for a command run through the shell. */
  env: Record<string, string>;
}

/** Words of a command line, as a POSIX shell splits them; null when it needs a shell to run. */
export function splitWords(text: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return null;
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        const d = text[j] as string;
        // Inside double quotes the shell still expands these.
        if (d === '$' || d === '`') return null;
        if (d === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1] as string)) j++;
        word += text[j];
      }
      if (j >= text.length) return null;
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return null;
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if ('|&;<>()$`*?[]{}~#!'.includes(c)) {
      return null;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  // `PORT=3000 node server.js`: an assignment is the shell's job.
  if (words[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) return null;
  return words;
}

const isNode = (word: string) => /(^|\/)(node|nodejs)$/.test(word);

/** A value for NODE_OPTIONS, quoted if it needs to be (NODE_OPTIONS splits on spaces). */
function nodeOption(flag: string, value: string): string {
  return /[\s"\\]/.test(value)
    ? `${flag}="${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
    : `${flag}=${value}`;
}

/**
 * How to run `command` with `preloadUrl` imported before the app: directly for `node …`,
 * through the shell with NODE_OPTIONS otherwise. `nodeOptions` is the NODE_OPTIONS in force.
 */
export function preloadedCommand(
  command: string,
  preloadUrl: string,
  nodeOptions: string | undefined,
): Spawnable {
  const words = splitWords(command);
  if (words && words.length > 0 && isNode(words[0] as string)) {
    const [file, ...args] = words as [string, ...string[]];
    return { file, args: ['--import', preloadUrl, ...args], env: {} };
  }
  const option = nodeOption('--import', preloadUrl);
  return {
    file: '/bin/sh',
    args: ['-c', command],
    env: { NODE_OPTIONS: nodeOptions ? `${nodeOptions} ${option}` : option },
  };
}

/** Shell builtins that can start a command line but are no file on PATH. */
const BUILTINS = new Set(['cd', 'exec', 'export', 'set', 'eval', '.', 'source', 'true', ':']);

/** The program a command line starts: its first word after any `NAME=value` assignments. */
export function programOf(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  const first = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return first?.replace(/^['"]|['"]$/g, '');
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Checks that `command` names a program that exists, before anything runs.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION for an empty command;
 *   LOOPLAB_ERR_COMMAND_NOT_FOUND when its program is not on PATH (or not an executable file).
 */
export function checkCommand(
  command: string,
  flag: string,
  cwd: string = process.cwd(),
  path: string = process.env.PATH ?? '',
): void {
  const program = programOf(command);
  if (!command.trim() || !program) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      `${flag} is empty; give the command that starts your server, e.g. ${flag} "node server.js"`,
    );
  }
  if (BUILTINS.has(program)) return;
  const found = program.includes('/')
    ? isExecutableFile(isAbsolute(program) ? program : resolve(cwd, program))
    : path.split(delimiter).some((dir) => dir && isExecutableFile(join(dir, program)));
  if (!found) {
    throw new LooplabError(
      ERROR_CODES.COMMAND_NOT_FOUND,
      `${flag} runs '${program}', which is not ${program.includes('/') ? 'an executable file' : 'on PATH'}; check the command`,
    );
  }
}
