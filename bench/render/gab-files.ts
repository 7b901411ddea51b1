/**
 * The file names `--format gab` writes in `--gab-dir`, apart from the rendering: compare's
 * --help names them.
 */
export const GAB_FILES = {
  biggerIsBetter: 'looplab-bigger-is-better.json',
  smallerIsBetter: 'looplab-smaller-is-better.json',
} as const;
