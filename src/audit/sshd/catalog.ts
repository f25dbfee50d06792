import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { catalogPath } from '../../catalog/paths.js';
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

export const SshdRuleSchema = z
  .object({
    id: z.string().regex(/^sshd-[a-z0-9-]+$/),
    title: z.string(),
    subTechnique: z.literal('ssh-access'),
    control: z.enum(['M1037', 'M1026', 'M1050']),
    /** The most severe verdict the rule gives; the rule may give less (see explanation). */
    severity: z.enum(SEVERITIES),
    explanation: z.string(),
    remediation: z.string(),
    cases: z.array(CaseSchema).min(2),
  })
  .strict();
export type SshdRule = z.infer<typeof SshdRuleSchema>;
export type SshdRuleCase = z.infer<typeof CaseSchema>;

let cached: Map<string, SshdRule> | undefined;

/** Rule metadata from catalog/audit/sshd/<rule>.yaml (files named sshd-*.yaml). */
export function sshdRules(): Map<string, SshdRule> {
  if (!cached) {
    const dir = catalogPath('audit', 'sshd');
    const rules = new Map<string, SshdRule>();
    for (const name of readdirSync(dir).filter((n) => /^sshd-.*\.yaml$/.test(n)).sort()) {
      const rule = SshdRuleSchema.parse(parse(readFileSync(`${dir}/${name}`, 'utf8')));
      if (`${rule.id}.yaml` !== name) throw new Error(`catalog/audit/sshd/${name}: id ${rule.id} does not match the file name`);
      rules.set(rule.id, rule);
    }
    cached = rules;
  }
  return cached;
}
