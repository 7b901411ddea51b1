/**
 * The environment fingerprint: what makes two reports comparable, or not.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { looplabVersion } from '../../core/package-info.ts';

export interface Environment {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  /** 1, 5 and 15 minute load averages when the benchmark started: a busy machine skews results. */
  loadAverage: [number, number, number];
  /** null means unset, which is libuv's default of 4 threads. */
  uvThreadpoolSize: number | null;
  looplabVersion: string;
  /** null outside a git checkout. */
  gitCommit: string | null;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** Reads the fingerprint of this machine, now, for servers started with `env`. */
export function captureEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const cpuList = cpus();
  const pool = Number(env.UV_THREADPOOL_SIZE);
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    totalMemoryBytes: totalmem(),
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) as [number, number, number],
    uvThreadpoolSize: Number.isInteger(pool) && pool > 0 ? pool : null,
    looplabVersion: looplabVersion(),
    gitCommit: gitCommit(),
  };
}
