import { z } from 'zod';
import { AuditRuleSchema, readRuleFolder } from '../../catalog/audit-rule.js';
import type { CatalogueKind } from '../../catalog/loader.js';
import { SEVERITIES } from '../../model/severity.js';

const ExpectSchema = z
  .object({
    line: z.number().int().nonnegative(),
    severity: z.enum(SEVERITIES),
    /** The file the finding points at when it is not the case's main file (an included one). */
    file: z.string().optional(),
  })
  .strict();

const CaseSchema = z
  .object({
    /** The sshd_config to audit, relative to catalog/audit/sshd/. */
    config: z.string(),
    /** Extra files the config includes: absolute path as written in the Include → fixture path. */
    files: z.record(z.string(), z.string()).optional(),
    /** The findings of this rule the case must produce; an empty list is a negative case. */
    expect: z.array(ExpectSchema),
  })
  .strict();

/** An audit rule whose positive and negative cases are listed in the rule file itself. */
export const SshdRuleSchema = AuditRuleSchema.extend({
  id: z.string().regex(/^sshd-[a-z0-9-]+$/),
  subTechnique: z.literal('ssh-access'),
  cases: z.array(CaseSchema).min(2),
});
export type SshdRule = z.infer<typeof SshdRuleSchema>;
export type SshdRuleCase = z.infer<typeof CaseSchema>;

export const SSHD_RULE_KIND: CatalogueKind<SshdRule> = {
  id: 'sshd-rule',
  description: 'One sshd_config audit rule with its cases (catalog/audit/sshd/sshd-<rule>.yaml)',
  schema: SshdRuleSchema,
};

/** Rule metadata from catalog/audit/sshd/<rule>.yaml (files named sshd-*.yaml). */
let cached: Map<string, SshdRule> | undefined;

export function sshdRules(): Map<string, SshdRule> {
  return (cached ??= readRuleFolder(SSHD_RULE_KIND, 'sshd', (n) => /^sshd-.*\.yaml$/.test(n)));
}
