/**
 * One normalised shape for an inbound network rule, whatever wrote it (security group JSON,
 * CloudFormation, GCP firewall, Azure NSG, Terraform, a plan), and the pure evaluation that turns
 * rule sets into exposures: which management services each allow rule opens, to which external
 * sources, after lower-numbered deny rules have taken their share.
 */
import { DenyIndex, type DenyCounters } from './deny-index.js';
import {
  classifySource,
  servicesInRanges,
  subtractPorts,
  type ExposurePolicy,
  type PortRange,
  type ServiceHit,
  type SourceVerdict,
} from '../exposure.js';

export type Layer = 'security-group' | 'firewall' | 'nsg' | 'nacl';

export interface NetRule {
  /** The catalogue rule (catalog/audit/<kind>/<id>.yaml) that reports this rule's exposures. */
  catalogRule: string;
  layer: Layer;
  /** The resource a reader finds the rule in: aws_security_group.web, sg-0abc (web), NSG name. */
  resource: string;
  /** The rule inside the resource when it has a name or position: AllowSSH, ingress[1]. */
  ruleName?: string;
  line: number;
  action: 'allow' | 'deny';
  /** Evaluation order inside `group`: lower first (NACL rule number, NSG/GCP priority). */
  order?: number;
  /** Normalised: tcp, udp, icmp, all, or the provider's own word/number for anything else. */
  protocol: string;
  ports: PortRange[];
  /** Address ranges and service tags. */
  sources: string[];
  /** Security groups, network tags, service accounts: never external on their own. */
  peers: string[];
  /** Rules whose order matters together (one NACL, one NSG, one VPC network). */
  group?: string;
  /** For GCP: which instances the rule applies to; a deny shadows only rules with the same targets. */
  targets?: string;
  /** Values for the remediation template (resource attribute names, ids). */
  vars?: Record<string, string>;
}

export interface Exposure {
  rule: NetRule;
  /** External sources that still reach at least one management port. */
  sources: SourceVerdict[];
  services: ServiceHit[];
  /** Ports still open after shadowing, for the report. */
  ports: PortRange[];
}

/** Protocols whose port numbers are TCP ports a management service listens on. */
export function carriesManagementPorts(protocol: string): boolean {
  return protocol === 'tcp' || protocol === 'all';
}

/** AWS/GCP/Azure protocol spellings → tcp | udp | icmp | all | other. */
export function normaliseProtocol(p: unknown): string {
  const t = String(p ?? '').trim().toLowerCase();
  if (t === '-1' || t === 'all' || t === '*' || t === 'any' || t === '') return 'all';
  if (t === '6' || t === 'tcp') return 'tcp';
  if (t === '17' || t === 'udp') return 'udp';
  if (t === '1' || t === 'icmp' || t === '58' || t === 'icmpv6') return 'icmp';
  return t;
}

/** Whether a deny applies to an allow at all (protocol and targets); its sources are matched by the DenyIndex. */
function denyApplies(deny: NetRule, allow: NetRule): boolean {
  if (deny === allow) return false;
  // A TCP deny takes its ports out of an all-protocol allow too: management ports are TCP ports.
  if (deny.protocol !== 'all' && deny.protocol !== allow.protocol && !(deny.protocol === 'tcp' && allow.protocol === 'all')) return false;
  if ((deny.targets ?? '') !== '' && deny.targets !== allow.targets) return false;
  return isEarlier(deny, allow);
}

function isEarlier(deny: NetRule, allow: NetRule): boolean {
  if (deny.order === undefined || allow.order === undefined) return false;
  // Equal priority: deny wins (GCP documents this; NACL and NSG numbers are unique anyway).
  return deny.order <= allow.order;
}

/** Evaluate a set of rules (any mix of groups); only allow rules produce exposures. */
export interface EvaluateOptions {
  /**
   * Ports that are also an ordinary public website (443): an allow reaching only these is not
   * reported as a management exposure. Managed-cluster endpoint rules cover the Kubernetes API.
   */
  webPorts?: ReadonlySet<number>;
  /** Counts the work done, for tests that pin its growth. */
  counters?: DenyCounters;
}

export function findExposures(rules: readonly NetRule[], policy: ExposurePolicy, options: EvaluateOptions = {}): Exposure[] {
  const webPorts = options.webPorts ?? new Set<number>();
  const out: Exposure[] = [];
  // Deny rules by group, indexed by range once: matching every deny range against every allowed source
  // is quadratic, and a firewall export with many ranges on both sides took minutes.
  const deniesByGroup = new Map<unknown, NetRule[]>();
  for (const d of rules) {
    if (d.action !== 'deny') continue;
    const list = deniesByGroup.get(d.group);
    if (list) list.push(d);
    else deniesByGroup.set(d.group, [d]);
  }
  const indexes = new Map<unknown, DenyIndex>();
  for (const [group, denies] of deniesByGroup) indexes.set(group, new DenyIndex(denies));
  for (const rule of rules) {
    if (rule.action !== 'allow' || !carriesManagementPorts(rule.protocol)) continue;
    // Ports are set by each reader: AWS "-1" means every port, Azure "*" keeps its port ranges.
    const ports = rule.ports;
    const denies = indexes.get(rule.group);
    const sources: SourceVerdict[] = [];
    const services = new Map<string, ServiceHit>();
    let open: PortRange[] = [];
    for (const src of rule.sources) {
      const verdict = classifySource(src, policy);
      if (!verdict.external) continue;
      let remaining = ports;
      for (const d of denies?.covering(verdict, options.counters) ?? []) {
        if (denyApplies(d, rule)) remaining = subtractPorts(remaining, d.ports);
      }
      const hits = servicesInRanges(remaining, policy);
      if (hits.length === 0 || hits.every((h) => h.ports.every((p) => webPorts.has(p)))) continue;
      sources.push(verdict);
      if (open.length === 0) open = remaining;
      for (const h of hits) {
        const prev = services.get(h.service.id);
        if (!prev) services.set(h.service.id, { service: h.service, ports: [...h.ports] });
        else prev.ports = [...new Set([...prev.ports, ...h.ports])].sort((a, b) => a - b);
      }
    }
    if (sources.length > 0) out.push({ rule, sources, services: [...services.values()], ports: open });
  }
  return out;
}

/** Sources of a rule that are neither ranges nor known tags, for the problem list. */
export function invalidSources(rule: NetRule, policy: ExposurePolicy): string[] {
  return rule.sources.filter((s) => classifySource(s, policy).class === 'invalid');
}
