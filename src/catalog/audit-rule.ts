/**
 * The metadata of one audit rule (catalog/audit/<kind>/<rule-id>/rule.yaml): everything a reader sees of a
 * finding (title, severity, ids, explanation, the fix) lives here; code supplies only the check.
 */
import { z } from 'zod';
import { SEVERITIES } from '../model/severity.js';
import { SUB_TECHNIQUES, type SubTechnique } from '../model/technique.js';
import { CatalogueError, readCatalogueFile, shownPath, type CatalogueKind } from './loader.js';
import { catalogPath } from './paths.js';

export const AuditRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string().min(1),
    /** The most severe verdict the rule gives; a check may give less (see explanation). */
    severity: z.enum(SEVERITIES),
    subTechnique: z.enum(Object.keys(SUB_TECHNIQUES) as [SubTechnique, ...SubTechnique[]]),
    control: z.enum(['M1037', 'M1026', 'M1050']),
    explanation: z.string().min(1),
    /** Text with {{placeholders}} filled from the hit's vars. */
    remediation: z.string().min(1),
    references: z.array(z.string()).optional(),
    /** Rule-specific knowledge (lists of annotations, paths, keys); validated by the rule itself. */
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type AuditRule = z.infer<typeof AuditRuleSchema>;

export const AUDIT_RULE_KIND: CatalogueKind<AuditRule> = {
  id: 'audit-rule',
  description: 'One audit rule: title, severity, sub-technique, control, explanation and remediation template (catalog/audit/<kind>/<rule-id>/rule.yaml)',
  schema: AuditRuleSchema,
};

/** The rule file in each rule folder of catalog/audit/<kind>/, keyed by id; a folder is named after its rule, so a rule is found by name alone. */
export function readRuleFiles<T extends { id: string }>(kind: CatalogueKind<T>, configKind: string, folders: readonly string[], fileName: string): Map<string, T> {
  const rules = new Map<string, T>();
  for (const folder of folders) {
    const absolute = catalogPath('audit', configKind, folder, fileName);
    const rule = readCatalogueFile(kind, absolute);
    if (rule.id !== folder) throw new CatalogueError(shownPath(absolute), `id ${rule.id} does not match the folder name`, undefined, 'id');
    rules.set(rule.id, rule);
  }
  return rules;
}
