/**
 * Audit rules as data: one folder per rule, catalog/audit/<kind>/<rule-id>/, holding rule.yaml and
 * positive and negative cases in cases/<name>/. Code supplies only the check (see checks.ts); everything
 * a reader sees (title, severity, ids, the fix) comes from the entry.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { AUDIT_RULE_KIND, readRuleFiles, type AuditRule } from '../catalog/audit-rule.js';
import { catalogPath } from '../catalog/paths.js';
import { makeFinding, type Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import type { SubTechnique } from '../model/technique.js';

export type { AuditRule };

const RULE_FILE = 'rule.yaml';
const cache = new Map<string, Map<string, AuditRule>>();

/** Every rule of one config kind, validated once. Throws on a malformed catalogue (a build error). */
export function loadRules(kind: string): Map<string, AuditRule> {
  const hit = cache.get(kind);
  if (hit) return hit;
  const rules = readRuleFiles(AUDIT_RULE_KIND, kind, ruleFolders(kind), RULE_FILE);
  cache.set(kind, rules);
  return rules;
}

/** The rule folders of one kind: sub-folders holding a rule.yaml (others, like data/, hold shared knowledge). */
export function ruleFolders(kind: string): string[] {
  const dir = catalogPath('audit', kind);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, RULE_FILE)))
    .map((e) => e.name)
    .sort();
}

export function ruleCasesDir(kind: string, ruleId: string): string | undefined {
  const dir = catalogPath('audit', kind, ruleId, 'cases');
  return existsSync(dir) ? dir : undefined;
}

/** What a check found, before the catalogue entry turns it into a Finding. */
export interface RuleHit {
  rule: string;
  line: number;
  /** kind/namespace/name for Kubernetes objects; a service name for host configs. */
  resource: string;
  /** What is exposed, to whom — short plain sentences used in the title suffix and evidence. */
  exposes: string;
  exposedTo: string;
  /** Values for the remediation template. */
  vars: Record<string, string>;
  evidence?: Record<string, unknown>;
  severity?: Severity;
  subTechnique?: SubTechnique;
  confidence?: 'confirmed' | 'possible';
  /** Disambiguates two hits of one rule on one line (two ports of one Service). */
  key?: string;
}

export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

export function hitToFinding(rule: AuditRule, hit: RuleHit, file: string): Finding {
  const vars = { resource: hit.resource, file, ...hit.vars };
  return makeFinding({
    rule: rule.id,
    subTechnique: hit.subTechnique ?? rule.subTechnique,
    control: rule.control,
    severity: hit.severity ?? rule.severity,
    title: `${rule.title}: ${hit.resource}`,
    asset: hit.resource,
    location: { file, line: hit.line },
    evidence: { resource: hit.resource, exposes: hit.exposes, exposedTo: hit.exposedTo, ...hit.evidence },
    explanation: renderTemplate(rule.explanation, vars),
    remediation: renderTemplate(rule.remediation, vars),
    ...(hit.confidence ? { confidence: hit.confidence } : {}),
    ...(hit.key ? { key: hit.key } : {}),
  });
}

/** Turn hits into findings; a hit naming an unknown rule is a programming error and throws. */
export function hitsToFindings(kind: string, hits: readonly RuleHit[], file: string): Finding[] {
  if (hits.length === 0) return []; // no catalogue to read for a kind that found nothing
  const rules = loadRules(kind);
  return hits.map((h) => {
    const rule = rules.get(h.rule);
    if (!rule) throw new Error(`audit rule ${kind}/${h.rule} has no catalogue entry`);
    return hitToFinding(rule, h, file);
  });
}

/** Validated params per schema and rule: checks ask for them once per file, the catalogue does not change. */
const paramsCache = new WeakMap<z.ZodType, Map<string, unknown>>();

/** Typed access to a rule's params, validated with the rule's own schema (once per process). */
export function ruleParams<T>(kind: string, ruleId: string, schema: z.ZodType<T>): T {
  let bySchema = paramsCache.get(schema);
  const key = `${kind}/${ruleId}`;
  if (bySchema?.has(key)) return bySchema.get(key) as T;
  const rule = loadRules(kind).get(ruleId);
  if (!rule) throw new Error(`audit rule ${kind}/${ruleId} has no catalogue entry`);
  const parsed = schema.safeParse(rule.params ?? {});
  if (!parsed.success) throw new Error(`catalog/audit/${kind}/${ruleId}/${RULE_FILE} params: ${parsed.error.message}`);
  if (!bySchema) {
    bySchema = new Map();
    paramsCache.set(schema, bySchema);
  }
  bySchema.set(key, parsed.data);
  return parsed.data;
}
