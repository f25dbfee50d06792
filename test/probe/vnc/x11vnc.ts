import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { freePort, have, tempDir } from '../servers/launch.js';

export const vncAvailable = have('Xvfb') && have('x11vnc');

export interface Proc {
  output: () => string;
  stop: () => Promise<void>;
}

function spawnLogged(cmd: string, args: string[], extraFds = 0): { proc: ChildProcess; output: () => string } {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe', ...Array.from({ length: extraFds }, () => 'pipe' as const)] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  proc.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  return { proc, output: () => out };
}

function stopper(proc: ChildProcess, cleanup?: () => void): () => Promise<void> {
  return async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill('SIGTERM');
      });
    }
    cleanup?.();
  };
}

/** Xvfb on a display number it picks itself (-displayfd), no TCP listener. */
export async function startXvfb(): Promise<Proc & { display: string }> {
  const { proc, output } = spawnLogged('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '320x240x24'], 1);
  const display = await new Promise<string>((resolve, reject) => {
    let got = '';
    const t = setTimeout(() => reject(new Error(`Xvfb did not report its display:\n${output()}`)), 20_000);
    (proc.stdio[3] as Readable).on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes('\n')) {
        clearTimeout(t);
        resolve(`:${got.trim()}`);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`Xvfb exited (${code}):\n${output()}`));
    });
  });
  proc.removeAllListeners('exit');
  return { display, output, stop: stopper(proc) };
}

export interface X11vncOptions {
  display: string;
  /** Loopback address to listen on (IPv4 only: -no6). */
  host?: string;
  port?: number;
  /** Protect with this password through a file made by `x11vnc -storepasswd`; none means -nopw. */
  password?: string;
  /** Offer only VeNCrypt (x11vnc -ssl with a throwaway certificate, -vencrypt force). */
  vencrypt?: boolean;
  /** Advertise this RFB version, e.g. "3.3". */
  rfbVersion?: string;
}

/** A real x11vnc on one loopback address and port, with its own temp dir; stop() removes it. */
export async function startX11vnc(o: X11vncOptions): Promise<Proc & { host: string; port: number }> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? (await freePort());
  const dir = tempDir('x11vnc');
  const args = ['-display', o.display, '-listen', host, '-rfbport', String(port), '-no6', '-forever', '-shared', '-norc', '-nolookup', '-noxdamage'];
  if (o.password !== undefined) {
    const file = join(dir, 'passwd');
    execFileSync('x11vnc', ['-storepasswd', o.password, file], { stdio: 'ignore' });
    args.push('-rfbauth', file);
  } else args.push('-nopw');
  if (o.vencrypt) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    writeFileSync(join(dir, 'combined.pem'), readFileSync(join(dir, 'k.pem'), 'utf8') + readFileSync(join(dir, 'c.pem'), 'utf8'));
    args.push('-ssl', join(dir, 'combined.pem'), '-vencrypt', 'force', '-anontls', 'never');
  }
  if (o.rfbVersion) args.push('-rfbversion', o.rfbVersion);
  const { proc, output } = spawnLogged('x11vnc', args);
  const stop = stopper(proc, () => rmSync(dir, { recursive: true, force: true }));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`x11vnc exited early (${proc.exitCode}):\n${output()}`);
    }
    // x11vnc prints PORT=<n> once its listening socket is up.
    if (output().includes(`PORT=${port}`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`x11vnc did not listen on ${host}:${port}:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host, port, output, stop };
}
