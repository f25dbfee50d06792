import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Is an executable on PATH (or at an absolute path)? */
export function have(bin: string): boolean {
  if (bin.startsWith('/')) return existsSync(bin);
  return (process.env.PATH ?? '/usr/bin:/usr/sbin').split(':').some((d) => existsSync(join(d, bin)));
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `drawbridge-${prefix}-`));
}

/** A free TCP port on 127.0.0.1 (the kernel picks it; released before the server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export interface Running {
  proc: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a server and waits until every port in `ready` accepts connections. */
export async function launch(cmd: string, args: string[], ready: number[], waitMs = 30_000): Promise<Running> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  proc.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        proc.kill('SIGKILL');
      }, 10_000);
      proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  };
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${cmd} exited early (${proc.exitCode}):\n${out}`);
    const open = await Promise.all(ready.map(portOpen));
    if (open.every(Boolean)) return { proc, output: () => out, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${cmd} did not open ${ready.join(',')} in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Hex address in /proc/net/tcp{,6} → text. */
function procAddress(hex: string, v6: boolean): string {
  if (!v6) {
    const n = parseInt(hex, 16);
    return [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255].join('.');
  }
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse());
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(`${bytes[i]}${bytes[i + 1]}`);
  return groups.join(':');
}

/**
 * Every TCP address the process tree of `pid` listens on (reads /proc: socket inodes of the process and its
 * children, matched against LISTEN rows). Used to prove a real server touches only loopback.
 */
export function listeningAddresses(pid: number): string[] {
  const pids = [pid];
  try {
    const all = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number));
    for (let i = 0; i < pids.length; i++) for (const [p, pp] of all) if (pp === pids[i] && p !== undefined) pids.push(p);
  } catch {
    // ps missing: the parent alone.
  }
  const inodes = new Set<string>();
  for (const p of pids) {
    try {
      for (const fd of readdirSync(`/proc/${p}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p}/fd/${fd}`));
          if (m) inodes.add(m[1] as string);
        } catch {
          // fd closed meanwhile
        }
      }
    } catch {
      // process gone
    }
  }
  const out: string[] = [];
  for (const [file, v6] of [['/proc/net/tcp', false], ['/proc/net/tcp6', true]] as const) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9] as string)) continue;
      const [addr, port] = (f[1] as string).split(':') as [string, string];
      out.push(`${procAddress(addr, v6)}:${parseInt(port, 16)}`);
    }
  }
  return out;
}

export function isLoopbackListen(addr: string): boolean {
  return addr.startsWith('127.') || addr.startsWith('0000:0000:0000:0000:0000:0000:0000:0001:') || /^0000:0000:0000:0000:0000:ffff:7f/i.test(addr);
}

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
export function makePki(dir: string): { ca: string; caKey: string; cert: string; key: string; clientCert: string; clientKey: string } {
  const p = (f: string): string => join(dir, f);
  const ossl = (...a: string[]): void => {
    execFileSync('openssl', a, { stdio: 'pipe' });
  };
  ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '2', '-subj', '/CN=Drawbridge Test CA');
  writeFileSync(p('san.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('srv.key'), '-out', p('srv.csr'), '-subj', '/CN=127.0.0.1');
  ossl('x509', '-req', '-in', p('srv.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('srv.crt'), '-days', '2', '-extfile', p('san.ext'));
  writeFileSync(p('cli.ext'), 'extendedKeyUsage=clientAuth\n');
  ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('cli.key'), '-out', p('cli.csr'), '-subj', '/CN=admin');
  ossl('x509', '-req', '-in', p('cli.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('cli.crt'), '-days', '2', '-extfile', p('cli.ext'));
  return { ca: p('ca.crt'), caKey: p('ca.key'), cert: p('srv.crt'), key: p('srv.key'), clientCert: p('cli.crt'), clientKey: p('cli.key') };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
