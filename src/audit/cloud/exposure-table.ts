/**
 * catalog/audit/cloud/data/exposure.yaml: service severity and adjustments as data, and the step
 * that turns an evaluated Exposure into a RuleHit for the rule catalogue.
 */
import { z } from 'zod';
import { readCatalogue, type CatalogueKind } from '../../catalog/loader.js';
import { managementServices } from '../../catalog/services.js';
import { SEVERITIES, bump, severityRank, type Severity } from '../../model/severity.js';
import type { CheckHit } from '../checks.js';
import { formatPortRange, isAllPorts, parseCidr, type ServiceHit } from '../exposure.js';
import type { Exposure, Layer } from './net-rules.js';

const TableSchema = z
  .object({
    services: z.record(z.string(), z.enum(SEVERITIES)),
    default: z.enum(SEVERITIES),
    adjust: z
      .object({
        source: z.object({ world: z.number().int(), public: z.number().int() }).strict(),
        layer: z.record(z.enum(['security-group', 'firewall', 'nsg', 'nacl']), z.number().int()),
      })
      .strict(),
    webPorts: z.array(z.number().int().min(1).max(65535)),
    narrowPublicPrefix: z.object({ ipv4: z.number().int().min(0).max(32), ipv6: z.number().int().min(0).max(128) }).strict(),
  })
  .strict();
export type ExposureTable = z.infer<typeof TableSchema>;

export const EXPOSURE_TABLE_KIND: CatalogueKind<ExposureTable> = {
  id: 'exposure-table',
  description: 'Severity of an open management port per service and its adjustments (catalog/audit/cloud/data/exposure.yaml)',
  schema: TableSchema,
  check: (table) => {
    const known = new Set(managementServices().map((s) => s.id));
    return Object.keys(table.services).flatMap((id) => (known.has(id) ? [] : [{ path: ['services', id], message: `unknown service id ${id}` }]));
  },
};

export function exposureTable(): ExposureTable {
  return readCatalogue(EXPOSURE_TABLE_KIND, 'audit', 'cloud', 'data', 'exposure.yaml');
}

export function webPorts(): ReadonlySet<number> {
  return new Set(exposureTable().webPorts);
}

/**
 * Every external source of the exposure is a public address or narrow public range (none is the whole
 * internet or a wide range): the organisation has most likely forgotten to allow-list its own.
 */
export function onlyNarrowPublicSources(e: Exposure, table: ExposureTable = exposureTable()): boolean {
  return e.sources.every((s) => {
    if (s.class !== 'public') return false;
    const parsed = parseCidr(s.source);
    if (!parsed) return false;
    const [addr, bits] = parsed;
    return bits >= (addr.kind() === 'ipv4' ? table.narrowPublicPrefix.ipv4 : table.narrowPublicPrefix.ipv6);
  });
}

export function serviceSeverity(serviceId: string, table: ExposureTable = exposureTable()): Severity {
  return table.services[serviceId] ?? table.default;
}

/** The most severe service first; catalogue order breaks ties so output is stable. */
export function rankServices(hits: readonly ServiceHit[], table: ExposureTable = exposureTable()): ServiceHit[] {
  const order = managementServices().map((s) => s.id);
  return [...hits].sort(
    (a, b) =>
      severityRank(serviceSeverity(b.service.id, table)) - severityRank(serviceSeverity(a.service.id, table)) ||
      order.indexOf(a.service.id) - order.indexOf(b.service.id),
  );
}

export function describeServices(hits: readonly ServiceHit[], allPorts: boolean): string {
  const list = hits.map((h) => `${h.service.name} (${h.ports.join(', ')}/tcp)`);
  if (allPorts) return `all ports, including ${list.slice(0, 4).join(', ')}${list.length > 4 ? ` and ${list.length - 4} more` : ''}`;
  return list.join(', ');
}

/** Exposure → RuleHit. `vars` adds what the rule's remediation template needs. */
export function exposureToHit(e: Exposure, vars: Record<string, string> = {}, table: ExposureTable = exposureTable()): CheckHit {
  const ranked = rankServices(e.services, table);
  const primary = ranked[0];
  if (!primary) throw new Error('exposureToHit: an exposure always names at least one service');
  const world = e.sources.some((s) => s.class === 'world');
  const layer: Layer = e.rule.layer;
  const base = serviceSeverity(primary.service.id, table);
  const severity = bump(base, (world ? table.adjust.source.world : table.adjust.source.public) + (table.adjust.layer[layer] ?? 0));
  const allPorts = isAllPorts(e.ports);
  const portsText = e.ports.map(formatPortRange).join(', ');
  const sourcesText = e.sources.map((s) => s.source).join(', ');
  const resource = e.rule.ruleName ? `${e.rule.resource} ${e.rule.ruleName}` : e.rule.resource;
  return {
    line: e.rule.line,
    resource,
    exposes: describeServices(ranked, allPorts),
    exposedTo: world ? `${sourcesText} (anyone on the internet)` : `${sourcesText} (outside the organisation's ranges)`,
    vars: {
      ports: portsText,
      sources: sourcesText,
      service: primary.service.name,
      port: String(primary.ports[0] ?? ''),
      protocol: e.rule.protocol === 'all' ? 'all' : e.rule.protocol,
      rule: e.rule.ruleName ?? e.rule.resource,
      ...e.rule.vars,
      ...vars,
    },
    evidence: {
      layer,
      services: ranked.map((h) => ({ id: h.service.id, ports: h.ports })),
      ports: portsText,
      protocol: e.rule.protocol,
      sources: e.sources.map((s) => ({ source: s.source, class: s.class })),
    },
    severity,
    subTechnique: primary.service.subTechnique,
    ...(world ? {} : { confidence: 'possible' as const }),
    key: `${e.rule.ruleName ?? ''}|${portsText}|${sourcesText}`,
  };
}
