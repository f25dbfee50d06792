/**
 * Replays every positive and negative case of the kubernetes, docker and gateways audit catalogues:
 * catalog/audit/<kind>/<rule>/cases/<name>/{input.*, expected.json}. The input goes to the first
 * auditor that recognises it (as the engine does), and the findings of that rule must match exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import type { Auditor, AuditContext } from '../../../src/audit/types.js';
import { loadRules, ruleCasesDir } from '../../../src/audit/rule-catalog.js';
import { dockerDaemonAuditor } from '../../../src/audit/docker/auditor.js';
import { gatewayConfigAuditor } from '../../../src/audit/gateways/auditor.js';
import { createKubernetesAuditor } from '../../../src/audit/kubernetes/auditor.js';
import type { AdvisoryLookup } from '../../../src/intel/advisory-lookup.js';
import { isFileLocation } from '../../../src/model/finding.js';

interface ExpectedFinding {
  line: number;
  severity?: string;
  asset?: string;
  confidence?: string;
  subTechnique?: string;
}
interface Expected {
  file: string;
  findings: ExpectedFinding[];
  readFiles?: Record<string, string>;
  advisories?: Array<{ product: string; introduced: string; fixed: string; id: string; severity: 'critical' | 'high' | 'medium' }>;
}

/** Advisories a case brings along, matched by semver ranges (the shipped catalogue stays out of fixtures). */
function lookupFrom(ex: Expected): AdvisoryLookup {
  return (product, version) =>
    (ex.advisories ?? [])
      .filter((a) => a.product === product && semver.gte(version, a.introduced) && semver.lt(version, a.fixed))
      .map((a) => ({ id: a.id, aliases: [], summary: a.id, severity: a.severity, confidence: 'possible' as const, fixed: [a.fixed] }));
}

function context(ex: Expected): AuditContext {
  return { config: {} as AuditContext['config'], readFile: (p) => ex.readFiles?.[p], glob: () => [] };
}

const KINDS = ['kubernetes', 'docker', 'gateways'] as const;

for (const kind of KINDS) {
  describe(`catalog/audit/${kind}`, () => {
    for (const rule of loadRules(kind).values()) {
      const dir = ruleCasesDir(kind, rule.id);
      it(`${rule.id} has positive and negative cases`, () => {
        expect(dir).toBeDefined();
        const expectations = readdirSync(dir as string).map(
          (n) => JSON.parse(readFileSync(join(dir as string, n, 'expected.json'), 'utf8')) as Expected,
        );
        expect(expectations.some((e) => e.findings.length > 0)).toBe(true);
        expect(expectations.some((e) => e.findings.length === 0)).toBe(true);
      });
      if (!dir) continue;
      for (const name of readdirSync(dir).sort()) {
        it(`${rule.id} / ${name}`, () => {
          const caseDir = join(dir, name);
          const ex = JSON.parse(readFileSync(join(caseDir, 'expected.json'), 'utf8')) as Expected;
          const inputs = readdirSync(caseDir).filter((n) => n.startsWith('input'));
          expect(inputs).toHaveLength(1);
          const text = readFileSync(join(caseDir, inputs[0] as string), 'utf8');
          const auditors: Auditor[] = [dockerDaemonAuditor, gatewayConfigAuditor, createKubernetesAuditor({ advisories: lookupFrom(ex) })];
          const auditor = auditors.find((a) => a.recognises(ex.file, text));
          expect(auditor, 'some auditor recognises the input').toBeDefined();
          const result = (auditor as Auditor).audit(ex.file, text, context(ex));
          expect(result.problems).toEqual([]);
          const got = result.findings
            .filter((f) => f.rule === rule.id)
            .map((f) => {
              expect(f.remediation).not.toMatch(/\{\{/);
              expect(f.explanation ?? '').not.toMatch(/\{\{/);
              expect(f.control).toBe(rule.control);
              const loc = f.location;
              return {
                line: isFileLocation(loc) ? loc.line : -1,
                ...(ex.findings.some((e) => e.severity) ? { severity: f.severity } : {}),
                ...(ex.findings.some((e) => e.asset) ? { asset: f.asset } : {}),
                ...(ex.findings.some((e) => e.confidence) ? { confidence: f.confidence ?? 'confirmed' } : {}),
                ...(ex.findings.some((e) => e.subTechnique) ? { subTechnique: f.subTechnique } : {}),
              };
            });
          const want = ex.findings.map((e) => ({ ...e }));
          const order = (a: { line: number }, b: { line: number }): number => a.line - b.line;
          expect(got.sort(order)).toEqual(want.sort(order));
        });
      }
    }
  });
}
