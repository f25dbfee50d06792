/** Resources → findings, shared by the .tf and the plan-JSON auditors. */
import type { Finding } from '../../model/finding.js';
import { hitsToFindings } from '../rule-catalog.js';
import type { ExposurePolicy } from '../exposure.js';
import type { InputProblem } from '../types.js';
import { netRuleHits, netRuleProblems } from '../cloud/report.js';
import { terraformNetRules } from './checks/network.js';
import { clusterHits } from './checks/clusters.js';
import type { TfResource } from './resources.js';

export function analyseResources(file: string, resources: readonly TfResource[], policy: ExposurePolicy): { findings: Finding[]; problems: InputProblem[] } {
  const rules = terraformNetRules(resources);
  const hits = [...netRuleHits(rules, policy), ...clusterHits(resources, policy)];
  for (const h of hits) h.vars.line = String(h.line);
  return { findings: hitsToFindings('terraform', hits, file), problems: netRuleProblems(file, rules, policy) };
}
