/**
 * `aws ec2 describe-security-groups` output: { SecurityGroups: [ { GroupId, GroupName,
 * IpPermissions: [ { IpProtocol, FromPort, ToPort, IpRanges, Ipv6Ranges, UserIdGroupPairs,
 * PrefixListIds } ] } ] }. Security groups only allow, so every rule stands on its own.
 */
import type { Auditor, AuditContext, AuditResult } from '../types.js';
import { ALL_PORTS, type PortRange } from '../exposure.js';
import { arr, isObj, num, parseDocuments, str, type Doc, type Obj, type Path } from './documents.js';
import { normaliseProtocol, type NetRule } from './net-rules.js';
import { CLOUD_CHECKS } from './checks.js';
import { reportNetRules } from './report.js';
import { hasKey, recognition, type Recogniser } from '../recognise.js';
import { pushAll } from '../../util/arrays.js';

export const AWS_SG_RULE = 'aws-sg-open-management-port';

/** FromPort/ToPort of an AWS permission; -1 or missing with protocol "all" means every port. */
export function awsPorts(protocol: string, from: unknown, to: unknown): PortRange[] {
  if (protocol === 'all') return [ALL_PORTS];
  const f = num(from);
  const t = num(to);
  if (f === undefined && t === undefined) return [ALL_PORTS];
  if (f === -1 || t === -1) return [ALL_PORTS];
  const lo = f ?? t ?? 0;
  const hi = t ?? f ?? 65535;
  return lo <= hi ? [{ from: lo, to: hi }] : [];
}

function groupsOf(value: unknown): { groups: unknown[]; base: Path } {
  if (isObj(value) && Array.isArray(value.SecurityGroups)) return { groups: value.SecurityGroups, base: ['SecurityGroups'] };
  if (Array.isArray(value)) return { groups: value, base: [] };
  if (isObj(value) && Array.isArray(value.IpPermissions)) return { groups: [value], base: [] };
  return { groups: [], base: [] };
}

export function awsSecurityGroupRules(doc: Doc): NetRule[] {
  const rules: NetRule[] = [];
  const { groups, base } = groupsOf(doc.value);
  groups.forEach((g, gi) => {
    if (!isObj(g)) return;
    const gPath: Path = base.length > 0 || Array.isArray(doc.value) ? [...base, gi] : [];
    const id = str(g.GroupId) ?? `group[${gi}]`;
    const name = str(g.GroupName);
    const resource = name ? `${id} (${name})` : id;
    arr(g.IpPermissions).forEach((perm, pi) => {
      if (!isObj(perm)) return;
      pushAll(rules, permissionRules(perm, [...gPath, 'IpPermissions', pi], doc, resource, id, `IpPermissions[${pi}]`));
    });
  });
  return rules;
}

function permissionRules(perm: Obj, path: Path, doc: Doc, resource: string, groupId: string, ruleName: string): NetRule[] {
  const protocol = normaliseProtocol(perm.IpProtocol);
  const ports = awsPorts(protocol, perm.FromPort, perm.ToPort);
  const peers = [
    ...arr(perm.UserIdGroupPairs).map((p) => (isObj(p) ? (str(p.GroupId) ?? str(p.GroupName) ?? 'group') : 'group')),
    ...arr(perm.PrefixListIds).map((p) => (isObj(p) ? (str(p.PrefixListId) ?? 'prefix-list') : 'prefix-list')),
  ];
  const out: NetRule[] = [];
  const ip = String(perm.IpProtocol ?? '-1');
  const from = String(num(perm.FromPort) ?? -1);
  const to = String(num(perm.ToPort) ?? -1);
  const add = (cidr: string | undefined, itemPath: Path, field: 'CidrIp' | 'CidrIpv6', list: 'IpRanges' | 'Ipv6Ranges') => {
    if (cidr === undefined) return;
    out.push({
      catalogRule: AWS_SG_RULE,
      layer: 'security-group',
      resource,
      ruleName,
      line: doc.lineOf([...itemPath, field]),
      action: 'allow',
      protocol,
      ports,
      sources: [cidr],
      peers,
      vars: {
        group_id: groupId,
        ip_protocol: ip,
        from,
        to,
        current: `${list}=[{${field}=${cidr}}]`,
        replacement: `${list}=[{${field}=<your VPN range>}]`,
      },
    });
  };
  arr(perm.IpRanges).forEach((r, i) => add(isObj(r) ? str(r.CidrIp) : undefined, [...path, 'IpRanges', i], 'CidrIp', 'IpRanges'));
  arr(perm.Ipv6Ranges).forEach((r, i) => add(isObj(r) ? str(r.CidrIpv6) : undefined, [...path, 'Ipv6Ranges', i], 'CidrIpv6', 'Ipv6Ranges'));
  return out;
}

/** `aws ec2 describe-security-groups` output (JSON or YAML): groups with IpPermissions, not a template. */
export const AWS_SG_RECOGNISER: Recogniser = {
  names: [/\.(json|ya?ml)$/i],
  signals: [
    {
      what: 'security groups with IpPermissions',
      confidence: 0.9,
      test: (head) => hasKey(head, 'IpPermissions') && !hasKey(head, 'AWSTemplateFormatVersion') && !hasKey(head, 'Resources'),
    },
  ],
};

export const awsSecurityGroupAuditor: Auditor = {
  id: 'aws-security-groups',
  description: 'AWS security groups (aws ec2 describe-security-groups JSON): management ports open to the internet',
  recognise: (text, name) => recognition(AWS_SG_RECOGNISER, text, name),
  audit(file: string, text: string, ctx: AuditContext): AuditResult {
    const { docs, problems } = parseDocuments(file, text);
    const rules = docs.flatMap(awsSecurityGroupRules);
    const r = reportNetRules(CLOUD_CHECKS, file, rules, ctx);
    return { findings: r.findings, problems: [...problems, ...r.problems] };
  },
};
