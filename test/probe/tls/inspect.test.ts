import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectTls } from '../../../src/probe/tls/inspect.js';
import { have, makePki, removeDir, tempDir } from '../servers/launch.js';

// Node's own TLS server (OpenSSL underneath) on loopback, in each client-certificate mode.
describe.skipIf(!have('openssl'))('inspectTls', () => {
  let dir: string;
  let pki: ReturnType<typeof makePki>;
  const servers: tls.Server[] = [];
  beforeAll(() => {
    dir = tempDir('tls');
    pki = makePki(dir);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'self.key'), '-out', join(dir, 'self.crt'), '-days', '1', '-subj', '/CN=self'], { stdio: 'pipe' });
  });
  afterAll(() => {
    servers.forEach((s) => s.close());
    removeDir(dir);
  });

  async function serve(o: tls.TlsOptions): Promise<number> {
    const s = tls.createServer({ cert: readFileSync(pki.cert), key: readFileSync(pki.key), ca: readFileSync(pki.ca), ...o }, (c) => {
      c.on('error', () => undefined);
      c.end('hello');
    });
    s.on('tlsClientError', () => undefined);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return (s.address() as AddressInfo).port;
  }

  it('TLS 1.2, certificate required: requested and refused (alert before the handshake ends)', async () => {
    const port = await serve({ requestCert: true, rejectUnauthorized: true });
    const r = await inspectTls({ host: '127.0.0.1', port }, { timeoutMs: 3000 });
    expect(r.tls).toBe(true);
    expect(r.facts).toMatchObject({ clientCertRequested: true, clientCertRequired: true, subject: 'CN=127.0.0.1' });
    expect(r.method).toBe('tls12-cleartext-certificate-request');
  });

  it('certificate requested but optional: requested, not required', async () => {
    const port = await serve({ requestCert: true, rejectUnauthorized: false });
    const r = await inspectTls({ host: '127.0.0.1', port }, { timeoutMs: 3000 });
    expect(r.facts).toMatchObject({ clientCertRequested: true, clientCertRequired: false });
  });

  it('TLS 1.3 only, certificate required: refusal seen after the handshake (certificate_required)', async () => {
    const port = await serve({ requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' });
    const r = await inspectTls({ host: '127.0.0.1', port }, { timeoutMs: 3000 });
    expect(r.method).toBe('tls13-post-handshake-alert');
    expect(r.facts).toMatchObject({ clientCertRequested: true, clientCertRequired: true });
  });

  it('TLS 1.3 only, no client certificates: not required, request unknown', async () => {
    const port = await serve({ minVersion: 'TLSv1.3' });
    const r = await inspectTls({ host: '127.0.0.1', port }, { timeoutMs: 3000, settleMs: 300 });
    expect(r.facts?.clientCertRequired).toBe(false);
    expect(r.facts?.clientCertRequested).toBeUndefined();
  });

  it('self-signed certificates are told apart from CA-issued ones', async () => {
    const port = await serve({ cert: readFileSync(join(dir, 'self.crt')), key: readFileSync(join(dir, 'self.key')) });
    const r = await inspectTls({ host: '127.0.0.1', port }, { timeoutMs: 3000 });
    expect(r.facts).toMatchObject({ subject: 'CN=self', issuer: 'CN=self', selfSigned: true, clientCertRequested: false });
    expect(Date.parse(r.facts?.validTo ?? '')).toBeGreaterThan(0);
  });

  it('a plain TCP server is not TLS', async () => {
    const net = await import('node:net');
    const s = net.createServer((c) => c.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const r = await inspectTls({ host: '127.0.0.1', port: (s.address() as AddressInfo).port }, { timeoutMs: 3000 });
    s.close();
    expect(r.tls).toBe(false);
  });
});
