/**
 * The surface from audit and probe results: `drawbridge probe … --format json` and `drawbridge audit …
 * --format json` write `{"findings": [...]}`; every finding that names a reachable endpoint (a probed
 * host:port, or an audited exposure with its port and addresses) adds a management endpoint.
 */
import { readFileSync } from 'node:fs';
import { isIp } from '../intel/ranges.js';
import { managementServices } from '../catalog/services.js';
import { probeSignatures } from '../catalog/signatures.js';
import type { SurfaceEndpoint } from './model.js';

export class InventoryError extends Error {}

export interface Inventory {
  endpoints: SurfaceEndpoint[];
  /** Findings that name no endpoint (configuration advice, file-level findings). */
  skipped: number;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

let signatureServices: Map<string, string> | undefined;

/** Service of a probe finding: as stated (gRPC findings), its signature's catalogue service, else the protocol its rule names. */
function probeService(rule: string, evidence: Record<string, unknown>): string {
  if (typeof evidence.service === 'string' && evidence.service !== '') return evidence.service;
  const product = typeof evidence.product === 'string' ? evidence.product : undefined;
  if (product !== undefined) {
    signatureServices ??= new Map(probeSignatures().map((s) => [s.id, s.service ?? s.id]));
    return signatureServices.get(product) ?? product;
  }
  const proto = rule.split('.')[1];
  return proto !== undefined && managementServices().some((s) => s.id === proto) ? proto : 'management';
}

/** The gateway route of a probe finding's URL ("http://h:8080/grafana/" → "/grafana/"); undefined at the root. */
function routeOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const p = new URL(url).pathname;
    return p === '/' || p === '' ? undefined : p;
  } catch {
    return undefined;
  }
}

/** A port as audit evidence states it: a number, or its decimal text (Kubernetes Service findings). */
function portOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Endpoints named by one finding. */
function findingEndpoints(f: Record<string, unknown>, file: string, index: number): SurfaceEndpoint[] {
  const rule = text(f.rule) ?? '?';
  const id = text(f.id) ?? `#${index}`;
  const evidence = isObj(f.evidence) ? f.evidence : {};
  const loc = isObj(f.location) ? f.location : {};
  if (typeof loc.host === 'string' && typeof loc.port === 'number') {
    const address = loc.host;
    const service = probeService(rule, evidence);
    const path = routeOf(evidence.url);
    return [{ ...(isIp(address) ? { address } : { host: address }), port: loc.port, ...(path ? { path } : {}), role: 'management', service, provenance: 'inventory', why: `${file}: probe finding ${id} (${rule})` }];
  }
  const port = portOf(evidence.port);
  if (port === undefined) return [];
  const addresses = [text(evidence.address), text(evidence.host), ...(Array.isArray(evidence.externalIPs) ? evidence.externalIPs.map(text) : [])].filter((a): a is string => a !== undefined && isIp(a));
  if (addresses.length === 0) return [];
  const backend = Array.isArray(evidence.backends) && isObj(evidence.backends[0]) ? text(evidence.backends[0].service) : undefined;
  const service = text(evidence.service) ?? backend ?? 'management';
  return addresses.map((address) => ({ address, port, role: 'management' as const, service, provenance: 'inventory' as const, why: `${file}: audit finding ${id} (${rule})` }));
}

/** Parse one audit/probe JSON output; problems name the file (and the finding). */
export function parseInventory(textIn: string, file: string): Inventory {
  let doc: unknown;
  try {
    doc = JSON.parse(textIn);
  } catch (e) {
    throw new InventoryError(`${file}: not JSON (${(e as Error).message}); expected the output of "drawbridge probe|audit … --format json"`);
  }
  const findings = isObj(doc) ? doc.findings : undefined;
  if (!Array.isArray(findings)) throw new InventoryError(`${file}: no "findings" array; expected the output of "drawbridge probe|audit … --format json"`);
  return inventoryOf(findings, file);
}

/** The endpoints a list of audit/probe findings names; `file` starts each entry's why (a file, or the run saved). */
export function inventoryOf(findings: readonly unknown[], file: string): Inventory {
  const endpoints: SurfaceEndpoint[] = [];
  let skipped = 0;
  findings.forEach((f, i) => {
    const eps = isObj(f) ? findingEndpoints(f, file, i) : [];
    if (eps.length === 0) skipped++;
    for (const e of eps) {
      // One endpoint per address:port, however many findings name it.
      if (!endpoints.some((x) => x.address === e.address && x.host === e.host && x.port === e.port && x.path === e.path)) endpoints.push(e);
    }
  });
  return { endpoints, skipped };
}

export function readInventory(file: string): Inventory {
  let t: string;
  try {
    t = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InventoryError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseInventory(t, file);
}
