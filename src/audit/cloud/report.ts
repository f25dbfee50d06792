/** Shared last step of every network-rule auditor: evaluate, turn exposures into findings. */
import type { Finding } from '../../model/finding.js';
import { hitsToFindings, type RuleHit } from '../rule-catalog.js';
import { exposurePolicy, type ExposurePolicy } from '../exposure.js';
import type { AuditContext, InputProblem } from '../types.js';
import { exposureToHit, webPorts } from './exposure-table.js';
import { findExposures, invalidSources, type NetRule } from './net-rules.js';

const policies = new WeakMap<object, ExposurePolicy>();

/** One policy per loaded config object: compiling ranges per file would be wasted work. */
export function policyFor(ctx: AuditContext): ExposurePolicy {
  let p = policies.get(ctx.config);
  if (!p) {
    p = exposurePolicy(ctx.config);
    policies.set(ctx.config, p);
  }
  return p;
}

export function netRuleHits(rules: readonly NetRule[], policy: ExposurePolicy): RuleHit[] {
  return findExposures(rules, policy, { webPorts: webPorts() }).map((e) => exposureToHit(e.rule.catalogRule, e));
}

export function netRuleProblems(file: string, rules: readonly NetRule[], policy: ExposurePolicy): InputProblem[] {
  const out: InputProblem[] = [];
  for (const r of rules) {
    for (const s of invalidSources(r, policy)) {
      out.push({ file, line: r.line, field: r.ruleName ?? r.resource, message: `source "${s}" is neither an address range nor a known tag; rule not judged for it` });
    }
  }
  return out;
}

export function reportNetRules(kind: string, file: string, rules: readonly NetRule[], ctx: AuditContext): { findings: Finding[]; problems: InputProblem[] } {
  const policy = policyFor(ctx);
  return { findings: hitsToFindings(kind, netRuleHits(rules, policy), file), problems: netRuleProblems(file, rules, policy) };
}
