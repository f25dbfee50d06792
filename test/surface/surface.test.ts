import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { servicesByPort } from '../../src/catalog/services.js';
import { adminPathService, surfaceCatalog, underPrefix } from '../../src/surface/catalog.js';
import { configEndpoints } from '../../src/surface/config.js';
import { InventoryError, parseInventory } from '../../src/surface/inventory.js';
import { learnedEndpoints, learnFromLog, learnFromRequest } from '../../src/surface/learned.js';
import { Surface } from '../../src/surface/surface.js';
import { MemoryStateStore } from '../../src/detect/state/memory.js';
import type { ApiEvent } from '../../src/model/event.js';

const ports = servicesByPort();

function req(path: string, over: Partial<ApiEvent> = {}): ApiEvent {
  return { kind: 'api', service: 'http', time: 0, ref: { source: 'access.log', offset: 0 }, actor: '-', src: '203.0.113.9', verb: 'GET', method: 'GET', resource: path, status: 200, ...over };
}

describe('surface catalogue (catalog/surface.yaml)', () => {
  const c = surfaceCatalog();
  it.each(c.fixtures.match)('admin path $path matches $service', (f) => {
    const onAdminPort = f.port !== undefined && !c.sharedPorts.includes(f.port) && ports.has(f.port);
    expect(adminPathService(f.path, onAdminPort)?.service).toBe(f.service);
  });
  it.each(c.fixtures.noMatch)('path $path (port $port) is no admin path', (f) => {
    const onAdminPort = f.port !== undefined && !c.sharedPorts.includes(f.port) && ports.has(f.port);
    expect(adminPathService(f.path, onAdminPort)).toBeUndefined();
  });
  it('every admin-path service has fixtures on both sides only where declared, and prefixes match on segment boundaries', () => {
    expect(underPrefix('/admin', '/admin')).toBe(true);
    expect(underPrefix('/admin/x', '/admin')).toBe(true);
    expect(underPrefix('/administrator', '/admin')).toBe(false);
    expect(underPrefix('/scripts/app.js', '/script')).toBe(false);
  });
});

describe('Surface.flow', () => {
  const s = new Surface([], { managementPorts: ports });
  it('a dedicated management port is management; a shared port (443) is ambiguous; an unrelated port is nothing', () => {
    expect(s.flow('10.0.0.1', 22)).toMatchObject({ role: 'management', service: 'ssh', provenance: 'catalogue' });
    expect(s.flow('10.0.0.1', 6443)).toMatchObject({ role: 'management', service: 'kube-apiserver' });
    expect(s.flow('10.0.0.1', 443)).toMatchObject({ role: 'ambiguous' });
    expect(s.flow('10.0.0.1', 80)).toMatchObject({ role: 'ambiguous' });
    expect(s.flow('10.0.0.1', 5432)).toBeUndefined();
  });
  it('configuration decides for the addresses it names, more specific first', () => {
    const config = ConfigSchema.parse({
      surface: {
        management: [{ address: '10.0.1.40', port: 443, service: 'kube-apiserver' }],
        public: [{ address: '10.0.2.0/24', port: 22, service: 'sftp-for-customers' }],
      },
    });
    const c = new Surface(configEndpoints(config), { managementPorts: ports });
    expect(c.flow('10.0.1.40', 443)).toMatchObject({ role: 'management', service: 'kube-apiserver', provenance: 'config', why: 'drawbridge.yaml surface.management[0]' });
    expect(c.flow('10.0.1.41', 443)).toMatchObject({ role: 'ambiguous' });
    expect(c.flow('10.0.2.9', 22)).toMatchObject({ role: 'public', provenance: 'config' });
  });
  it('what the logs taught about a whole port counts for flows to it', () => {
    const st = new MemoryStateStore();
    learnFromRequest(req('/containers/json', { service: 'docker', verb: 'list', resource: 'containers', dst: '10.0.1.50', dstPort: 443 }), { role: 'management', service: 'docker-api', subTechnique: 'unauthenticated-admin-interface', provenance: 'learned', why: '' }, st);
    expect(s.flow('10.0.1.50', 443, st)).toMatchObject({ role: 'management', service: 'docker-api', provenance: 'learned' });
    expect(s.flow('10.0.1.51', 443, st)).toMatchObject({ role: 'ambiguous' });
    expect(learnedEndpoints(st)).toEqual([expect.objectContaining({ address: '10.0.1.50', port: 443, service: 'docker-api', provenance: 'learned' })]);
  });
});

