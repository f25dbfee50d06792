/**
 * Terraform network resources → NetRules: AWS security groups and their rule resources, network
 * ACLs, GCP firewalls, Azure NSGs and NSG rules. Values that are not known before apply
 * (Unknown) are left out: a source we cannot read is not judged.
 */
import { ALL_PORTS, parsePortRange, type PortRange } from '../../exposure.js';
import { normaliseProtocol, type NetRule } from '../../cloud/net-rules.js';
import { awsPorts } from '../../cloud/aws-sg.js';
import { gcpPorts } from '../../cloud/gcp-firewall.js';
import { isUnknown } from '../expr.js';
import { asBool, asList, asNumber, asText, blocks, type TfResource } from '../resources.js';
import { pushAll } from '../../../util/arrays.js';

export const TF_SG_RULE = 'tf-aws-sg-open-management-port';
export const TF_NACL_RULE = 'tf-aws-nacl-open-management-port';
export const TF_GCP_RULE = 'tf-gcp-firewall-open-management-port';
export const TF_AZURE_RULE = 'tf-azure-nsg-open-management-port';

function texts(v: unknown): string[] {
  const l = asList(v);
  if (!l || isUnknown(l)) return [];
  return l.map(asText).filter((s): s is string => s !== undefined && s !== '');
}

/** Known scalar or undefined; Unknown means "skip this rule". */
function known(v: unknown): { ok: true; v: unknown } | { ok: false } {
  return isUnknown(v) ? { ok: false } : { ok: true, v };
}

// ---------------------------------------------------------------- AWS security groups

interface AwsEntry {
  protocol: unknown;
  from: unknown;
  to: unknown;
}

function awsRule(r: TfResource, e: AwsEntry, base: (string | number)[], ruleName: string | undefined, sources: { attr: string; values: unknown; single: boolean }[], peers: string[]): NetRule[] {
  const p = known(e.protocol);
  const f = known(e.from);
  const t = known(e.to);
  if (!p.ok || !f.ok || !t.ok) return [];
  const protocol = normaliseProtocol(p.v);
  const ports = awsPorts(protocol, f.v, t.v);
  const out: NetRule[] = [];
  for (const s of sources) {
    for (const cidr of texts(s.values)) {
      out.push({
        catalogRule: TF_SG_RULE,
        layer: 'security-group',
        resource: r.address,
        ...(ruleName ? { ruleName } : {}),
        line: r.lineOf([...base, s.attr]),
        action: 'allow',
        protocol,
        ports,
        sources: [cidr],
        peers,
        vars: { attribute: s.attr, fix: s.single ? `${s.attr} = "<your VPN range>"` : `${s.attr} = ["<your VPN range>"]` },
      });
    }
  }
  return out;
}

function awsSecurityGroup(r: TfResource): NetRule[] {
  return blocks(r.values.ingress).flatMap((b, i) =>
    awsRule(r, { protocol: b.protocol, from: b.from_port, to: b.to_port }, ['ingress', i], `ingress[${i}]`, [
      { attr: 'cidr_blocks', values: b.cidr_blocks, single: false },
      { attr: 'ipv6_cidr_blocks', values: b.ipv6_cidr_blocks, single: false },
    ], [...texts(b.security_groups), ...texts(b.prefix_list_ids)]),
  );
}

function awsSecurityGroupRule(r: TfResource): NetRule[] {
  const type = r.values.type;
  if (isUnknown(type) || String(type ?? '').toLowerCase() !== 'ingress') return [];
  return awsRule(r, { protocol: r.values.protocol, from: r.values.from_port, to: r.values.to_port }, [], undefined, [
    { attr: 'cidr_blocks', values: r.values.cidr_blocks, single: false },
    { attr: 'ipv6_cidr_blocks', values: r.values.ipv6_cidr_blocks, single: false },
  ], texts(r.values.source_security_group_id));
}

function awsVpcIngressRule(r: TfResource): NetRule[] {
  return awsRule(r, { protocol: r.values.ip_protocol, from: r.values.from_port, to: r.values.to_port }, [], undefined, [
    { attr: 'cidr_ipv4', values: r.values.cidr_ipv4, single: true },
    { attr: 'cidr_ipv6', values: r.values.cidr_ipv6, single: true },
  ], [...texts(r.values.referenced_security_group_id), ...texts(r.values.prefix_list_id)]);
}

// ---------------------------------------------------------------- network ACLs

