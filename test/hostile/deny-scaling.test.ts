/**
 * Deny rules are matched to allowed sources through an index of their ranges, not pairwise: a firewall
 * export with many ranges on both sides (tens of thousands of allow and deny ranges in one network)
 * took minutes. The work is counted, not timed: each source weighs only the denies that cover it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { classifySource, exposurePolicy, rangeCovers, type SourceVerdict } from '../../src/audit/exposure.js';
import { findExposures, type NetRule } from '../../src/audit/cloud/net-rules.js';
import { DenyIndex, type DenyCounters } from '../../src/audit/cloud/deny-index.js';

const policy = exposurePolicy(ConfigSchema.parse({}));

function rule(over: Partial<NetRule>): NetRule {
  return { catalogRule: 'gcp-firewall-open-management-port', layer: 'firewall', resource: 'r', line: 1, action: 'allow', protocol: 'tcp', ports: [{ from: 22, to: 22 }], sources: [], peers: [], group: 'default', order: 1000, ...over };
}

/** A /24 per index: 20.x.y.0/24 and up. */
const range = (i: number, first = 20): string => `${first + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`;

/** What a deny source covers, compared one by one (the definition the index must agree with). */
function pairwiseCovers(deny: string, source: SourceVerdict): boolean {
  const t = deny.trim().toLowerCase();
  if (t === '0.0.0.0/0') return !source.source.includes(':');
  if (t === '::/0') return source.source.includes(':') || source.class === 'world';
  if (t === '*' || t === 'any') return true;
  if (t === 'internet') return source.class === 'world' || source.class === 'public';
  return rangeCovers(deny, source.source);
}

describe('deny rules at scale', () => {
  it('20,000 allowed ranges against 20,000 deny ranges (GCP splits each range into its own rule): linear work', () => {
    const n = 20_000;
    // Every other allowed /24 is denied through its /16 or itself; the others are denied nowhere.
    const allows = Array.from({ length: n }, (_, i) => rule({ sources: [range(i)], ruleName: `allow-${i}` }));
    const denies = Array.from({ length: n }, (_, i) => rule({ action: 'deny', order: 900, sources: [i % 2 === 0 ? range(i) : range(i, 120)] }));
    const counters: DenyCounters = { candidates: 0 };
    const exposures = findExposures([...allows, ...denies], policy, { counters });
    expect(exposures).toHaveLength(n / 2);
    expect(exposures.every((e) => Number(/allow-(\d+)/.exec(e.rule.ruleName!)![1]) % 2 === 1)).toBe(true);
    // Pairwise matching weighs n × n = 400,000,000 pairs; the index weighs each source's covering denies only.
    expect(counters.candidates).toBe(n / 2);
  });

  it('the index finds exactly the denies that pairwise comparison finds', () => {
    const octet = fc.integer({ min: 0, max: 3 });
    const v4 = fc.tuple(octet, octet, octet, fc.constantFrom(0, 8, 16, 24, 30, 32)).map(([a, b, c, bits]) => `${10 + a}.${b}.${c}.${bits === 32 ? 1 : 0}/${bits}`);
    const v6 = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 16, 32, 48, 64, 128)).map(([a, bits]) => `2001:db8:${a}::/${bits}`);
    const word = fc.constantFrom('*', 'any', 'Internet', '0.0.0.0/0', '::/0', 'VirtualNetwork', '198.51.100.7', 'not-a-range');
    const source = fc.oneof(v4, v6, word);
    fc.assert(
      fc.property(fc.array(fc.array(source, { minLength: 1, maxLength: 3 }), { maxLength: 12 }), fc.array(source, { minLength: 1, maxLength: 10 }), (denySources, allowed) => {
        const denies = denySources.map((sources, i) => rule({ action: 'deny', sources, ruleName: `d${i}` }));
        const index = new DenyIndex(denies);
        for (const s of allowed) {
          const verdict = classifySource(s, policy);
          const expected = denies.filter((d) => d.sources.some((x) => pairwiseCovers(x, verdict)));
          expect(new Set(index.covering(verdict))).toEqual(new Set(expected));
        }
      }),
      { numRuns: 300 },
    );
  });
});
