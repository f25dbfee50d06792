import { describe, expect, it } from 'vitest';
import { detectEnv } from '../../src/detect/pipeline/env.js';
import { MemoryStateStore } from '../../src/detect/state/memory.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { asnLookupFromRows } from '../../src/intel/asn.js';
import { isHostingAsn } from '../../src/organisation/hosting.js';
import { learnLogin, networkStanding } from '../../src/organisation/networks.js';
import { organisationReport } from '../../src/organisation/report.js';
import { approveKeys, resolveDetector } from '../../src/detect/baseline.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const ASN = asnLookupFromRows([
  { start: '198.51.100.0', end: '198.51.100.255', asn: 64501, org: 'Metro Broadband' },
  { start: '192.0.2.0', end: '192.0.2.255', asn: 64502, org: 'Office Fibre' },
  { start: '203.0.113.0', end: '203.0.113.255', asn: 14061, org: 'DIGITALOCEAN-ASN' },
  { start: '100.20.0.0', end: '100.20.255.255', asn: 64503, org: 'Roaming Mobile' },
]);

function env(organisation: Record<string, unknown> = {}) {
  return detectEnv(ConfigSchema.parse({ organisation }), ASN);
}

describe('the organisation, learned from logins', () => {
  it('a network becomes the organisation’s once enough identities (or days) log in from it', () => {
    const e = env({ minIdentities: 2, minDays: 3 });
    const s = new MemoryStateStore();
    learnLogin(s, e, 'alice', '192.0.2.10', T0);
    expect(networkStanding('192.0.2.77', 'carol', T0 + 1000, s, e).standing).toBe('unrelated');
    learnLogin(s, e, 'bob', '192.0.2.11', T0 + 1000);
    expect(networkStanding('192.0.2.77', 'carol', T0 + 2000, s, e)).toMatchObject({ standing: 'organisation', why: expect.stringContaining('2 identities') });
    // One identity on three days vouches for its network too.
    for (let d = 0; d < 3; d++) learnLogin(s, e, 'dave', '100.20.1.5', T0 + d * DAY);
    expect(networkStanding('100.20.1.99', 'erin', T0 + 3 * DAY, s, e).standing).toBe('organisation');
  });

  it('an identity’s usual network is trusted for it alone; hosting ASNs never used are worse than unrelated ones', () => {
    const e = env({ minIdentities: 5, minDays: 30 });
    const s = new MemoryStateStore();
    learnLogin(s, e, 'alice', '198.51.100.10', T0);
    // Same ASN, another /24: still alice's usual network (her ISP).
    expect(networkStanding('198.51.100.200', 'alice', T0 + DAY, s, e).standing).toBe('identity');
    expect(networkStanding('198.51.100.200', 'bob', T0 + DAY, s, e).standing).toBe('unrelated');
    expect(networkStanding('203.0.113.5', 'alice', T0 + DAY, s, e)).toMatchObject({ standing: 'hosting', asn: { asn: 14061 } });
    // Once someone in the organisation used that provider, it is merely unrelated for others.
    learnLogin(s, e, 'ci', '203.0.113.40', T0 + DAY);
    expect(networkStanding('203.0.113.5', 'alice', T0 + 2 * DAY, s, e).standing).toBe('unrelated');
  });

  it('configuration adds and overrides: allowed ranges, org ASNs, internal ranges, approvals; learning can be switched off', () => {
    const e = env({ allowedRanges: ['203.0.113.0/28'], asns: [64501], learn: false });
    const s = new MemoryStateStore();
    expect(networkStanding('203.0.113.3', undefined, T0, s, e).standing).toBe('organisation');
    expect(networkStanding('198.51.100.9', undefined, T0, s, e).standing).toBe('organisation');
    expect(networkStanding('10.1.2.3', undefined, T0, s, e).standing).toBe('internal');
    learnLogin(s, e, 'alice', '100.20.1.5', T0);
    learnLogin(s, e, 'bob', '100.20.1.6', T0);
    expect(networkStanding('100.20.1.7', 'carol', T0, s, e).standing).toBe('unrelated');
    approveKeys(s, resolveDetector('organisation'), ['AS64503'], e.config, T0);
    expect(networkStanding('100.20.1.7', 'carol', T0, s, e).standing).toBe('organisation');
  });

  it('night: outside the hours an identity with a history logs in', () => {
    const e = env();
    const s = new MemoryStateStore();
    for (let d = 0; d < 12; d++) learnLogin(s, e, 'alice', `198.51.${d}.10`, T0 + d * DAY); // 09:00 UTC every day
    expect(networkStanding('203.0.113.5', 'alice', T0 + 20 * DAY + 3600_000, s, e).night).toBe(false); // 10:00
    expect(networkStanding('203.0.113.5', 'alice', T0 + 20 * DAY - 6 * 3600_000, s, e)).toMatchObject({ standing: 'hosting', night: true }); // 03:00
    // Someone with no history has no night.
    expect(networkStanding('203.0.113.5', 'newbie', T0 + 20 * DAY - 6 * 3600_000, s, e).night).toBe(false);
  });

  it('the report lists networks with identities and days, and each identity’s networks and hours', () => {
    const e = env({ minIdentities: 2, allowedRanges: ['192.0.2.0/24'] });
    const s = new MemoryStateStore();
    learnLogin(s, e, 'alice', '198.51.100.10', T0);
    learnLogin(s, e, 'bob', '198.51.100.11', T0 + DAY);
    const r = organisationReport(s, e.config);
    expect(r.networks.map((n) => [n.network, n.source, n.organisation, n.identities.length, n.days])).toEqual([
      ['192.0.2.0/24', 'config', true, 0, 0],
      ['AS64501', 'learned', true, 2, 2],
      ['198.51.100.0/24', 'learned', true, 2, 2],
    ]);
    expect(r.identities).toEqual([
      { identity: 'alice', networks: ['AS64501', '198.51.100.0/24'], hours: [9] },
      { identity: 'bob', networks: ['AS64501', '198.51.100.0/24'], hours: [9] },
    ]);
  });
});

describe('hosting ASNs (catalog/hosting-asns.yaml)', () => {
  it('listed ASNs and hosting words in the holder’s name; consumer ISPs are not', () => {
    expect(isHostingAsn({ asn: 14061, org: 'DIGITALOCEAN-ASN' })).toBe(true);
    expect(isHostingAsn({ asn: 64999, org: 'Acme Cloud Servers Ltd' })).toBe(true);
    expect(isHostingAsn({ asn: 3320, org: 'Deutsche Telekom AG' })).toBe(false);
    expect(isHostingAsn(undefined)).toBe(false);
  });
});
