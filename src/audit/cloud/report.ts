/** Shared last step of every network-rule auditor: evaluate, turn exposures into findings. */
import type { Finding } from '../../model/finding.js';
import { runChecks, type Check, type CheckSet } from '../checks.js';
import { hitsToFindings } from '../rule-catalog.js';
import { exposurePolicy, type ExposurePolicy } from '../exposure.js';
import type { AuditContext, InputProblem } from '../types.js';
import { exposureToHit, onlyNarrowPublicSources, webPorts } from './exposure-table.js';
import { findExposures, invalidSources, type Exposure, type NetRule } from './net-rules.js';

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

/** What a network-rule check reads: the rules one file declares and the organisation's exposure policy. */
export interface NetInput {
  rules: readonly NetRule[];
  policy: ExposurePolicy;
}

const exposureCache = new WeakMap<readonly NetRule[], Exposure[]>();

/**
 * The check of every "open management port" rule: exposures of the net rules the parser tagged with
 * this rule id (each resource type has its rule). Exposures are found once per input.
 */
export const netExposures: Check<NetInput> = (input, rule) =>
  exposuresOf(input)
    .filter((e) => e.rule.catalogRule === rule.id && !onlyNarrowPublicSources(e))
    .map((e) => exposureToHit(e));

/**
 * The check of the "open to a public range not in the allow-list" rules: exposures, of any layer, whose
 * sources are all single public addresses or narrow public ranges. Low: fixed by allow-listing the range
 * if it is the organisation's own, or by replacing it with the VPN range if not.
 */
export const unlistedPublicRange: Check<NetInput> = (input) =>
  exposuresOf(input)
    .filter((e) => onlyNarrowPublicSources(e))
    .map((e) => {
      const hit = exposureToHit(e);
      const { confidence: _possible, ...rest } = hit;
      return { ...rest, severity: 'low' as const, exposedTo: `${hit.vars.sources} (public, not in organisation.allowedRanges)` };
    });

function exposuresOf(input: NetInput): Exposure[] {
  let all = exposureCache.get(input.rules);
  if (!all) exposureCache.set(input.rules, (all = findExposures(input.rules, input.policy, { webPorts: webPorts() })));
  return all;
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

export function reportNetRules(checks: CheckSet<NetInput>, file: string, rules: readonly NetRule[], ctx: AuditContext): { findings: Finding[]; problems: InputProblem[] } {
  const policy = policyFor(ctx);
  return { findings: hitsToFindings(checks.kind, runChecks(checks, { rules, policy }), file), problems: netRuleProblems(file, rules, policy) };
}
