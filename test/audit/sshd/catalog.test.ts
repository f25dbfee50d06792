import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogPath } from '../../../src/catalog/paths.js';
import { sshdRules } from '../../../src/audit/sshd/catalog.js';
import { sshdAuditor } from '../../../src/audit/sshd/index.js';
import { RULES } from '../../../src/audit/sshd/rules.js';
import { memoryContext } from './memory-io.js';

const MAIN = '/etc/ssh/sshd_config';
const read = (rel: string): string => readFileSync(catalogPath('audit', 'sshd', rel), 'utf8');

describe('sshd rule catalogue', () => {
  const rules = sshdRules();

  it('has one catalogue entry per implemented rule and vice versa', () => {
    expect([...rules.keys()].sort()).toEqual(Object.keys(RULES).sort());
  });

  for (const rule of rules.values()) {
    describe(rule.id, () => {
      it('has both positive and negative cases', () => {
        expect(rule.cases.some((c) => c.expect.length > 0)).toBe(true);
        expect(rule.cases.some((c) => c.expect.length === 0)).toBe(true);
      });
      for (const c of rule.cases) {
        it(`${c.config} → ${c.expect.length === 0 ? 'no finding' : c.expect.map((e) => `${e.severity}@${e.line}`).join(', ')}`, () => {
          const files: Record<string, string> = {};
          for (const [abs, rel] of Object.entries(c.files ?? {})) files[abs] = read(rel);
          const result = sshdAuditor.audit(MAIN, read(c.config), memoryContext(files));
          expect(result.problems).toEqual([]);
          const got = result.findings
            .filter((f) => f.rule === rule.id)
            .map((f) => ({ file: 'file' in f.location ? f.location.file : '?', line: 'line' in f.location ? f.location.line : -1, severity: f.severity }))
            .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
          const want = c.expect.map((e) => ({ file: e.file ?? MAIN, line: e.line, severity: e.severity })).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
          expect(got).toEqual(want);
          for (const f of result.findings.filter((x) => x.rule === rule.id)) {
            expect(f.subTechnique).toBe('ssh-access');
            expect(f.control).toBe(rule.control);
            expect(f.remediation.length).toBeGreaterThan(20);
          }
        });
      }
    });
  }

  it('a hardened config gives no finding above info (in fact none at all)', () => {
    const result = sshdAuditor.audit(MAIN, read('cases/hardened.sshd_config'), memoryContext());
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.problems).toEqual([]);
  });
});
