/** The audit-rule contract: every rule folder has a registered check, every check has a rule folder. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogPath } from '../../../src/catalog/paths.js';
import { CHECK_SETS } from '../../../src/audit/check-registry.js';
import { loadRules, ruleFolders } from '../../../src/audit/rule-catalog.js';

const root = catalogPath('audit');
const kinds = readdirSync(root, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

/** Sub-folders of a kind that hold shared knowledge rather than a rule. */
const SHARED = new Set(['data']);

describe('audit rule contract', () => {
  it('every kind with rule folders has one check set, and every check set has its catalogue kind', () => {
    const withRules = kinds.filter((k) => ruleFolders(k).length > 0);
    expect(CHECK_SETS.map((s) => s.kind).sort()).toEqual(withRules);
  });

  for (const kind of kinds) {
    describe(kind, () => {
      it('every sub-folder is a rule folder (rule.yaml + cases/) or shared data', () => {
        const dirs = readdirSync(join(root, kind), { withFileTypes: true }).filter((e) => e.isDirectory() && !SHARED.has(e.name));
        for (const d of dirs) {
          expect(existsSync(join(root, kind, d.name, 'rule.yaml')), `${kind}/${d.name}/rule.yaml`).toBe(true);
          expect(existsSync(join(root, kind, d.name, 'cases')), `${kind}/${d.name}/cases/`).toBe(true);
        }
      });

      it('every rule file has a check and every check has a rule file', () => {
        const set = CHECK_SETS.find((s) => s.kind === kind);
        const folders = ruleFolders(kind);
        expect(Object.keys(set?.checks ?? {}).sort()).toEqual(folders);
        expect([...loadRules(kind).keys()].sort()).toEqual(folders);
      });
    });
  }
});
