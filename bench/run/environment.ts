/**
 * The environment fingerprint: what makes two reports comparable, or not.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { looplabVersion } from '../../core/package-info.ts';
import type { Environment } from '../report/types.ts';

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
    nodeOptions: env.NODE_OPTIONS?.trim() || null,
    looplabVersion: looplabVersion(),
    gitCommit: gitCommit(),
  };
}
