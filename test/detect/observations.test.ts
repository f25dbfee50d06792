import { describe, expect, it } from 'vitest';
import { ObservationDigest, observationLine } from '../../src/detect/observations.js';
import { asnLookupFromRows } from '../../src/intel/asn.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);
const ASN = asnLookupFromRows([
  { start: '203.0.113.0', end: '203.0.113.255', asn: 64666, org: 'Scanner Hosting' },
  { start: '198.51.100.0', end: '198.51.100.255', asn: 64777, org: 'Research Net' },
]);

describe('observations digest', () => {
  it('folds noise per service and period: counts, distinct ranges and targets, top ranges and ASNs, first and last seen', () => {
    const d = new ObservationDigest(DAY);
    const add = (t: number, service: string, range: string, what: 'connection' | 'failed-login' | 'request', target = 'h:22') =>
      d.add({ time: t, service, target, src: range.replace('0/24', '9'), range, what });
    add(T0 + 3600_000, 'ssh', '203.0.113.0/24', 'connection');
    add(T0 + 7200_000, 'ssh', '203.0.113.0/24', 'failed-login', 'h2:22');
    add(T0 + 9000_000, 'ssh', '198.51.100.0/24', 'failed-login');
    add(T0 + DAY + 1000, 'ssh', '198.51.100.0/24', 'connection');
    add(T0 + 5000, 'docker-api', '203.0.113.0/24', 'request', 'h:2375');
    const list = d.list(ASN);
    expect(list.map((o) => [o.start.slice(0, 10), o.service, o.connections, o.failedLogins, o.requests, o.ranges, o.targets])).toEqual([
      ['2026-03-02', 'docker-api', 0, 0, 1, 1, 1],
      ['2026-03-02', 'ssh', 1, 2, 0, 2, 2],
      ['2026-03-03', 'ssh', 1, 0, 0, 1, 1],
    ]);
    const ssh = list[1]!;
    expect(ssh.topRanges).toEqual([
      { range: '203.0.113.0/24', count: 2 },
      { range: '198.51.100.0/24', count: 1 },
    ]);
    expect(ssh.topAsns).toEqual([
      { asn: 64666, org: 'Scanner Hosting', count: 2 },
      { asn: 64777, org: 'Research Net', count: 1 },
    ]);
    expect([ssh.firstSeen, ssh.lastSeen]).toEqual([new Date(T0 + 3600_000).toISOString(), new Date(T0 + 9000_000).toISOString()]);
    expect(observationLine(ssh)).toBe('2026-03-02 ssh: 3 events (1 connections, 2 failed logins) from 2 new ranges that did nothing else, 01:00–02:30 UTC; top ASNs AS64666 Scanner Hosting (2), AS64777 Research Net (1)');
  });
});
