/**
 * Azure network security groups (`az network nsg show` / `list` JSON, flattened or ARM-shaped with
 * `properties`). Rules are evaluated by priority, lowest number first: an inbound Deny with a
 * lower priority that covers the source takes its ports away from a later Allow.
 */
import type { Auditor, AuditContext, AuditResult } from '../types.js';
import { parsePortRange, type PortRange } from '../exposure.js';
import { arr, isObj, num, parseDocuments, str, type Doc, type Obj, type Path } from './documents.js';
import { normaliseProtocol, type NetRule } from './net-rules.js';
import { CLOUD_CHECKS } from './checks.js';
import { reportNetRules } from './report.js';
import { hasKey, recognition, type Recogniser } from '../recognise.js';
import { pushAll } from '../../util/arrays.js';

export const AZURE_NSG_RULE = 'azure-nsg-open-management-port';

export function azurePorts(single: unknown, list: unknown): PortRange[] {
  const raw = [...(single !== undefined && single !== null && single !== '' ? [single] : []), ...arr(list)];
  return raw.map(parsePortRange).filter((r): r is PortRange => r !== undefined);
}

function resourceGroupOf(id: string | undefined): string {
  const m = id ? /\/resourceGroups\/([^/]+)/i.exec(id) : null;
  return m?.[1] ?? '<resource group>';
}

interface NsgAt {
  nsg: Obj;
  path: Path;
}

function nsgsOf(value: unknown): NsgAt[] {
  const looksLikeNsg = (v: unknown): v is Obj => isObj(v) && (isObj(v.properties) ? v.properties.securityRules !== undefined || v.properties.defaultSecurityRules !== undefined : v.securityRules !== undefined || v.defaultSecurityRules !== undefined);
  if (Array.isArray(value)) {
    if (value.some(looksLikeNsg)) return value.flatMap((v, i) => (looksLikeNsg(v) ? [{ nsg: v, path: [i] }] : []));
    // `az network nsg rule list`: the rules themselves.
    return [{ nsg: { name: 'nsg', securityRules: value }, path: [] }];
  }
  if (isObj(value) && Array.isArray(value.value)) return nsgsOf(value.value).map((n) => ({ ...n, path: ['value', ...n.path] }));
  return looksLikeNsg(value) ? [{ nsg: value, path: [] }] : [];
}

export function azureNsgRules(doc: Doc): NetRule[] {
  const out: NetRule[] = [];
  for (const { nsg, path } of nsgsOf(doc.value)) {
    const name = str(nsg.name) ?? 'nsg';
    const resourceGroup = str(nsg.resourceGroup) ?? resourceGroupOf(str(nsg.id));
    const props = isObj(nsg.properties) ? nsg.properties : nsg;
    const propsPath: Path = isObj(nsg.properties) ? [...path, 'properties'] : path;
    for (const listKey of ['securityRules', 'defaultSecurityRules']) {
      arr(props[listKey]).forEach((rule, i) => {
        if (isObj(rule)) pushAll(out, ruleRules(rule, [...propsPath, listKey, i], doc, name, resourceGroup));
      });
    }
  }
  return out;
}

function ruleRules(rule: Obj, path: Path, doc: Doc, nsg: string, resourceGroup: string): NetRule[] {
  const p = isObj(rule.properties) ? rule.properties : rule;
  const pPath: Path = isObj(rule.properties) ? [...path, 'properties'] : path;
  if ((str(p.direction) ?? 'Inbound').toLowerCase() !== 'inbound') return [];
  const access = (str(p.access) ?? '').toLowerCase();
  if (access !== 'allow' && access !== 'deny') return [];
  const ruleName = str(rule.name) ?? str(p.name) ?? `rule[${String(path[path.length - 1])}]`;
  const protocol = normaliseProtocol(p.protocol);
  const ports = azurePorts(p.destinationPortRange, p.destinationPortRanges);
  const peers = arr(p.sourceApplicationSecurityGroups).map((g) => (isObj(g) ? (str(g.id) ?? 'asg') : 'asg'));
  const sources: { source: string; line: number }[] = [];
  const single = str(p.sourceAddressPrefix);
  if (single !== undefined && single !== '') sources.push({ source: single, line: doc.lineOf([...pPath, 'sourceAddressPrefix']) });
  arr(p.sourceAddressPrefixes).forEach((s, i) => {
    const t = str(s);
    if (t !== undefined) sources.push({ source: t, line: doc.lineOf([...pPath, 'sourceAddressPrefixes', i]) });
  });
  return sources.map((s) => ({
    catalogRule: AZURE_NSG_RULE,
    layer: 'nsg' as const,
    resource: `nsg ${nsg}`,
    ruleName,
    line: s.line,
    action: access as 'allow' | 'deny',
    order: num(p.priority) ?? 65000,
    protocol,
    ports,
    sources: [s.source],
    peers,
    group: nsg,
    vars: { nsg, rule_name: ruleName, resource_group: resourceGroup },
  }));
}

/** `az network nsg show/list` output: securityRules, or rules with address prefixes and port ranges. */
export const AZURE_NSG_RECOGNISER: Recogniser = {
  names: [/\.(json|ya?ml)$/i],
  signals: [
    { what: 'network security groups with securityRules', confidence: 0.9, test: (head) => hasKey(head, 'securityRules') || hasKey(head, 'defaultSecurityRules') },
    {
      what: 'security rules with sourceAddressPrefix and destinationPortRange',
      confidence: 0.8,
      test: (head) => /"?sourceAddressPrefix/.test(head) && /"?destinationPortRange/.test(head),
    },
  ],
};

export const azureNsgAuditor: Auditor = {
  id: 'azure-nsg',
  description: 'Azure network security groups (az network nsg show/list JSON): management ports open to the internet',
  recognise: (text, name) => recognition(AZURE_NSG_RECOGNISER, text, name),
  audit(file: string, text: string, ctx: AuditContext): AuditResult {
    const { docs, problems } = parseDocuments(file, text);
    const rules = docs.flatMap(azureNsgRules);
    const r = reportNetRules(CLOUD_CHECKS, file, rules, ctx);
    return { findings: r.findings, problems: [...problems, ...r.problems] };
  },
};
