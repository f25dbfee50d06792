/**
 * Gateways' own configuration files: kong.conf, Envoy bootstrap (YAML/JSON), APISIX config.yaml,
 * Traefik static configuration (YAML or TOML). Pure: text in, rule hits out.
 */
import { z } from 'zod';
import { paramsOf, type CheckHit, type RuleRef } from '../checks.js';
import { describeScope, isOffLoopback, isWorldCidr, parseHostPort } from '../listen-address.js';
import { asArray, asObject, asText, getPath, isObject, type PositionedDocument } from '../yaml-positions.js';
import { parseKongListen, traefikBool } from './listeners.js';

export type GatewayKind = 'kong' | 'envoy' | 'apisix' | 'traefik';

/** kong.conf: `key = value  # comment`, one per line. */
export function kongConfHits(file: string, text: string): CheckHit[] {
  const hits: CheckHit[] = [];
  const lines = text.split(/\r?\n/);
  let admin: { value: string; line: number } | undefined;
  lines.forEach((raw, i) => {
    const m = /^\s*admin_listen\s*=\s*(.*?)\s*(?:#.*)?$/.exec(raw);
    if (m) admin = { value: m[1] ?? '', line: i + 1 };
  });
  if (!admin) return hits; // commented out: the loopback default applies
  const open = parseKongListen(admin.value).filter((l) => isOffLoopback(l.scope));
  if (open.length > 0) {
    hits.push({
      line: admin.line,
      resource: `Kong (${file})`,
      exposes: `the Kong Admin API on ${open.map((l) => l.raw).join(', ')}`,
      exposedTo: [...new Set(open.map((l) => describeScope(l)))].join(', '),
      vars: { setting: `admin_listen = ${admin.value}`, fix: 'admin_listen = 127.0.0.1:8001 reuseport backlog=16384, 127.0.0.1:8444 http2 ssl reuseport backlog=16384' },
      evidence: { admin_listen: admin.value },
    });
  }
  return hits;
}

export function envoyHits(file: string, doc: PositionedDocument): CheckHit[] {
  const sock = asObject(getPath(doc.value, ['admin', 'address', 'socket_address']));
  if (!sock) return [];
  const host = asText(sock.address) ?? '';
  const port = asText(sock.port_value) ?? '9901';
  const addr = parseHostPort(host.includes(':') ? `[${host}]` : host);
  if (!isOffLoopback(addr.scope)) return [];
  return [
    {
      line: doc.lineOf(['admin', 'address', 'socket_address', 'address']),
      resource: `Envoy (${file})`,
      exposes: `the Envoy admin interface on ${host || '0.0.0.0'}:${port}`,
      exposedTo: describeScope(addr),
      vars: { address: `${host}:${port}`, port },
      evidence: { address: host, port_value: port },
    },
  ];
}

const ApisixParams = z.object({ defaultKeys: z.array(z.string()) });

/** The Admin API settings of an APISIX config (3.x: deployment.admin, 2.x: apisix); none on data-plane nodes. */
function apisixAdmin(doc: PositionedDocument): { base: string[]; admin: Record<string, unknown> } | undefined {
  if (asText(getPath(doc.value, ['deployment', 'role'])) === 'data_plane') return undefined;
  const base = asObject(getPath(doc.value, ['deployment', 'admin'])) ? ['deployment', 'admin'] : ['apisix'];
  const admin = asObject(getPath(doc.value, base));
  return admin ? { base, admin } : undefined;
}

export function apisixDefaultAdminKey(file: string, doc: PositionedDocument, rule: RuleRef): CheckHit[] {
  const found = apisixAdmin(doc);
  if (!found) return [];
  const { base, admin } = found;
  const resource = `APISIX (${file})`;
  const hits: CheckHit[] = [];
  const { defaultKeys } = paramsOf(rule, ApisixParams);
  if (admin.admin_key_required === false) {
    hits.push({
      line: doc.lineOf([...base, 'admin_key_required']),
      resource,
      exposes: 'the APISIX Admin API without any key',
      exposedTo: 'every address allowed by allow_admin',
      vars: { problem: 'sets admin_key_required: false, so Admin API calls need no key at all' },
      evidence: { admin_key_required: false },
      key: 'not-required',
    });
  }
  asArray(admin.admin_key).forEach((k, i) => {
    const key = asText(asObject(k)?.key);
    if (!key || !defaultKeys.includes(key)) return;
    const role = asText(asObject(k)?.role) ?? 'admin';
    hits.push({
      line: doc.lineOf([...base, 'admin_key', i, 'key']),
      resource,
      exposes: `the APISIX Admin API (${role} role) behind a publicly documented key`,
      exposedTo: 'every address allowed by allow_admin',
      vars: { problem: `keeps the documented default ${role} key ${key.slice(0, 6)}…` },
      evidence: { keyName: asText(asObject(k)?.name) ?? null, role },
      key: `key-${i}`,
    });
  });
  return hits;
}

export function apisixAdminAllowAll(file: string, doc: PositionedDocument): CheckHit[] {
  const found = apisixAdmin(doc);
  if (!found || !Object.hasOwn(found.admin, 'allow_admin')) return [];
  const list = asArray(found.admin.allow_admin).map(asText).filter((s): s is string => !!s);
  // An empty list lifts the restriction: APISIX then accepts the Admin API from any address.
  if (list.length > 0 && !list.some(isWorldCidr)) return [];
  return [
    {
      line: doc.lineOf([...found.base, 'allow_admin']),
      resource: `APISIX (${file})`,
      exposes: 'the APISIX Admin API',
      exposedTo: 'every source address',
      vars: { current: list.length === 0 ? 'an empty list' : list.join(', ') },
      evidence: { allow_admin: list },
    },
  ];
}

export function traefikYamlHits(file: string, doc: PositionedDocument): CheckHit[] {
  const insecure = getPath(doc.value, ['api', 'insecure']);
  if (!traefikBool(insecure)) return [];
  return [traefikHit(file, doc.lineOf(['api', 'insecure']), 'api.insecure: true', 'api:\n        insecure: false')];
}

/** Traefik TOML: `[api]` table with `insecure = true`, or a dotted `api.insecure = true`. */
export function traefikTomlHits(file: string, text: string): CheckHit[] {
  let table = '';
  const hits: CheckHit[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      table = (header[1] ?? '').trim();
      return;
    }
    const kv = /^([A-Za-z0-9_.]+)\s*=\s*(.+)$/.exec(line);
    if (!kv) return;
    const key = table ? `${table}.${kv[1]}` : kv[1];
    if (key === 'api.insecure' && traefikBool(kv[2]?.replace(/"/g, ''))) {
      hits.push(traefikHit(file, i + 1, 'api.insecure = true', '[api]\n        insecure = false'));
    }
  });
  return hits;
}

function traefikHit(file: string, line: number, setting: string, fix: string): CheckHit {
  return {
    line,
    resource: `Traefik (${file})`,
    exposes: 'the Traefik API and dashboard on the `traefik` entry point (port 8080) without authentication',
    exposedTo: 'anyone who reaches port 8080 of the gateway',
    vars: { setting, fix },
    evidence: { setting },
  };
}

/** Which gateway a parsed YAML/JSON document configures, from its top-level keys. */
export function gatewayKindOf(value: unknown): GatewayKind | undefined {
  if (!isObject(value) || 'kind' in value) return undefined;
  if (isObject(value.admin) && ('static_resources' in value || 'dynamic_resources' in value || 'node' in value || 'layered_runtime' in value)) {
    return 'envoy';
  }
  if (isObject(value.apisix) || isObject(getPath(value, ['deployment', 'admin'])) || isObject(getPath(value, ['deployment', 'etcd']))) return 'apisix';
  if ('entryPoints' in value || 'providers' in value || (isObject(value.api) && ('insecure' in value.api || 'dashboard' in value.api))) return 'traefik';
  return undefined;
}
