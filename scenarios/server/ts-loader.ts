/**
 * How a server child loads a learner's TypeScript file.
 *
 * Node 22.18+ and 24 strip types by default (process.features.typescript); Node 20 cannot, so
 * there the child gets tsx's loader. tsx is resolved from looplab's own node_modules, not the
 * learner's working directory, so verify works from anywhere. Type stripping never applies to
 * files under node_modules, which an exercise is not.
 */

/** `LOOPLAB_TS_LOADER=tsx` forces tsx even where Node could strip types (tests use it). */
export type TypeScriptLoader = 'strip-types' | 'tsx';

export function typeScriptLoader(env: NodeJS.ProcessEnv = process.env): TypeScriptLoader {
  const features = process.features as { typescript?: string | false };
  return features.typescript && env.LOOPLAB_TS_LOADER !== 'tsx' ? 'strip-types' : 'tsx';
}

/** The Node flags a child needs to import a `.ts` file with `loader`. */
export function typeScriptExecArgv(loader: TypeScriptLoader = typeScriptLoader()): string[] {
  return loader === 'tsx' ? ['--import', import.meta.resolve('tsx')] : [];
}
