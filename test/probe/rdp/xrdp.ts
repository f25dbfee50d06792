import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, have, tempDir } from '../servers/launch.js';

export const xrdpAvailable = have('/usr/sbin/xrdp') || have('xrdp');
const XRDP = have('/usr/sbin/xrdp') ? '/usr/sbin/xrdp' : 'xrdp';

export interface RunningXrdp {
  host: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host, port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * A real xrdp in the foreground with its own xrdp.ini in a temp dir, listening on one loopback address
 * (`port=tcp://<ip>:<port>`). `certificate: false` points the TLS certificate at a missing file.
 * Negotiation needs neither sesman nor the RSA keys (those only matter past the Connection Confirm).
 */
export async function startXrdp(o: { securityLayer: 'negotiate' | 'tls' | 'rdp'; host?: string; certificate?: boolean }): Promise<RunningXrdp> {
  const host = o.host ?? '127.0.0.1';
  const port = await freePort();
  const dir = tempDir('xrdp');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  if (o.certificate !== false) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  }
  const ini = join(dir, 'xrdp.ini');
  writeFileSync(
    ini,
    [
      '[Globals]',
      'ini_version=1',
      'fork=true',
      `port=tcp://${host}:${port}`,
      `security_layer=${o.securityLayer}`,
      'crypt_level=high',
      `certificate=${cert}`,
      `key_file=${key}`,
      'ssl_protocols=TLSv1.2, TLSv1.3',
      '[Logging]',
      `LogFile=${join(dir, 'xrdp.log')}`,
      'LogLevel=INFO',
      'EnableSyslog=false',
      'EnableConsole=true',
      'ConsoleLevel=INFO',
      '',
    ].join('\n'),
  );
  const proc = spawn(XRDP, ['--nodaemon', '--config', ini], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  proc.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const stop = async (): Promise<void> => {
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
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`xrdp exited early (${proc.exitCode}):\n${out}`);
    }
    if (await portOpen(host, port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`xrdp did not listen on ${host}:${port}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host, port, proc, output: () => out, stop };
}