/** The address of the resource an expression like aws_network_acl.main.id points to, when it does. */
function referencedAddress(v: unknown, type: string): string | undefined {
  const text = isUnknown(v) ? v.expr : asText(v);
  if (!text) return undefined;
  const m = new RegExp(`\\b${type}\\.([A-Za-z0-9_-]+)`).exec(text);
  return m ? `${type}.${m[1]}` : undefined;
}

function naclEntry(r: TfResource, group: string, b: Record<string, unknown>, base: (string | number)[], ruleName: string | undefined, keys: { number: string; action: string }): NetRule[] {
  const num = known(b[keys.number]);
  const act = known(b[keys.action]);
  const p = known(b.protocol);
  const f = known(b.from_port);
  const t = known(b.to_port);
  if (!num.ok || !act.ok || !p.ok || !f.ok || !t.ok) return [];
  const action = String(act.v ?? '').toLowerCase();
  if (action !== 'allow' && action !== 'deny') return [];
  const protocol = normaliseProtocol(p.v);
  const ports = awsPorts(protocol, f.v, t.v);
  const out: NetRule[] = [];
  for (const attr of ['cidr_block', 'ipv6_cidr_block']) {
    for (const cidr of texts(b[attr])) {
      out.push({
        catalogRule: TF_NACL_RULE,
        layer: 'nacl',
        resource: r.address,
        ...(ruleName ? { ruleName } : {}),
        line: r.lineOf([...base, attr]),
        action: action as 'allow' | 'deny',
        order: asNumber(num.v) ?? 32766,
        protocol,
        ports,
        sources: [cidr],
        peers: [],
        group,
        vars: { attribute: attr, rule_no: String(asNumber(num.v) ?? ''), deny_rule_no: String(Math.max(1, (asNumber(num.v) ?? 2) - 1)) },
      });
    }
  }
  return out;
}

