import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import {
  ALL_PORTS,
  classifySource,
  exposurePolicy,
  parsePortRange,
  rangeCovers,
  servicesInRanges,
  subtractPorts,
} from '../../../src/audit/exposure.js';

const policy = exposurePolicy(ConfigSchema.parse({ organisation: { allowedRanges: ['198.51.100.0/24'] }, managementPorts: { ssh: [2200] } }));

describe('classifySource', () => {
  it.each([
    ['0.0.0.0/0', 'world'],
    ['::/0', 'world'],
    ['*', 'world'],
    ['Internet', 'world'],
    ['any', 'world'],
    ['10.1.2.0/24', 'internal'],
    ['100.64.0.0/10', 'internal'],
    ['fd12:3456::/48', 'internal'],
    ['198.51.100.7/32', 'allow-listed'],
    ['198.51.100.7', 'allow-listed'],
    ['198.51.0.0/16', 'public'],
    ['172.0.0.0/8', 'public'],
    ['203.0.113.5', 'public'],
    ['2001:db8::/32', 'public'],
    ['VirtualNetwork', 'internal'],
    ['AzureLoadBalancer', 'internal'],
    ['AzureCloud.WestEurope', 'public'],
    ['Storage', 'platform'],
    ['not a range!', 'invalid'],
    ['10.0.0.0/33', 'invalid'],
  ])('%s is %s', (src, cls) => {
    expect(classifySource(src, policy).class).toBe(cls);
  });

  it('marks only world and public sources external', () => {
    expect(classifySource('0.0.0.0/0', policy).external).toBe(true);
    expect(classifySource('203.0.113.0/24', policy).external).toBe(true);
    expect(classifySource('10.0.0.0/8', policy).external).toBe(false);
    expect(classifySource('198.51.100.0/25', policy).external).toBe(false);
  });
});

describe('ports', () => {
  it('parses provider port spellings', () => {
    expect(parsePortRange('22')).toEqual({ from: 22, to: 22 });
    expect(parsePortRange('22-22')).toEqual({ from: 22, to: 22 });
    expect(parsePortRange('1000 - 2000')).toEqual({ from: 1000, to: 2000 });
    expect(parsePortRange('*')).toEqual(ALL_PORTS);
    expect(parsePortRange(3389)).toEqual({ from: 3389, to: 3389 });
    expect(parsePortRange('70000')).toBeUndefined();
    expect(parsePortRange('30-20')).toBeUndefined();
    expect(parsePortRange('ssh')).toBeUndefined();
  });

  it('subtracts a shadowing range from the middle, start and end', () => {
    expect(subtractPorts([{ from: 0, to: 100 }], [{ from: 20, to: 30 }])).toEqual([
      { from: 0, to: 19 },
      { from: 31, to: 100 },
    ]);
    expect(subtractPorts([{ from: 22, to: 22 }], [{ from: 0, to: 1024 }])).toEqual([]);
    expect(subtractPorts([{ from: 20, to: 30 }], [{ from: 25, to: 40 }])).toEqual([{ from: 20, to: 24 }]);
  });

  it('finds catalogue services and configured extra ports inside ranges', () => {
    expect(servicesInRanges([{ from: 2375, to: 2380 }], policy).map((h) => h.service.id)).toEqual(['etcd', 'docker-api']);
    expect(servicesInRanges([{ from: 2200, to: 2200 }], policy).map((h) => h.service.id)).toEqual(['ssh']);
    expect(servicesInRanges([{ from: 80, to: 80 }], policy)).toEqual([]);
  });

  it('knows when one range contains another', () => {
    expect(rangeCovers('0.0.0.0/0', '203.0.113.0/24')).toBe(true);
    expect(rangeCovers('203.0.113.0/24', '203.0.113.128/25')).toBe(true);
    expect(rangeCovers('203.0.113.128/25', '203.0.113.0/24')).toBe(false);
    expect(rangeCovers('0.0.0.0/0', '::/0')).toBe(false);
  });
});
