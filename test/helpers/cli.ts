import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'src/cli/bin.ts');
// Resolved here so that commands can run with any working directory.
const TSX = import.meta.resolve('tsx');

/** Run the drawbridge CLI from source as a user would, and collect what it printed. */
export function runCli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string>; timeout?: number } = {}) {
  const r = spawnSync(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: opts.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
