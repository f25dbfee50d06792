/**
 * Gateways' own configuration files: kong.conf, Envoy bootstrap (YAML/JSON), APISIX config.yaml,
 * Traefik static configuration (YAML or TOML). Pure: text in, rule hits out.
 */
import { z } from 'zod';
import type { InputProblem } from '../types.js';
import { ruleParams, type RuleHit } from '../rule-catalog.js';
import { describeScope, isOffLoopback, isWorldCidr, parseHostPort } from '../listen-address.js';
import { asArray, asObject, asText, getPath, isObject, type PositionedDocument } from '../yaml-positions.js';
import { parseKongListen, traefikBool } from './listeners.js';

export type GatewayKind = 'kong' | 'envoy' | 'apisix' | 'traefik';

/** kong.conf: `key = value  # comment`, one per line. */
export function kongConfHits(file: string, text: string): RuleHit[] {
  const hits: RuleHit[] = [];
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
      rule: 'gw-kong-admin-listen',
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

export function envoyHits(file: string, doc: PositionedDocument): RuleHit[] {
  const sock = asObject(getPath(doc.value, ['admin', 'address', 'socket_address']));
  if (!sock) return [];
  const host = asText(sock.address) ?? '';
  const port = asText(sock.port_value) ?? '9901';
  const addr = parseHostPort(host.includes(':') ? `[${host}]` : host);
  if (!isOffLoopback(addr.scope)) return [];
  return [
    {
      rule: 'gw-envoy-admin-exposed',
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

export function apisixHits(file: string, doc: PositionedDocument): RuleHit[] {
  const v = doc.value;
  const role = asText(getPath(v, ['deployment', 'role']));
  if (role === 'data_plane') return []; // no Admin API on data-plane nodes
  // APISIX 3.x keeps admin settings under deployment.admin; 2.x under apisix.
  const base = asObject(getPath(v, ['deployment', 'admin'])) ? ['deployment', 'admin'] : ['apisix'];
  const admin = asObject(getPath(v, base));
  if (!admin) return [];
  const resource = `APISIX (${file})`;
  const hits: RuleHit[] = [];
  const { defaultKeys } = ruleParams('gateways', 'gw-apisix-default-admin-key', ApisixParams);
  if (admin.admin_key_required === false) {
    hits.push({
      rule: 'gw-apisix-default-admin-key',
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
      rule: 'gw-apisix-default-admin-key',
      line: doc.lineOf([...base, 'admin_key', i, 'key']),
      resource,
      exposes: `the APISIX Admin API (${role} role) behind a publicly documented key`,
      exposedTo: 'every address allowed by allow_admin',
      vars: { problem: `keeps the documented default ${role} key ${key.slice(0, 6)}…` },
      evidence: { keyName: asText(asObject(k)?.name) ?? null, role },
      key: `key-${i}`,
    });
  });
  if (Object.hasOwn(admin, 'allow_admin')) {
    const list = asArray(admin.allow_admin).map(asText).filter((s): s is string => !!s);
    // An empty list lifts the restriction: APISIX then accepts the Admin API from any address.
    if (list.length === 0 || list.some(isWorldCidr)) {
      hits.push({
        rule: 'gw-apisix-admin-allow-all',
        line: doc.lineOf([...base, 'allow_admin']),
        resource,
        exposes: 'the APISIX Admin API',
        exposedTo: 'every source address',
        vars: { current: list.length === 0 ? 'an empty list' : list.join(', ') },
        evidence: { allow_admin: list },
      });
    }
  }
  return hits;
}

export function traefikYamlHits(file: string, doc: PositionedDocument): RuleHit[] {
  const insecure = getPath(doc.value, ['api', 'insecure']);
  if (!traefikBool(insecure)) return [];
  return [traefikHit(file, doc.lineOf(['api', 'insecure']), 'api.insecure: true', 'api:\n        insecure: false')];
}

/** Traefik TOML: `[api]` table with `insecure = true`, or a dotted `api.insecure = true`. */
export function traefikTomlHits(file: string, text: string): RuleHit[] {
  let table = '';
  const hits: RuleHit[] = [];
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

function traefikHit(file: string, line: number, setting: string, fix: string): RuleHit {
  return {
    rule: 'gw-traefik-api-insecure',
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

export function documentHits(file: string, doc: PositionedDocument, problems: InputProblem[]): RuleHit[] {
  switch (gatewayKindOf(doc.value)) {
    case 'envoy':
      return envoyHits(file, doc);
    case 'apisix':
      return apisixHits(file, doc);
    case 'traefik':
      return traefikYamlHits(file, doc);
    default:
      problems.push({ file, line: doc.startLine, message: 'document is not a recognised gateway configuration (Envoy, APISIX, Traefik)' });
      return [];
  }
}
