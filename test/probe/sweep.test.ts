import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { recordedResponse } from '../../src/probe/http/replay.js';
import { runProbe } from '../../src/probe/scheduler.js';
import { buildScope, ScopeError } from '../../src/probe/scope.js';
import { sshdAvailable } from './helpers/sshd.js';
import { xrdpAvailable, startXrdp, type RunningXrdp } from './rdp/xrdp.js';
import { freePort, tempDir } from './servers/launch.js';
import { fixtureOf } from './servers/recorded.js';
import { startX11vnc, startXvfb, vncAvailable, type Proc } from './vnc/x11vnc.js';

/*
 * A sweep over 127.0.0.0/24 with real services on different loopback addresses (Linux routes all of
 * 127/8 to lo): sshd on .2, an HTTP server replaying the kubelet read-only fixture on .3, x11vnc on .4,
 * xrdp on .5. 127.0.0.1 is always excluded: other suites' servers live there.
 */
interface Sshd {
  port: number;
  stop: () => Promise<void>;
}

async function startSshdOn(host: string): Promise<Sshd> {
  const dir = tempDir('sweep-sshd');
  const key = join(dir, 'host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const cfg = join(dir, 'sshd_config');
  writeFileSync(
    cfg,
    [`HostKey ${key}`, `ListenAddress ${host}`, 'PidFile none', 'UsePAM no', 'AuthorizedKeysFile none', 'PasswordAuthentication yes', 'KbdInteractiveAuthentication no', ''].join('\n'),
  );
  const port = await freePort();
  const proc = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 10_000);
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes(`Server listening on ${host} port ${port}`)) {
        clearTimeout(t);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`sshd exited (${code}): ${log}`));
    });
  });
  proc.removeAllListeners('exit');
  return {
    port,
    stop: async () => {
      if (proc.exitCode === null) await new Promise<void>((r) => (proc.once('exit', () => r()), proc.kill('SIGTERM')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startRecordedHttpOn(host: string, sig: string, fixture: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server = fixtureOf(sig, fixture).server;
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const r = recordedResponse(server, req.method ?? 'GET', req.url ?? '/');
      res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) });
      res.end(r.body);
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => srv.listen(port, host, r));
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
}

const ready = sshdAvailable && vncAvailable && xrdpAvailable;

