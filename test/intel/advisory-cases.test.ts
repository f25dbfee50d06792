import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { catalogPath } from '../../src/catalog/paths.js';
import { matchAdvisories, shippedAdvisories } from '../../src/intel/advisories.js';

const CaseFile = z
  .object({
    advisory: z.string(),
    product: z.string(),
    cases: z
      .array(
        z
          .object({
            version: z.union([z.string(), z.number()]).transform(String),
            banner: z.string().optional(),
            product: z.string().optional(),
            signals: z.array(z.string()).optional(),
            expect: z.enum(['confirmed', 'possible', 'none']),
          })
          .strict(),
      )
      .min(2),
  })
  .strict();

function caseFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return caseFiles(p);
      return n.endsWith('.cases.yaml') ? [p] : [];
    });
}

const files = caseFiles(catalogPath('advisories'));

describe('advisory catalogue', () => {
  it('loads without problems', () => {
    const { advisories, problems } = shippedAdvisories();
    expect(problems).toEqual([]);
    expect(advisories.map((a) => a.record.id)).toEqual(expect.arrayContaining(['CVE-2024-6387', 'CVE-2023-48795']));
  });

  it('has a cases file for every advisory, with positive and negative cases', () => {
    const withCases = files.map((f) => CaseFile.parse(parse(readFileSync(f, 'utf8'))));
    for (const adv of shippedAdvisories().advisories) {
      const c = withCases.find((x) => x.advisory === adv.record.id);
      expect(c, `${adv.record.id} has no cases file`).toBeDefined();
      expect(c?.cases.some((k) => k.expect !== 'none')).toBe(true);
      expect(c?.cases.some((k) => k.expect === 'none')).toBe(true);
    }
  });
});

for (const file of files) {
  const spec = CaseFile.parse(parse(readFileSync(file, 'utf8')));
  describe(`${spec.advisory} fixtures`, () => {
    for (const c of spec.cases) {
      const label = `${c.product ?? spec.product} ${c.banner ?? c.version}${c.signals ? ` [${c.signals.join(',')}]` : ''} → ${c.expect}`;
      it(label, () => {
        const hits = matchAdvisories(c.product ?? spec.product, c.version, c.banner, { signals: c.signals }).filter((m) => m.id === spec.advisory);
        if (c.expect === 'none') expect(hits).toEqual([]);
        else {
          expect(hits).toHaveLength(1);
          expect(hits[0]?.confidence).toBe(c.expect);
        }
      });
    }
  });
}
