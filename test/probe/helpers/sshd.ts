import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';
export const sshdAvailable = existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen');

/** A free TCP port on 127.0.0.1 (the kernel picks it; we release it for the server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningSshd {
  port: number;
  log: () => string;
  stop: () => Promise<void>;
}

/** Start a real OpenSSH server on 127.0.0.1 with its own host key and config in a temp dir. */
export async function startSshd(extraConfig: string[]): Promise<RunningSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'drb-sshd-'));
  const key = join(dir, 'ssh_host_ed25519_key');
  execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  // sshd refuses to start without its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const cfg = join(dir, 'sshd_config');
  writeFileSync(
    cfg,
    [`HostKey ${key}`, 'ListenAddress 127.0.0.1', 'PidFile none', 'UsePAM no', 'AuthorizedKeysFile none', 'LogLevel VERBOSE', ...extraConfig, ''].join('\n'),
  );
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', cfg, '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 10_000);
    const check = (): void => {
      if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`sshd exited with ${code}: ${log}`));
    });
    check();
  });
  child.removeAllListeners('exit');
  return {
    port,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          rmSync(dir, { recursive: true, force: true });
          return resolve();
        }
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Local addresses (hex, as in /proc/net/tcp*) of sockets listening on `port`. */
export function listenersOn(port: number): string[] {
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== '0A') continue;
      const [addr, p] = local.split(':') as [string, string];
      if (parseInt(p, 16) === port) out.push(addr);
    }
  }
  return out;
}
