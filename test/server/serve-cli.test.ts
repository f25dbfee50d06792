/**
 * `drawbridge serve` as a process: it listens on loopback only, passes Drawbridge's own probe with its
 * secure defaults, over TLS too (and is reported open when started insecurely on purpose), refuses to listen beyond
 * loopback without TLS, and never loses a batch it answered 200 for, even when killed -9 right after.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../probe/helpers/sshd.js';
import { makePki } from './helpers/certs.js';

const BIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'bin.ts');
const TSX = join(import.meta.dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs');
const INGEST = 'ingest-token-0123456789abcdefghi';
const READ = 'read-token-0123456789abcdefghijk';

let dir: string;
let tokens: string;

interface Running {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, ['--import', TSX, BIN, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

async function startServe(stateDir: string, extra: string[] = []): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', TSX, BIN, 'serve', '--listen', `127.0.0.1:${port}`, '--token-file', tokens, '--state-dir', stateDir, ...extra], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const until = Date.now() + 60_000;
  while (!err.includes('serving on')) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${err}`);
    if (Date.now() > until) throw new Error(`serve did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, stderr: () => err };
}

async function stop(r: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (r.child.exitCode !== null) return;
  const done = new Promise((ok) => r.child.once('exit', ok));
  r.child.kill(signal);
  await done;
}

/** Listening TCP sockets of a process, as `ss` prints their local addresses. */
function listeningAddresses(pid: number): string[] {
  const out = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => l.trim().split(/\s+/)[3]!);
}

/** An anonymous pod creation that succeeded: always a critical alert (unauthenticated-write). */
function anonymousCreate(i: number): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Request',
    auditID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods',
    verb: 'create',
    user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
    sourceIPs: ['203.0.113.50'],
    objectRef: { resource: 'pods', namespace: 'default', name: `miner-${i}`, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    requestReceivedTimestamp: `2026-11-02T10:00:${String(i).padStart(2, '0')}.000000Z`,
    stageTimestamp: `2026-11-02T10:00:${String(i).padStart(2, '0')}.100000Z`,
  });
}

async function alerts(port: number): Promise<{ id: string; rule: string }[]> {
  const r = await fetch(`http://127.0.0.1:${port}/v1/alerts?limit=1000`, { headers: { authorization: `Bearer ${READ}` } });
  return ((await r.json()) as { alerts: { id: string; rule: string }[] }).alerts;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-serve-cli-'));
  tokens = join(dir, 'tokens.txt');
  writeFileSync(tokens, `ingest:${INGEST}\nread:${READ}\n`, { mode: 0o600 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('drawbridge serve (process)', () => {
  it('refuses to listen beyond loopback without TLS, and to start without tokens', () => {
    const wide = cli(['serve', '--listen', '0.0.0.0:0', '--token-file', tokens]);
    expect(wide.status).toBe(2);
    expect(wide.stderr).toMatch(/beyond loopback: give --tls-cert\/--tls-key/);
    const none = cli(['serve', '--listen', '127.0.0.1:0']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('serve needs --token-file');
  });

  it('listens on loopback only and passes its own probe with the secure defaults', async () => {
    const s = await startServe(join(dir, 'secure'));
    try {
      const addrs = listeningAddresses(s.child.pid!);
      expect(addrs).toEqual([`127.0.0.1:${s.port}`]);
      const probe = cli(['probe', '127.0.0.1', '-p', String(s.port), '-f', 'json']);
      const found = JSON.parse(probe.stdout) as { findings: { rule: string; severity: string }[]; services?: unknown };
      expect(found.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(probe.stdout).toContain('drawbridge');
    } finally {
      await stop(s);
    }
  });

  // Two servers and two probe runs: generous on a loaded machine.
  it('passes its own probe in TLS mode too, with and without a required client certificate', { timeout: 240_000 }, async () => {
    const pki = makePki(mkdtempSync(join(dir, 'pki-')));
    const tls = ['--tls-cert', pki.serverCert, '--tls-key', pki.serverKey];
    for (const [name, extra] of [
      ['tls', tls],
      ['mtls', [...tls, '--client-ca', pki.ca, '--require-client-cert']],
    ] as const) {
      const s = await startServe(join(dir, name), [...extra]);
      try {
        expect(s.stderr()).toContain(`serving on https://127.0.0.1:${s.port}`);
        const probe = cli(['probe', '127.0.0.1', '-p', String(s.port), '-f', 'json']);
        const found = JSON.parse(probe.stdout) as { findings: { rule: string; severity: string }[] };
        expect(found.findings.filter((f) => f.severity !== 'info'), name).toEqual([]);
        expect(probe.status, name).toBe(0);
        // Over TLS alone the probe still recognises the server (so nothing above info is a verdict, not blindness).
        if (name === 'tls') expect(probe.stdout).toMatch(/"product": "drawbridge"/);
      } finally {
        await stop(s);
      }
    }
  });

  it('is reported open by its own probe when read routes are opened on purpose', async () => {
    const s = await startServe(join(dir, 'open'), ['--allow-anonymous-read']);
    try {
      const probe = cli(['probe', '127.0.0.1', '-p', String(s.port), '-f', 'json']);
      expect(probe.status).toBe(1);
      const found = JSON.parse(probe.stdout) as { findings: { severity: string; title: string; subTechnique: string }[] };
      const open = found.findings.filter((f) => f.severity === 'high');
      expect(open.length).toBe(1);
      expect(open[0]!.subTechnique).toBe('unauthenticated-admin-interface');
    } finally {
      await stop(s);
    }
  });

  it('takes its receivers and followed files from flags, and refuses a receiver beyond loopback', async () => {
    const wide = cli(['serve', '--listen', '127.0.0.1:0', '--token-file', tokens, '--syslog', 'udp://0.0.0.0:0']);
    expect(wide.status).toBe(2);
    expect(wide.stderr).toContain('serve.syslog[0] udp://0.0.0.0:0: 0.0.0.0 is not a loopback address');
    const log = join(dir, 'followed-auth.log');
    writeFileSync(log, readFileSync(join(import.meta.dirname, '..', '..', 'samples', 'logs', 'auth.log')));
    const s = await startServe(join(dir, 'flags'), ['--syslog', 'udp://127.0.0.1:0', '--follow', `sshd=${log}`]);
    try {
      expect(s.stderr()).toMatch(/listening for syslog on udp:\/\/127\.0\.0\.1:\d+/);
      const until = Date.now() + 60_000;
      let got: { id: string; rule: string }[] = [];
      while (Date.now() < until && got.length === 0) {
        got = await alerts(s.port);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(got.length).toBeGreaterThan(0);
    } finally {
      await stop(s);
    }
  });

  it('keeps every batch it answered 200 for across kill -9', async () => {
    const state = join(dir, 'durable');
    let s = await startServe(state);
    const ids = Array.from({ length: 20 }, (_, i) => i);
    for (const i of ids) {
      const r = await fetch(`http://127.0.0.1:${s.port}/v1/ingest/k8s-audit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' },
        body: anonymousCreate(i),
      });
      expect(r.status).toBe(200);
    }
    // Killed at once after the last 200: detection may not have read those records yet.
    await stop(s, 'SIGKILL');
    s = await startServe(state);
    try {
      const until = Date.now() + 60_000;
      let got: { id: string; rule: string }[] = [];
      while (Date.now() < until) {
        got = await alerts(s.port);
        if (got.length >= ids.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(got.filter((a) => a.rule === 'unauthenticated-write').length).toBe(ids.length);
      expect(new Set(got.map((a) => a.id)).size).toBe(got.length);
    } finally {
      await stop(s);
    }
  });
});
