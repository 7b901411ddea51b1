/**
 * Where bench writes its report: `--json` and `--md`, to files or to stdout in place of the table.
 */
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { NamedPath } from '../../core/output-paths.ts';
import { shellWord } from '../../core/shell-word.ts';

export interface Output {
  format: 'json' | 'markdown';
  /** undefined: stdout, in place of the table. */
  path: string | undefined;
}

/**
 * `--json FILE` / `--md FILE` write files; either flag alone (yargs gives '') or with `-`
 * prints that format on stdout instead of the table.
 *
 * @throws {LooplabError} LOOPLAB_ERR_BAD_OPTION when both ask for stdout.
 */
export function resolveOutputs(json: string | undefined, md: string | undefined): Output[] {
  const outputs: Output[] = [];
  const toPath = (value: string) => (value === '' || value === '-' ? undefined : value);
  if (json !== undefined) outputs.push({ format: 'json', path: toPath(json) });
  if (md !== undefined) outputs.push({ format: 'markdown', path: toPath(md) });
  if (outputs.filter((o) => !o.path).length > 1) {
    throw new LooplabError(
      ERROR_CODES.BAD_OPTION,
      'only one of --json and --md can print to stdout; give the other a file name',
    );
  }
  return outputs;
}

/** The GitHub step summary, an output of every comparison when the variable is set. */
export function stepSummaryOutput(compares: boolean): NamedPath[] {
  const path = process.env.GITHUB_STEP_SUMMARY;
  return compares && path ? [{ name: 'GITHUB_STEP_SUMMARY', path }] : [];
}

/**
 * The output flags that write files, as given (`--json out.json --html out.html`), for the
 * command that finishes a journal to write the same files; stdout's is left out.
 */
export function outputFlags(outputs: readonly Output[], html: string | undefined): string[] {
  return [
    ...outputs.flatMap((o) =>
      o.path ? [`--${o.format === 'json' ? 'json' : 'md'} ${shellWord(o.path)}`] : [],
    ),
    ...(html ? [`--html ${shellWord(html)}`] : []),
  ];
}

/** `looplab bench --resume JOURNAL --json out.json`: what finishes a journal, outputs and all. */
export function resumeCommand(journal: string, flags: readonly string[]): string {
  return ['looplab bench --resume', shellWord(journal), ...flags].join(' ');
}
