/** Replays catalogue cases (catalog/audit/<kind>/<rule>/cases/<name>/) through the cloud and Terraform auditors. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ConfigSchema } from '../../../src/config/schema.js';
import type { Auditor, AuditContext, AuditResult } from '../../../src/audit/types.js';
import { awsSecurityGroupAuditor } from '../../../src/audit/cloud/aws-sg.js';
import { cloudFormationAuditor } from '../../../src/audit/cloud/cloudformation.js';
import { gcpFirewallAuditor } from '../../../src/audit/cloud/gcp-firewall.js';
import { azureNsgAuditor } from '../../../src/audit/cloud/azure-nsg.js';
import { terraformAuditor } from '../../../src/audit/terraform/auditor.js';
import { terraformPlanAuditor } from '../../../src/audit/terraform/plan.js';

export const CLOUD_AUDITORS: Auditor[] = [awsSecurityGroupAuditor, cloudFormationAuditor, gcpFirewallAuditor, azureNsgAuditor, terraformAuditor, terraformPlanAuditor];
await Promise.all(CLOUD_AUDITORS.map((a) => a.prepare?.()));

export interface Expected {
  rule: string;
  line: number;
  severity: string;
  subTechnique: string;
  asset: string;
}

/** `dir/*.ext` globs over the real file system, enough for module siblings. */
export function fsContext(configYaml?: string): AuditContext {
  const config = ConfigSchema.parse(configYaml ? parse(configYaml) : {});
  return {
    config,
    readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined),
    glob: (pattern) => {
      const dir = dirname(pattern);
      const suffix = basename(pattern).replace(/^\*/, '');
      if (!existsSync(dir)) return [];
      return readdirSync(dir).filter((n) => n.endsWith(suffix)).map((n) => join(dir, n));
    },
  };
}

export function auditWith(file: string, text: string, ctx: AuditContext): AuditResult & { auditors: string[] } {
  const auditors = CLOUD_AUDITORS.filter((a) => a.recognises(file, text));
  const results = auditors.map((a) => a.audit(file, text, ctx));
  return { findings: results.flatMap((r) => r.findings), problems: results.flatMap((r) => r.problems), auditors: auditors.map((a) => a.id) };
}

export function runCase(caseDir: string): { actual: Expected[]; auditors: string[]; problems: AuditResult['problems']; texts: string[] } {
  const input = readdirSync(caseDir).find((n) => n.startsWith('input.'));
  if (!input) throw new Error(`${caseDir}: no input.* file`);
  const file = join(caseDir, input);
  const configPath = join(caseDir, 'config.yaml');
  const ctx = fsContext(existsSync(configPath) ? readFileSync(configPath, 'utf8') : undefined);
  const r = auditWith(file, readFileSync(file, 'utf8'), ctx);
  const actual = r.findings
    .map((f) => ({ rule: f.rule, line: 'line' in f.location ? f.location.line : 0, severity: f.severity, subTechnique: f.subTechnique, asset: f.asset }))
    .sort((a, b) => a.line - b.line || a.asset.localeCompare(b.asset) || a.rule.localeCompare(b.rule));
  return { actual, auditors: r.auditors, problems: r.problems, texts: r.findings.flatMap((f) => [f.title, f.explanation ?? '', f.remediation]) };
}

export function caseDirs(root: string, kind: string): { rule: string; name: string; dir: string }[] {
  const kindDir = join(root, kind);
  const out: { rule: string; name: string; dir: string }[] = [];
  for (const rule of readdirSync(kindDir).filter((n) => n.endsWith('.yaml')).map((n) => n.replace(/\.yaml$/, ''))) {
    const casesDir = join(kindDir, rule, 'cases');
    if (!existsSync(casesDir)) continue;
    for (const name of readdirSync(casesDir).sort()) out.push({ rule, name, dir: join(casesDir, name) });
  }
  return out;
}
