/**
 * Every audit rule of every kind, from the catalogue folders alone: each rule has positive and
 * negative cases, and each case gives exactly the expected findings of its rule.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogPath } from '../../../src/catalog/paths.js';
import { loadRules, ruleCasesDir } from '../../../src/audit/rule-catalog.js';
import { AUDITORS } from '../../../src/audit/registry.js';
import { isFileLocation, type Finding } from '../../../src/model/finding.js';
import { readExpectation, runCase, type ExpectedFinding } from './case-runner.js';

beforeAll(async () => {
  await Promise.all(AUDITORS.map((a) => a.prepare?.()));
});

const kinds = readdirSync(catalogPath('audit'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

const FIELDS = ['line', 'severity', 'asset', 'confidence', 'subTechnique', 'file'] as const;

/** The finding reduced to the fields the expectation names. */
function shape(f: Finding, fields: ReadonlySet<string>): Record<string, unknown> {
  const loc = f.location;
  const all: Record<string, unknown> = {
    line: isFileLocation(loc) ? loc.line : -1,
    severity: f.severity,
    asset: f.asset,
    confidence: f.confidence ?? 'confirmed',
    subTechnique: f.subTechnique,
    file: isFileLocation(loc) ? loc.file : undefined,
  };
  return Object.fromEntries(FIELDS.filter((k) => fields.has(k)).map((k) => [k, all[k]]));
}

/** An expectation with the same fields; an unnamed file is the audited one, an unnamed confidence is confirmed. */
function expectedShape(e: ExpectedFinding, fields: ReadonlySet<string>, file: string): Record<string, unknown> {
  const all: Record<string, unknown> = { ...e, file: e.file ?? file, confidence: e.confidence ?? 'confirmed' };
  return Object.fromEntries(FIELDS.filter((k) => fields.has(k)).map((k) => [k, all[k]]));
}

const byContent = (a: unknown, b: unknown): number => JSON.stringify(a).localeCompare(JSON.stringify(b));

for (const kind of kinds) {
  const rules = loadRules(kind);
  if (rules.size === 0) continue;
  describe(`catalog/audit/${kind}`, () => {
    for (const rule of rules.values()) {
      const dir = ruleCasesDir(kind, rule.id);
      const cases = dir ? readdirSync(dir).sort() : [];

      it(`${rule.id} has positive and negative cases`, () => {
        const expectations = cases.map((c) => readExpectation(join(dir as string, c)));
        expect(expectations.some((e) => e.findings.length > 0), 'a positive case').toBe(true);
        expect(expectations.some((e) => e.findings.length === 0), 'a negative case').toBe(true);
      });

      for (const name of cases) {
        it(`${rule.id} / ${name}`, () => {
          const caseDir = join(dir as string, name);
          const ex = readExpectation(caseDir);
          const run = runCase(caseDir);
          expect(run.auditor, 'some auditor recognises the input').toBeDefined();
          const result = run.result as NonNullable<typeof run.result>;
          expect(result.problems).toEqual([]);
          if (ex.onlyThisRule) expect(result.findings.map((f) => f.rule).filter((r) => r !== rule.id)).toEqual([]);
          const mine = result.findings.filter((f) => f.rule === rule.id);
          for (const f of mine) {
            expect(f.control).toBe(rule.control);
            expect(f.remediation.trim().length).toBeGreaterThan(0);
            for (const t of [f.title, f.explanation ?? '', f.remediation]) expect(t).not.toMatch(/\{\{/);
          }
          const fields = new Set<string>(['line', ...ex.findings.flatMap((e) => Object.keys(e))]);
          const want = ex.findings.map((e) => expectedShape(e, fields, run.file));
          expect(mine.map((f) => shape(f, fields)).sort(byContent)).toEqual(want.sort(byContent));
        });
      }
    }
  });
}
