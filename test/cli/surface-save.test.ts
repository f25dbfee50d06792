import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, have, launch, removeDir, tempDir, type Running } from '../probe/servers/launch.js';
import { runCli } from './cli-process.js';
import { flowsTo } from './flows.js';

interface Listed {
  address?: string;
  port?: number;
  path?: string;
  service: string;
  provenance: string;
  why: string;
}

const surface = async (state: string, cwd: string): Promise<Listed[]> => {
  const r = await runCli(['surface', '-f', 'json', '--state-dir', state], cwd);
  return (JSON.parse(r.stdout) as { surface: { endpoints: Listed[] } }).surface.endpoints;
};

const observed = async (log: string, state: string, cwd: string): Promise<[string, number][]> => {
  const r = await runCli(['detect', log, '-f', 'json', '--state-dir', state, '--from-start'], cwd);
  return (JSON.parse(r.stdout) as { observations: { service: string; connections: number }[] }).observations.map((o) => [o.service, o.connections]);
};

// A real Prometheus on a loopback port that no catalogue entry names: only what probe found tells detect
// that the port is a management endpoint.
describe.skipIf(!have('prometheus'))('probe --save feeds the surface of detect and `drawbridge surface`', () => {
  let dir = '';
  let prom: Running | undefined;
  let port = 0;
  beforeAll(async () => {
    dir = tempDir('save-probe');
    port = await freePort();
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
    prom = await launch('prometheus', [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`], [port]);
    writeFileSync(join(dir, 'flows.log'), flowsTo(port));
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
    removeDir(dir);
  });

  it('without a saved probe the flows to that port are nothing to detect', async () => {
    expect(await observed(join(dir, 'flows.log'), join(dir, 'unsaved'), dir)).toEqual([]);
  });

  it('after probe --save, detect sees the port as Prometheus and surface lists it with its source', async () => {
    const state = join(dir, 'state');
    const p = await runCli(['probe', `127.0.0.1:${port}`, '--save', '--no-history', '-f', 'json', '--state-dir', state], dir);
    expect(p.stderr).toContain('saved 1 management endpoint');
    expect(await observed(join(dir, 'flows.log'), state, dir)).toEqual([['prometheus', 3]]);
    const listed = (await surface(state, dir)).filter((e) => e.provenance === 'probe');
    expect(listed).toEqual([expect.objectContaining({ address: '127.0.0.1', port, service: 'prometheus', provenance: 'probe', why: expect.stringContaining(`probe 127.0.0.1:${port}`) })]);
  });

  it('a later probe of the same target replaces what was saved: the stopped server is gone', async () => {
    const state = join(dir, 'state');
    await prom?.stop();
    prom = undefined;
    const p = await runCli(['probe', `127.0.0.1:${port}`, '--save', '--no-history', '-f', 'json', '--state-dir', state], dir);
    expect(p.stderr).toContain('saved 0 management endpoints');
    expect(p.stderr).toContain('replacing 1');
    expect((await surface(state, dir)).filter((e) => e.provenance === 'probe')).toEqual([]);
  });
});

describe('audit --save', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir('save-audit');
    writeFileSync(
      join(dir, 'grafana.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {matchLabels: {app: grafana}}
  template:
    metadata: {labels: {app: grafana}}
    spec:
      containers:
      - {name: grafana, image: docker.io/grafana/grafana:11.1.0, ports: [{containerPort: 3000}]}
---
apiVersion: v1
kind: Service
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {app: grafana}
  externalIPs: [198.51.100.7]
  ports: [{port: 3000}]
`,
    );
  });
  afterAll(() => removeDir(dir));

  it('keeps the exposed address and port as a management endpoint whose source is audit', async () => {
    const state = join(dir, 'state');
    const a = await runCli(['audit', join(dir, 'grafana.yaml'), '--save', '-f', 'json', '--state-dir', state], dir);
    expect(a.stderr).toContain('saved 1 management endpoint');
    expect((await surface(state, dir)).filter((e) => e.provenance === 'audit')).toEqual([expect.objectContaining({ address: '198.51.100.7', port: 3000, service: 'grafana', why: expect.stringContaining('audit finding') })]);
    // Auditing the same file again, run from another folder, replaces rather than adds.
    const again = await runCli(['audit', 'grafana.yaml', '--save', '-f', 'json', '--state-dir', state], dir);
    expect(again.stderr).toContain('replacing 1');
    expect((await surface(state, dir)).filter((e) => e.provenance === 'audit')).toHaveLength(1);
  });
});
