/**
 * The environment the action gives the processes of the code it benchmarks (npm's install
 * scripts, the app, looplab's scenarios), which are the pull request's code. Pure.
 */

/**
 * The runner's own variables, less those a process could use against the steps after it:
 * - GITHUB_ENV, GITHUB_PATH: a line written there sets a variable (NODE_OPTIONS, PATH) of every
 *   later step, the comment step too, which holds the token;
 * - GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY: the step's outputs and summary are the
 *   report step's to write;
 * - any variable named like a token (ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN, a
 *   GITHUB_TOKEN set by the workflow).
 */
export function benchEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of Object.keys(out)) {
    if (RUNNER_FILES.has(k) || /TOKEN/i.test(k)) delete out[k];
  }
  return out;
}

const RUNNER_FILES = new Set([
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
]);
