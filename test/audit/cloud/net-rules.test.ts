import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import { exposurePolicy } from '../../../src/audit/exposure.js';
import { findExposures, normaliseProtocol, type NetRule } from '../../../src/audit/cloud/net-rules.js';

const policy = exposurePolicy(ConfigSchema.parse({}));

function rule(over: Partial<NetRule>): NetRule {
  return { catalogRule: 'x', layer: 'nsg', resource: 'r', line: 1, action: 'allow', protocol: 'tcp', ports: [{ from: 22, to: 22 }], sources: ['0.0.0.0/0'], peers: [], group: 'g', order: 200, ...over };
}

describe('findExposures', () => {
  it('reports an allow open to the world on a management port', () => {
    const [e] = findExposures([rule({})], policy);
    expect(e?.services.map((s) => s.service.id)).toEqual(['ssh']);
    expect(e?.sources.map((s) => s.class)).toEqual(['world']);
  });

  it('lets a lower-numbered deny covering the source take the ports away', () => {
    const deny = rule({ action: 'deny', order: 100, sources: ['*'], ports: [{ from: 0, to: 1024 }] });
    expect(findExposures([rule({}), deny], policy)).toEqual([]);
  });

  it('ignores a deny with a higher number, in another group, or for a narrower source', () => {
    const later = rule({ action: 'deny', order: 300, sources: ['*'] });
    const otherGroup = rule({ action: 'deny', order: 100, group: 'other' });
    const narrower = rule({ action: 'deny', order: 100, sources: ['203.0.113.0/24'] });
    expect(findExposures([rule({}), later, otherGroup, narrower], policy)).toHaveLength(1);
  });

  it('keeps the ports a partial deny leaves open', () => {
    const allow = rule({ ports: [{ from: 0, to: 65535 }] });
    const deny = rule({ action: 'deny', order: 100, ports: [{ from: 0, to: 1024 }] });
    const [e] = findExposures([allow, deny], policy);
    // ssh keeps only its alternative port 2222; 22 is denied.
    expect(e?.services.find((s) => s.service.id === 'ssh')?.ports).toEqual([2222]);
    expect(e?.services.some((s) => s.service.id === 'docker-api')).toBe(true);
  });

  it('a TCP deny takes its ports out of a later all-protocol allow, evidence included', () => {
    const allowAll = rule({ protocol: 'all', ports: [{ from: 0, to: 65535 }] });
    const denySsh = rule({ action: 'deny', order: 100, ports: [{ from: 22, to: 22 }] });
    const [e] = findExposures([allowAll, denySsh], policy);
    expect(e?.services.find((s) => s.service.id === 'ssh')?.ports).toEqual([2222]);
    expect(e?.ports).toEqual([{ from: 0, to: 21 }, { from: 23, to: 65535 }]);
    // A UDP deny leaves the TCP management ports open.
    const [u] = findExposures([allowAll, rule({ action: 'deny', order: 100, protocol: 'udp', ports: [{ from: 22, to: 22 }] })], policy);
    expect(u?.services.find((s) => s.service.id === 'ssh')?.ports).toEqual([22, 2222]);
  });

  it('does not report udp, internal sources or web-only ports', () => {
    expect(findExposures([rule({ protocol: 'udp' })], policy)).toEqual([]);
    expect(findExposures([rule({ sources: ['10.0.0.0/8', 'VirtualNetwork'] })], policy)).toEqual([]);
    expect(findExposures([rule({ ports: [{ from: 443, to: 443 }] })], policy, { webPorts: new Set([443]) })).toEqual([]);
    expect(findExposures([rule({ ports: [{ from: 443, to: 443 }] })], policy)).toHaveLength(1);
  });

  it('normalises protocol spellings', () => {
    expect(['-1', 'all', '*', 'Tcp', '6', '17', 'icmp'].map(normaliseProtocol)).toEqual(['all', 'all', 'all', 'tcp', 'tcp', 'udp', 'icmp']);
  });
});
