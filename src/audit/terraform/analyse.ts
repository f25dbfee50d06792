/** Resources → findings, shared by the .tf and the plan-JSON auditors. */
import type { Finding } from '../../model/finding.js';
import { runChecks } from '../checks.js';
import { hitsToFindings } from '../rule-catalog.js';
import type { ExposurePolicy } from '../exposure.js';
import type { InputProblem } from '../types.js';
import { netRuleProblems } from '../cloud/report.js';
import { terraformNetRules } from './checks/network.js';
import { TERRAFORM_CHECKS } from './checks/index.js';
import type { TfResource } from './resources.js';

export function analyseResources(file: string, resources: readonly TfResource[], policy: ExposurePolicy): { findings: Finding[]; problems: InputProblem[] } {
  const rules = terraformNetRules(resources);
  const hits = runChecks(TERRAFORM_CHECKS, { resources, rules, policy });
  for (const h of hits) h.vars.line = String(h.line);
  return { findings: hitsToFindings('terraform', hits, file), problems: netRuleProblems(file, rules, policy) };
}
