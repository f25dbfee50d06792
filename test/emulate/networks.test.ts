import { describe, expect, it } from 'vitest';
import { openAsnDatabase } from '../../src/intel/asn.js';
import { isIp } from '../../src/intel/ranges.js';
import { addressIn, NETWORKS } from '../../src/emulate/networks.js';
import { Prng } from '../../src/emulate/prng.js';
import { buildScenario } from '../../src/emulate/scenario.js';
import { POOLS } from '../../src/emulate/realistic/pools.js';

const asn = openAsnDatabase();

describe('emulation source networks', () => {
  it.each([...NETWORKS, ...POOLS].map((n) => [n.id, n] as const))('%s is announced by the ASN it claims in @ip-location-db/asn', (_id, n) => {
    expect(asn.lookup(n.first)?.asn).toBe(n.asn);
    expect(asn.lookup(n.last)?.asn).toBe(n.asn);
    const prng = new Prng(n.asn);
    for (let i = 0; i < 50; i++) {
      const ip = addressIn(n, prng);
      expect(isIp(ip), ip).toBe(true);
      expect(asn.lookup(ip)?.asn, ip).toBe(n.asn);
    }
  });

  it('labels each planted source with the ASN the lookup gives it', () => {
    for (const seed of [1, 2, 3]) {
      for (const p of buildScenario({ seed, days: 3 }).labels.procedures) {
        expect(asn.lookup(p.source)?.asn, `${seed} ${p.id} ${p.source}`).toBe(p.asn);
        // Never an organisation ASN: the procedures come from unrelated networks.
        expect([64500, 16509]).not.toContain(p.asn);
      }
    }
  });
});
