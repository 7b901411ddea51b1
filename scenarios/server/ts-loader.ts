/**
 * How a server child loads a learner's TypeScript file.
 *
 * Node 22.18+ and 24 strip types by default (process.features.typescript). Node 20 cannot: there
 * the harness compiles a file that stands alone once, with esbuild (bench/run/process/compiled-handler.ts
 * says why), and gives any other file tsx's loader. tsx is resolved from looplab's own
 * node_modules, not the learner's working directory, so verify works from anywhere. Type
 * stripping never applies to files under node_modules, which an exercise is not.
 */

/** `LOOPLAB_TS_LOADER=tsx` forces tsx, whatever Node could do (tests use it). */
export type TypeScriptLoader = 'strip-types' | 'compiled' | 'tsx';

export function typeScriptLoader(env: NodeJS.ProcessEnv = process.env): TypeScriptLoader {
  const features = process.features as { typescript?: string | false };
  if (env.LOOPLAB_TS_LOADER === 'tsx') return 'tsx';
  return features.typescript ? 'strip-types' : 'compiled';
}

/** The Node flags a child needs to import a `.ts` file itself: tsx's, where Node cannot. */
export function typeScriptExecArgv(loader: TypeScriptLoader = typeScriptLoader()): string[] {
  return loader === 'strip-types' ? [] : ['--import', import.meta.resolve('tsx')];
}