function naclGroupOf(r: TfResource, all: readonly TfResource[]): string {
  const ref = referencedAddress(r.values.network_acl_id, 'aws_network_acl');
  if (ref) return ref;
  const id = asText(r.values.network_acl_id);
  const parent = id ? all.find((x) => x.type === 'aws_network_acl' && x.id === id) : undefined;
  return parent?.address.replace(/\[.*$/, '') ?? id ?? r.address;
}

function awsNetworkAcl(r: TfResource): NetRule[] {
  const group = r.address.replace(/\[.*$/, '');
  return blocks(r.values.ingress).flatMap((b, i) => naclEntry(r, group, b, ['ingress', i], `ingress[${i}]`, { number: 'rule_no', action: 'action' }));
}

function awsNetworkAclRule(r: TfResource, all: readonly TfResource[]): NetRule[] {
  const egress = asBool(r.values.egress);
  if (egress === true || isUnknown(egress)) return [];
  return naclEntry(r, naclGroupOf(r, all), r.values, [], undefined, { number: 'rule_number', action: 'rule_action' });
}

// ---------------------------------------------------------------- GCP

function googleFirewall(r: TfResource): NetRule[] {
  const v = r.values;
  const disabled = asBool(v.disabled);
  if (disabled === true || isUnknown(disabled)) return [];
  const direction = known(v.direction);
  if (!direction.ok || String(direction.v ?? 'INGRESS').toUpperCase() !== 'INGRESS') return [];
  const prio = known(v.priority);
  if (!prio.ok) return [];
  if (isUnknown(v.source_ranges)) return [];
  const ranges = texts(v.source_ranges);
  const peers = [...texts(v.source_tags), ...texts(v.source_service_accounts)];
  if (isUnknown(v.source_tags) || isUnknown(v.source_service_accounts)) return [];
  // No source at all: the provider sends none and GCP applies the rule to 0.0.0.0/0.
  const sources = ranges.length === 0 && peers.length === 0 ? [{ cidr: '0.0.0.0/0', line: r.lineOf([]) }] : ranges.map((cidr) => ({ cidr, line: r.lineOf(['source_ranges']) }));
  const network = isUnknown(v.network) ? v.network.expr : (asText(v.network) ?? 'default');
  const targets = [...texts(v.target_tags), ...texts(v.target_service_accounts)].sort().join(',');
  const out: NetRule[] = [];
  for (const [key, action] of [['allow', 'allow'], ['deny', 'deny']] as const) {
    blocks(v[key]).forEach((b, i) => {
      const p = known(b.protocol);
      if (!p.ok || isUnknown(b.ports)) return;
      const protocol = normaliseProtocol(p.v);
      const ports: PortRange[] = protocol === 'all' ? [ALL_PORTS] : gcpPorts(b.ports);
      for (const s of sources) {
        out.push({
          catalogRule: TF_GCP_RULE,
          layer: 'firewall',
          resource: r.address,
          ruleName: `${key}[${i}]`,
          line: s.line,
          action,
          order: asNumber(prio.v) ?? 1000,
          protocol,
          ports,
          sources: [s.cidr],
          peers,
          group: network,
          targets,
          vars: {},
        });
      }
    });
  }
  return out;
}

// ---------------------------------------------------------------- Azure

function azurePortsOf(single: unknown, list: unknown): PortRange[] | undefined {
  if (isUnknown(single) || isUnknown(list)) return undefined;
  const raw = [...(asText(single) ? [asText(single)] : []), ...texts(list)];
  return raw.map(parsePortRange).filter((x): x is PortRange => x !== undefined);
}

function azureRule(r: TfResource, b: Record<string, unknown>, base: (string | number)[], group: string): NetRule[] {
  const dir = known(b.direction);
  const acc = known(b.access);
  const prio = known(b.priority);
  const proto = known(b.protocol);
  if (!dir.ok || !acc.ok || !prio.ok || !proto.ok) return [];
  if (String(dir.v ?? '').toLowerCase() !== 'inbound') return [];
  const access = String(acc.v ?? '').toLowerCase();
  if (access !== 'allow' && access !== 'deny') return [];
  const ports = azurePortsOf(b.destination_port_range, b.destination_port_ranges);
  if (!ports) return [];
  const name = asText(b.name) ?? base.join('.');
  const out: NetRule[] = [];
  for (const attr of ['source_address_prefix', 'source_address_prefixes']) {
    for (const src of texts(b[attr])) {
      out.push({
        catalogRule: TF_AZURE_RULE,
        layer: 'nsg',
        resource: r.address,
        ruleName: name,
        line: r.lineOf([...base, attr]),
        action: access as 'allow' | 'deny',
        order: asNumber(prio.v) ?? 65000,
        protocol: normaliseProtocol(proto.v),
        ports,
        sources: [src],
        peers: texts(b.source_application_security_group_ids),
        group,
        vars: { attribute: attr, fix: attr === 'source_address_prefix' ? 'source_address_prefix = "<your VPN range>"' : 'source_address_prefixes = ["<your VPN range>"]' },
      });
    }
  }
  return out;
}

function azureNsg(r: TfResource): NetRule[] {
  const group = r.address.replace(/\[.*$/, '');
  return blocks(r.values.security_rule).flatMap((b, i) => azureRule(r, b, ['security_rule', i], group));
}

function azureNsgRule(r: TfResource, all: readonly TfResource[]): NetRule[] {
  const ref = referencedAddress(r.values.network_security_group_name, 'azurerm_network_security_group');
  const name = asText(r.values.network_security_group_name);
  const parent = name ? all.find((x) => x.type === 'azurerm_network_security_group' && asText(x.values.name) === name) : undefined;
  const group = ref ?? parent?.address.replace(/\[.*$/, '') ?? name ?? r.address;
  return azureRule(r, r.values, [], group);
}

// ---------------------------------------------------------------- all

/** Every inbound rule the resources declare, in resource order. */
export function terraformNetRules(resources: readonly TfResource[]): NetRule[] {
  const out: NetRule[] = [];
  for (const r of resources) {
    switch (r.type) {
      case 'aws_security_group':
        pushAll(out, awsSecurityGroup(r));
        break;
      case 'aws_security_group_rule':
        pushAll(out, awsSecurityGroupRule(r));
        break;
      case 'aws_vpc_security_group_ingress_rule':
        pushAll(out, awsVpcIngressRule(r));
        break;
      case 'aws_network_acl':
      case 'aws_default_network_acl':
        pushAll(out, awsNetworkAcl(r));
        break;
      case 'aws_network_acl_rule':
        pushAll(out, awsNetworkAclRule(r, resources));
        break;
      case 'google_compute_firewall':
        pushAll(out, googleFirewall(r));
        break;
      case 'azurerm_network_security_group':
        pushAll(out, azureNsg(r));
        break;
      case 'azurerm_network_security_rule':
        pushAll(out, azureNsgRule(r, resources));
        break;
    }
  }
  return out;
}
