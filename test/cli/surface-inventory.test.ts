import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';
import { flowsTo } from './flows.js';

interface DetectJson {
  observations: { service: string; connections: number }[];
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'drb-inventory-'));
  dirs.push(d);
  return d;
}

describe('detect --inventory', () => {
  it('takes one file per flag and leaves the log files that follow it alone', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'inv.json'), JSON.stringify({ findings: [{ id: 'DRB-1', rule: 'probe.http.kong-admin.open', location: { host: '127.0.0.1', port: 47113 }, evidence: { product: 'kong-admin' } }] }));
    writeFileSync(join(dir, 'flows.log'), flowsTo(47113));
    const r = await runCli(['detect', '--inventory', join(dir, 'inv.json'), join(dir, 'flows.log'), '-f', 'json', '--state-dir', join(dir, 's')], dir);
    expect(r.stderr).not.toMatch(/inventory/);
    const out = JSON.parse(r.stdout) as DetectJson;
    // Three first-seen ranges that only connected: folded into an observation of the inventoried service.
    expect(out.observations.map((o) => [o.service, o.connections])).toEqual([['kong-admin', 3]]);
  });

  it('is repeatable', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ findings: [{ id: 'DRB-1', rule: 'probe.http.kong-admin.open', location: { host: '127.0.0.1', port: 47113 }, evidence: { product: 'kong-admin' } }] }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ findings: [{ id: 'DRB-2', rule: 'probe.http.prometheus.open', location: { host: '127.0.0.1', port: 47114 }, evidence: { product: 'prometheus' } }] }));
    const r = await runCli(['surface', '--inventory', join(dir, 'a.json'), '--inventory', join(dir, 'b.json'), '-f', 'json', '--state-dir', join(dir, 's')], dir);
    const out = JSON.parse(r.stdout) as { surface: { endpoints: { port: number; service: string }[] } };
    expect(out.surface.endpoints.map((e) => [e.port, e.service])).toEqual([
      [47113, 'kong-admin'],
      [47114, 'prometheus'],
    ]);
  });
});
