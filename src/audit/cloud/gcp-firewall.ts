/**
 * GCP VPC firewall rules (`gcloud compute firewall-rules list --format=json`, or one rule, or the
 * API's { items: [...] }). Rules of one network are evaluated together: a deny with a lower or equal
 * priority number and the same targets takes its ports away from an allow.
 */
import type { Auditor, AuditContext, AuditResult } from '../types.js';
import { ALL_PORTS, parsePortRange, type PortRange } from '../exposure.js';
import { arr, isObj, num, parseDocuments, str, type Doc, type Obj, type Path } from './documents.js';
import { normaliseProtocol, type NetRule } from './net-rules.js';
import { CLOUD_CHECKS } from './checks.js';
import { reportNetRules } from './report.js';
import { hasKey, recognition, type Recogniser } from '../recognise.js';
import { pushAll } from '../../util/arrays.js';

export const GCP_FIREWALL_RULE = 'gcp-firewall-open-management-port';

/** GCP port lists: absent or empty means every port of the protocol. */
export function gcpPorts(ports: unknown): PortRange[] {
  const list = arr(ports);
  if (list.length === 0) return [ALL_PORTS];
  return list.map(parsePortRange).filter((r): r is PortRange => r !== undefined);
}

function rulesOf(value: unknown): { list: unknown[]; base: Path } {
  if (Array.isArray(value)) return { list: value, base: [] };
  if (isObj(value) && Array.isArray(value.items)) return { list: value.items, base: ['items'] };
  if (isObj(value) && (value.allowed !== undefined || value.denied !== undefined)) return { list: [value], base: [] };
  return { list: [], base: [] };
}

function lastSegment(s: string | undefined): string {
  return s ? (s.split('/').pop() ?? s) : 'default';
}

export function gcpFirewallRules(doc: Doc): NetRule[] {
  const out: NetRule[] = [];
  const { list, base } = rulesOf(doc.value);
  const single = !Array.isArray(doc.value) && base.length === 0;
  list.forEach((fw, i) => {
    if (!isObj(fw)) return;
    const path: Path = single ? [] : [...base, i];
    pushAll(out, firewallRules(fw, path, doc));
  });
  return out;
}

function firewallRules(fw: Obj, path: Path, doc: Doc): NetRule[] {
  if (fw.disabled === true) return [];
  const direction = (str(fw.direction) ?? 'INGRESS').toUpperCase();
  if (direction !== 'INGRESS') return [];
  const name = str(fw.name) ?? 'firewall';
  const network = lastSegment(str(fw.network));
  const priority = num(fw.priority) ?? 1000;
  const ranges = arr(fw.sourceRanges).map(str).filter((s): s is string => s !== undefined);
  const peers = [...arr(fw.sourceTags), ...arr(fw.sourceServiceAccounts)].map((s) => String(s));
  // With no source at all, GCP applies an ingress rule to 0.0.0.0/0.
  const defaulted = ranges.length === 0 && peers.length === 0;
  const sources = defaulted ? [{ cidr: '0.0.0.0/0', line: doc.lineOf([...path, 'name']) }] : ranges.map((cidr, i) => ({ cidr, line: doc.lineOf([...path, 'sourceRanges', i]) }));
  const targets = [...arr(fw.targetTags), ...arr(fw.targetServiceAccounts)].map(String).sort().join(',');
  const rules: NetRule[] = [];
  const each = (entries: unknown, action: 'allow' | 'deny', key: string) => {
    arr(entries).forEach((entry, ei) => {
      if (!isObj(entry)) return;
      const protocol = normaliseProtocol(entry.IPProtocol ?? entry.protocol);
      const ports = protocol === 'all' ? [ALL_PORTS] : gcpPorts(entry.ports);
      for (const s of sources) {
        rules.push({
          catalogRule: GCP_FIREWALL_RULE,
          layer: 'firewall',
          resource: `${name} (network ${network})`,
          ruleName: `${key}[${ei}]`,
          line: s.line,
          action,
          order: priority,
          protocol,
          ports,
          sources: [s.cidr],
          peers,
          group: network,
          targets,
          vars: { name, network },
        });
      }
    });
  };
  each(fw.allowed, 'allow', 'allowed');
  each(fw.denied, 'deny', 'denied');
  return rules;
}

/** `gcloud compute firewall-rules list` output: rules with sourceRanges (or the compute#firewall kind) and allowed/denied. */
export const GCP_FIREWALL_RECOGNISER: Recogniser = {
  names: [/\.(json|ya?ml)$/i],
  signals: [
    {
      what: 'firewall rules with sourceRanges and allowed/denied',
      confidence: 0.9,
      test: (head) => (hasKey(head, 'sourceRanges') || head.includes('compute#firewall')) && (hasKey(head, 'allowed') || hasKey(head, 'denied')),
    },
  ],
};

export const gcpFirewallAuditor: Auditor = {
  id: 'gcp-firewall-rules',
  description: 'GCP VPC firewall rules (gcloud compute firewall-rules list JSON): management ports open to the internet',
  recognise: (text, name) => recognition(GCP_FIREWALL_RECOGNISER, text, name),
  audit(file: string, text: string, ctx: AuditContext): AuditResult {
    const { docs, problems } = parseDocuments(file, text);
    const rules = docs.flatMap(gcpFirewallRules);
    const r = reportNetRules(CLOUD_CHECKS, file, rules, ctx);
    return { findings: r.findings, problems: [...problems, ...r.problems] };
  },
};
