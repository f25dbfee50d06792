import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/cli-process.js';
import { freePort, have, launch, removeDir, tempDir, type Running } from '../servers/launch.js';

// nginx (Debian) on loopback forwarding /prometheus/ to a real Prometheus, with its access log on: what the
// probe asked the gateway for is read from the server's own log, not from the probe's report.
describe.skipIf(!have('nginx') || !have('prometheus'))('probe with the route walk switched off', () => {
  const dirs: string[] = [];
  const runs: Running[] = [];
  let gateway = 0;
  let dir = '';
  /** Requests the gateway saw from a probe that walked its routes. */
  let walked = Infinity;
  const accessLog = (): string[] => readFileSync(join(dir, 'access.log'), 'utf8').split('\n').filter(Boolean);
  const probe = async (args: string[]): Promise<{ findings: { evidence: { url?: string } }[] }> => {
    writeFileSync(join(dir, 'access.log'), '');
    const r = await runCli(['probe', `127.0.0.1:${gateway}`, '--no-history', '-f', 'json', '--state-dir', join(dir, 'state'), ...args], dir);
    return JSON.parse(r.stdout) as { findings: { evidence: { url?: string } }[] };
  };

  beforeAll(async () => {
    const prometheus = await freePort();
    gateway = await freePort();
    const promDir = tempDir('walk-prometheus');
    dir = tempDir('walk-nginx');
    dirs.push(promDir, dir);
    writeFileSync(join(promDir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
    runs.push(await launch('prometheus', [`--config.file=${promDir}/prometheus.yml`, `--storage.tsdb.path=${promDir}/data`, `--web.listen-address=127.0.0.1:${prometheus}`], [prometheus]));
    mkdirSync(join(dir, 'tmp'));
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off; master_process off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events {}
http {
  log_format plain '$request_method $request_uri $status';
  access_log ${dir}/access.log plain;
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  server {
    listen 127.0.0.1:${gateway};
    location = / { return 200 "gateway\\n"; }
    location /prometheus/ { proxy_pass http://127.0.0.1:${prometheus}/; }
  }
}
`,
    );
    writeFileSync(join(dir, 'walk-off.yaml'), 'probe:\n  routeWalk: false\n');
    runs.push(await launch('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], [gateway]));
  }, 60_000);
  afterAll(async () => {
    for (const r of runs) await r.stop();
    dirs.forEach(removeDir);
  });

  it('by default the admin route behind the gateway is requested and reported', async () => {
    const out = await probe([]);
    expect(out.findings.map((f) => f.evidence.url)).toContain(`http://127.0.0.1:${gateway}/prometheus/`);
    expect(accessLog().some((l) => l.startsWith('GET /prometheus/'))).toBe(true);
    walked = accessLog().length;
  });

  it.each([
    ['--no-route-walk', ['--no-route-walk']],
    ['probe.routeWalk: false', ['--config', 'walk-off.yaml']],
  ])('with %s no admin route is requested', async (_, args) => {
    const out = await probe(args);
    expect(out.findings).toEqual([]);
    const lines = accessLog();
    // The gateway was probed (its root and a random path) …
    expect(lines.length).toBeGreaterThan(0);
    // … but no catalogue route was asked for.
    expect(lines.filter((l) => /^\S+ \/(prometheus|grafana|jenkins|kibana|haproxy)\//.test(l))).toEqual([]);
    expect(lines.length).toBeLessThan(walked);
  });
});