describe('Surface.request', () => {
  const config = ConfigSchema.parse({
    surface: { gateways: [{ address: '10.0.1.30', host: 'shop.example.com', ports: [443], adminRoutes: ['/backoffice'], adminPorts: [8001], service: 'kong-admin' }] },
  });
  const s = new Surface(configEndpoints(config), { managementPorts: ports });
  const shop = { dst: '10.0.1.30', dstPort: 443, host: 'Shop.Example.com:443' };
  it('public requests through a gateway are public, whatever their method', () => {
    expect(s.request(req('/contact', { ...shop, method: 'POST', verb: 'POST' }))).toMatchObject({ role: 'public' });
    expect(s.request(req('/v1/orders', { ...shop, method: 'POST', verb: 'POST' }))).toMatchObject({ role: 'public' });
  });
  it('the gateway’s admin routes and admin port are management; catalogue admin paths are management anywhere', () => {
    expect(s.request(req('/backoffice/users', shop))).toMatchObject({ role: 'management', service: 'kong-admin', provenance: 'config' });
    expect(s.request(req('/routes', { dst: '10.0.1.30', dstPort: 8001 }))).toMatchObject({ role: 'management', service: 'kong-admin' });
    expect(s.request(req('/script', shop))).toMatchObject({ role: 'management', service: 'jenkins', provenance: 'catalogue' });
    // Mounted one level down behind the gateway.
    expect(s.request(req('/jenkins/script', { ...shop, host: 'ci.example.com' }))).toMatchObject({ role: 'management', service: 'jenkins' });
    expect(s.request(req('/routes', shop))).toMatchObject({ role: 'public' });
  });
  it('Kubernetes and Docker API requests are management', () => {
    expect(s.request(req('pods', { service: 'kubernetes' }))).toMatchObject({ role: 'management', service: 'kube-apiserver' });
    expect(s.request(req('containers', { service: 'docker' }))).toMatchObject({ role: 'management', service: 'docker-api' });
  });
});

describe('admin API logs learned from their content', () => {
  it('a log with three Kong admin paths is the Kong Admin API log: all its requests are management, other logs are not', () => {
    const s = new Surface([], { managementPorts: ports });
    const st = new MemoryStateStore();
    const kong = (path: string, method = 'GET') => req(path, { method, verb: method, ref: { source: 'logs/kong-admin.access.log', offset: 0 } });
    const web = req('/', { ref: { source: 'logs/www.access.log', offset: 0 } });
    for (const p of ['/services', '/services/web/routes/main']) learnFromLog(kong(p), st);
    expect(s.request(kong('/'), st)).toMatchObject({ role: 'public' });
    learnFromLog(kong('/plugins'), st);
    expect(s.request(kong('/'), st)).toMatchObject({ role: 'management', service: 'kong-admin', provenance: 'learned' });
    expect(s.request(web, st)).toMatchObject({ role: 'public' });
    expect(learnedEndpoints(st)).toEqual([expect.objectContaining({ service: 'kong-admin', why: expect.stringContaining('logs/kong-admin.access.log is the kong-admin API') })]);
  });
});

describe('inventory from audit/probe JSON', () => {
  it('probe findings name host:port and their service; findings without an endpoint are counted as skipped', () => {
    const inv = parseInventory(
      JSON.stringify({
        findings: [
          { id: 'DRB-1', rule: 'probe.http.kong-admin.open', location: { host: '127.0.0.1', port: 8001 }, evidence: { product: 'kong-admin' } },
          { id: 'DRB-2', rule: 'probe.http.kong-admin.advisory', location: { host: '127.0.0.1', port: 8001 }, evidence: { product: 'kong-admin' } },
          { id: 'DRB-3', rule: 'probe.ssh.password-auth', location: { host: '127.0.0.2', port: 22 }, evidence: {} },
          { id: 'DRB-4', rule: 'kubernetes.service-exposed', location: { file: 'svc.yaml', line: 3 }, evidence: { port: 6443, externalIPs: ['127.0.0.3'], backends: [{ service: 'kube-apiserver' }] } },
          // Kubernetes Service findings state the port as text.
          { id: 'DRB-6', rule: 'k8s-service-exposes-admin', location: { file: 'svc.yaml', line: 27 }, evidence: { port: '3000', externalIPs: ['127.0.0.4'], backends: [{ service: 'grafana' }] } },
          { id: 'DRB-5', rule: 'sshd.password-auth', location: { file: 'sshd_config', line: 9 }, evidence: {} },
        ],
      }),
      'inv.json',
    );
    expect(inv.endpoints.map((e) => [e.address, e.port, e.service, e.provenance])).toEqual([
      ['127.0.0.1', 8001, 'kong-admin', 'inventory'],
      ['127.0.0.2', 22, 'ssh', 'inventory'],
      ['127.0.0.3', 6443, 'kube-apiserver', 'inventory'],
      ['127.0.0.4', 3000, 'grafana', 'inventory'],
    ]);
    expect(inv.skipped).toBe(1);
    expect(inv.endpoints[0]!.why).toBe('inv.json: probe finding DRB-1 (probe.http.kong-admin.open)');
  });
  it('a file that is not an audit/probe JSON output is a clear error naming it', () => {
    expect(() => parseInventory('{nope', 'x.json')).toThrow(InventoryError);
    expect(() => parseInventory('{nope', 'x.json')).toThrow(/^x\.json: not JSON/);
    expect(() => parseInventory('{"alerts":[]}', 'y.json')).toThrow('y.json: no "findings" array');
  });
});
