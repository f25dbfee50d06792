import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogPath } from '../../../src/catalog/paths.js';
import { loadRules } from '../../../src/audit/rule-catalog.js';
import { caseDirs, runCase, type Expected } from './case-runner.js';

const root = catalogPath('audit');

for (const kind of ['cloud', 'terraform']) {
  describe(`catalog/audit/${kind} cases`, () => {
    const cases = caseDirs(root, kind);
    const rules = loadRules(kind);

    it('every rule has at least one positive and one negative case', () => {
      for (const id of rules.keys()) {
        const mine = cases.filter((c) => c.rule === id);
        const expected = mine.map((c) => (JSON.parse(readFileSync(join(c.dir, 'expected.json'), 'utf8')) as { findings: Expected[] }).findings);
        expect(expected.some((f) => f.some((x) => x.rule === id)), `${id}: positive case`).toBe(true);
        expect(expected.some((f) => f.length === 0), `${id}: negative case`).toBe(true);
      }
    });

    for (const c of cases) {
      it(`${c.rule} / ${c.name}`, () => {
        const expected = (JSON.parse(readFileSync(join(c.dir, 'expected.json'), 'utf8')) as { findings: Expected[] }).findings;
        const { actual, auditors, texts } = runCase(c.dir);
        // Every template placeholder of the entry was filled in.
        for (const t of texts) expect(t).not.toMatch(/\{\{/);
        expect(auditors.length, 'exactly one auditor recognises the input').toBe(1);
        expect(actual).toEqual(expected);
        // A case only shows findings of the rule it belongs to.
        for (const f of actual) expect(f.rule).toBe(c.rule);
      });
    }
  });
}
