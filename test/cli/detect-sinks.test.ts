import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = import.meta.resolve('tsx');

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/bin.ts'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((ok) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => ok(s));
  });
}

describe('detect sinks', () => {
  it('writes ECS documents to a file and POSTs every alert to a webhook on loopback', async () => {
    const received: { id: string }[] = [];
    const server = createServer((req, res) => {
      void body(req).then((b) => {
        received.push(JSON.parse(b) as { id: string });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'drb-sinks-'));
    try {
      const r = await run(
        [
          'detect', join(ROOT, 'samples/logs/auth.log'),
          '--config', join(ROOT, 'samples/drawbridge.yaml'),
          '--state-dir', join(dir, 'state'),
          '--format', 'json',
          '--sink', `ecs:${join(dir, 'alerts.ecs.jsonl')}`,
          '--webhook', `http://127.0.0.1:${port}/hook`,
        ],
        dir,
      );
      const alerts = (JSON.parse(r.stdout) as { alerts: { id: string; rule: string }[] }).alerts;
      expect(alerts.length).toBeGreaterThan(0);
      const ecs = readFileSync(join(dir, 'alerts.ecs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(ecs).toHaveLength(alerts.length);
      expect(ecs[0]).toMatchObject({ event: { kind: 'alert' } });
      expect(ecs.some((d) => (d.rule as { id: string }).id === 'unseen-credential')).toBe(true);
      expect(received.map((a) => a.id).sort()).toEqual(alerts.map((a) => a.id).sort());
      // Deliveries are summed up once per endpoint, not told one line each.
      const hookLines = r.stderr.split('\n').filter((l) => l.includes('webhook'));
      expect(hookLines).toEqual([`drawbridge: webhook http://127.0.0.1:${port}: ${alerts.length} delivered`]);
    } finally {
      server.close();
    }
  });

  it('an endpoint that refuses alerts is reported as it happens and in the summary', async () => {
    const server = createServer((req, res) => void body(req).then(() => res.writeHead(400).end('bad payload')));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'drb-sinks-'));
    try {
      const r = await run(
        ['detect', join(ROOT, 'samples/logs/auth.log'), '--config', join(ROOT, 'samples/drawbridge.yaml'), '--state-dir', join(dir, 'state'), '--format', 'json', '--webhook', `http://127.0.0.1:${port}/hook`],
        dir,
      );
      const alerts = (JSON.parse(r.stdout) as { alerts: unknown[] }).alerts;
      const refusals = r.stderr.split('\n').filter((l) => l.includes(`webhook http://127.0.0.1:${port}: refused alert`));
      expect(refusals).toHaveLength(alerts.length);
      expect(r.stderr).toContain(`webhook http://127.0.0.1:${port}: 0 delivered, ${alerts.length} refused`);
    } finally {
      server.close();
    }
  });

  it('an unknown sink is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-sinks-'));
    const r = await run(['detect', join(ROOT, 'samples/logs/auth.log'), '--sink', 'xml', '--state-dir', join(dir, 's')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--sink: unknown sink "xml"');
  });
});
