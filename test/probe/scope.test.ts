import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildScope, parsePortList, parseTarget, ScopeError } from '../../src/probe/scope.js';
import { catalogPorts } from '../../src/probe/scheduler.js';
import { ConfigSchema } from '../../src/config/schema.js';

describe('parseTarget', () => {
  it.each([
    ['127.0.0.1', { kind: 'host', host: '127.0.0.1' }],
    ['127.0.0.1:2222', { kind: 'host', host: '127.0.0.1', port: 2222 }],
    ['::1', { kind: 'host', host: '::1' }],
    ['[::1]', { kind: 'host', host: '::1' }],
    ['[::1]:22', { kind: 'host', host: '::1', port: 22 }],
    ['Bastion.Example.org', { kind: 'host', host: 'bastion.example.org' }],
    ['bastion.example.org:2200', { kind: 'host', host: 'bastion.example.org', port: 2200 }],
  ])('%s', (input, want) => {
    expect(parseTarget(input)).toEqual(want);
  });

  it('reads CIDR ranges and normalises the network', () => {
    expect(parseTarget('127.0.0.5/30')).toEqual({ kind: 'cidr', family: 'ipv4', network: '127.0.0.4', prefix: 30, size: 4n });
    expect(parseTarget('::1/128')).toMatchObject({ kind: 'cidr', family: 'ipv6', size: 1n });
    expect(parseTarget('2001:db8::/32')).toMatchObject({ size: 1n << 96n });
  });

  it.each(['', '127.0.0.1:0', '127.0.0.1:70000', '300.1.1.1', '[zz]:22', '127.0.0.0/33', 'a b', '127.0.0.1:ssh', '::1:22:x'])('rejects "%s" with a ScopeError naming it', (input) => {
    expect(() => parseTarget(input)).toThrow(ScopeError);
  });
});

describe('parsePortList', () => {
  it('expands lists and ranges, sorted and unique', () => {
    expect(parsePortList('22,2200-2203, 22')).toEqual([22, 2200, 2201, 2202, 2203]);
  });
  it.each(['', '22,', '0', '65536', '30-20', 'ssh', '1-2-3'])('rejects "%s"', (s) => {
    expect(() => parsePortList(s)).toThrow(ScopeError);
  });
  it('never throws anything but ScopeError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const ports = parsePortList(s);
          expect(ports.every((p) => p >= 1 && p <= 65535)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(ScopeError);
        }
      }),
    );
  });
});

describe('buildScope', () => {
  it('expands ranges over the port list, honours explicit ports and exclusions', () => {
    const s = buildScope(['127.0.0.0/30', '127.0.0.9:2222', '::1'], { ports: [22, 443], exclude: ['127.0.0.1', '127.0.0.2/32'], maxAddresses: 10 });
    expect(s.endpoints).toEqual([
      { host: '127.0.0.0', port: 22 },
      { host: '127.0.0.0', port: 443 },
      { host: '127.0.0.3', port: 22 },
      { host: '127.0.0.3', port: 443 },
      { host: '127.0.0.9', port: 2222 },
      { host: '::1', port: 22 },
      { host: '::1', port: 443 },
    ]);
    expect(s.addresses).toBe(4);
    expect(s.problems).toEqual([]);
  });

  it('keeps unreadable targets as problems and goes on', () => {
    const s = buildScope(['127.0.0.1', 'not a host!'], { ports: [22], maxAddresses: 10 });
    expect(s.endpoints).toEqual([{ host: '127.0.0.1', port: 22 }]);
    expect(s.problems).toEqual([{ target: 'not a host!', message: expect.stringContaining('"not a host!"') }]);
  });

  it('refuses a scope above the ceiling, naming the count', () => {
    expect(() => buildScope(['127.0.0.0/24'], { ports: [22], maxAddresses: 100 })).toThrow(/scope has 256 addresses, above the limit of 100/);
    expect(() => buildScope(['2001:db8::/64'], { ports: [22], maxAddresses: 100 })).toThrow(/has 18446744073709551616 addresses/);
    // exclusions count: 256 - 200 = 56 fits under 100
    const s = buildScope(['127.0.0.0/24'], { ports: [22], maxAddresses: 100, exclude: ['127.0.0.0/25', '127.0.0.128/26', '127.0.0.192/29'] });
    expect(s.addresses).toBe(56);
  });

  it('refuses an exclusion it cannot read rather than ignoring it', () => {
    expect(() => buildScope(['127.0.0.1'], { ports: [22], maxAddresses: 10, exclude: ['127.0.0.0/99'] })).toThrow(/exclude "127.0.0.0\/99"/);
  });

  it('uses the catalogue ports by default, plus managementPorts', () => {
    const cfg = ConfigSchema.parse({ managementPorts: { ssh: [2200] } });
    const ports = catalogPorts(cfg);
    expect(ports).toEqual(expect.arrayContaining([22, 2222, 2200, 6443, 10250, 2375]));
    expect([...ports].sort((a, b) => a - b)).toEqual(ports);
  });
});
