/** The CLI as a child process (loaded through tsx), with its output collected as it comes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, TSX } from './run-cli.js';

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Exit code, or the signal's name when it was killed. */
  exit: Promise<number | NodeJS.Signals>;
}

export function startCli(args: string[], cwd: string): CliProcess {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | NodeJS.Signals>((done) => child.on('close', (code, signal) => done(code ?? signal ?? -1)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Run to the end. */
export async function runCli(args: string[], cwd: string): Promise<{ code: number | NodeJS.Signals; stdout: string; stderr: string }> {
  const p = startCli(args, cwd);
  const code = await p.exit;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