describe.runIf(ready || process.env['CI'])('sweep over 127.0.0.0/24', () => {
  let sshd: Sshd;
  let web: { port: number; close: () => Promise<void> };
  let xvfb: Proc & { display: string };
  let vnc: Awaited<ReturnType<typeof startX11vnc>>;
  let rdp: RunningXrdp;
  let dir: string;
  let cfg: string;
  beforeAll(async () => {
    dir = tempDir('sweep');
    xvfb = await startXvfb();
    [sshd, web, vnc, rdp] = await Promise.all([
      startSshdOn('127.0.0.2'),
      startRecordedHttpOn('127.0.0.3', 'kubelet', 'read-only port 10255'),
      startX11vnc({ display: xvfb.display, host: '127.0.0.4' }),
      startXrdp({ securityLayer: 'negotiate', host: '127.0.0.5' }),
    ]);
    cfg = join(dir, 'drawbridge.yaml');
    // The test ports become catalogue ports of their services, so each gets its own fingerprinter.
    writeFileSync(
      cfg,
      [
        `stateDir: ${JSON.stringify(join(dir, 'state'))}`,
        `managementPorts: { ssh: [${sshd.port}], kubelet-readonly: [${web.port}], vnc: [${vnc.port}], rdp: [${rdp.port}] }`,
        'probe: { timeout: 2s, concurrency: 64, rate: 2000 }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), web?.close(), vnc?.stop(), rdp?.stop()]);
    await xvfb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  async function cli(args: string[]): Promise<{ code: number; json: { findings: { rule: string; severity: string; control: string; location: { host: string; port: number } }[]; services: { host: string; port: number; service?: string; auth: string; outcome: string }[] }; stderr: string }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += c.toString()), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += c.toString()), true));
    const code = await main(args);
    vi.restoreAllMocks();
    if (args.includes('json') && !out.trim().startsWith('{')) throw new Error(`drawbridge ${args.join(' ')} printed no JSON (exit ${code}); stderr:\n${err}`);
    return { code, json: out ? JSON.parse(out) : { findings: [], services: [] }, stderr: err };
  }
  const ports = (): string => [sshd.port, web.port, vnc.port, rdp.port].join(',');

  it('finds exactly the four services and their findings, and nothing on any other address', async () => {
    const r = await cli(['probe', '127.0.0.0/24', '--ports', ports(), '--exclude', '127.0.0.1', '-c', cfg, '--format', 'json', '--no-history']);
    expect(r.code).toBe(1);
    expect(r.json.services.map((s) => [s.host, s.port, s.outcome, s.service, s.auth])).toEqual([
      ['127.0.0.2', sshd.port, 'identified', 'ssh', 'login'],
      ['127.0.0.3', web.port, 'identified', 'kubelet', 'open'],
      ['127.0.0.4', vnc.port, 'identified', 'vnc', 'open'],
      ['127.0.0.5', rdp.port, 'identified', 'rdp', 'login'],
    ]);
    const got = r.json.findings.map((f) => `${f.location.host}:${f.location.port} ${f.rule} ${f.severity} ${f.control}`).sort();
    expect(got).toEqual(
      [
        `127.0.0.2:${sshd.port} probe.ssh.password-auth high M1026`,
        `127.0.0.2:${sshd.port} probe.ssh.weak-algorithms low M1050`,
        `127.0.0.3:${web.port} probe.http.kubelet.open critical M1037`,
        `127.0.0.4:${vnc.port} probe.vnc.exposed medium M1037`,
        `127.0.0.4:${vnc.port} probe.vnc.no-auth critical M1026`,
        `127.0.0.5:${rdp.port} probe.rdp.exposed medium M1037`,
        `127.0.0.5:${rdp.port} probe.rdp.nla-not-required high M1026`,
        `127.0.0.5:${rdp.port} probe.rdp.standard-security medium M1050`,
      ].sort(),
    );
  });

  it('never touches excluded addresses', async () => {
    const count = (text: string, re: RegExp): number => (text.match(re) ?? []).length;
    const vncBefore = count(vnc.output(), /Got connection from client/g);
    const rdpBefore = count(rdp.output(), /connection received from/g);
    const r = await cli(['probe', '127.0.0.0/24', '--ports', ports(), '--exclude', '127.0.0.1', '--exclude', '127.0.0.4/31', '-c', cfg, '--format', 'json', '--no-history']);
    expect(r.json.services.map((s) => s.host)).toEqual(['127.0.0.2', '127.0.0.3']);
    expect(r.json.findings.every((f) => ['127.0.0.2', '127.0.0.3'].includes(f.location.host))).toBe(true);
    await new Promise((res) => setTimeout(res, 300));
    // x11vnc and xrdp log every connection: none came in during this run.
    expect(count(vnc.output(), /Got connection from client/g)).toBe(vncBefore);
    expect(count(rdp.output(), /connection received from/g)).toBe(rdpBefore);
    expect(rdpBefore).toBeGreaterThan(0);
  });

  it('refuses a /16 above probe.maxAddresses, and plans it (without probing) once the ceiling is raised', async () => {
    const r = await cli(['probe', '127.0.0.0/16', '--ports', '22', '-c', cfg, '--no-history']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/65536 addresses, above the limit of 4096 \(probe\.maxAddresses\)/);
    const config = ConfigSchema.parse({ probe: { maxAddresses: 4096 } });
    await expect(runProbe(['127.0.0.0/16'], { config, ports: [22] })).rejects.toBeInstanceOf(ScopeError);
    const planned = buildScope(['127.0.0.0/16'], { ports: [22], exclude: ['127.0.0.0/24'], maxAddresses: 65536 });
    expect(planned.addresses).toBe(65536 - 256);
    expect(planned.endpoints[0]).toEqual({ host: '127.0.1.0', port: 22 });
  });
});
