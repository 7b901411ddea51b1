/**
 * What bench does with --cpu-prof: the servers' profile flags, and the sync server's top
 * self-time functions.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ERROR_CODES, LooplabError } from '../../core/errors.ts';
import type { Selection } from '../../scenarios/select.ts';
import type { Job } from '../run/plan.ts';
import { formatSelfTimes, profileFileName, topSelfTime } from './cpu-profile.ts';

/**
 * Node flags that make each server write a CPU profile when it exits, named by run.
 *
 * @throws {LooplabError} LOOPLAB_ERR_WRITE_FAILED when the directory cannot be made.
 */
export async function cpuProfArgs(dir: string): Promise<(job: Job) => string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new LooplabError(
      ERROR_CODES.WRITE_FAILED,
      `cannot create --cpu-prof directory ${dir}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return (job) => [
    '--cpu-prof',
    '--cpu-prof-dir',
    dir,
    '--cpu-prof-name',
    profileFileName(job.scenario.id, job.variant, job.run),
  ];
}

/** The top self-time functions of each scenario's sync server (its first run's profile). */
export async function describeSyncProfiles(
  dir: string,
  selection: readonly Selection[],
): Promise<string> {
  const present = new Set(await readdir(dir).catch(() => []));
  const out: string[] = [];
  for (const s of selection) {
    if (!s.variants.includes('sync')) continue;
    const name = profileFileName(s.scenario.id, 'sync', 1);
    if (!present.has(name)) {
      out.push(`${s.scenario.id} sync: no profile written (${name}); did the server exit cleanly?`);
      continue;
    }
    try {
      const rows = topSelfTime(JSON.parse(await readFile(join(dir, name), 'utf8')));
      out.push(
        `${s.scenario.id} sync, top self time (share of the whole profile, idle included; ${join(dir, name)}):`,
        formatSelfTimes(rows),
      );
    } catch (err) {
      out.push(`${s.scenario.id} sync: cannot read ${name}: ${(err as Error).message}`);
    }
  }
  return out.length > 0 ? `\n${out.join('\n')}\n` : '';
}
