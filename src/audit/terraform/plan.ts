/**
 * `terraform show -json` plans: the planned values of every managed resource (root and child
 * modules), judged with the same checks as .tf files. Lines point into the plan JSON itself.
 */
import type { Auditor, AuditContext, AuditResult } from '../types.js';
import { parseDocuments, type Doc } from '../cloud/documents.js';
import { policyFor } from '../cloud/report.js';
import { analyseResources } from './analyse.js';
import { isObj, type Obj, type Path, type TfResource } from './resources.js';
import { recognition, type Recogniser } from '../recognise.js';

function moduleResources(doc: Doc, mod: Obj, base: Path, out: TfResource[], depth: number): void {
  if (depth > 32) return;
  const list = Array.isArray(mod.resources) ? mod.resources : [];
  list.forEach((r, i) => {
    if (!isObj(r) || r.mode === 'data' || !isObj(r.values)) return;
    const type = typeof r.type === 'string' ? r.type : '';
    const name = typeof r.name === 'string' ? r.name : '';
    const address = typeof r.address === 'string' ? r.address : `${type}.${name}`;
    const valuesPath: Path = [...base, 'resources', i, 'values'];
    out.push({
      type,
      name,
      address,
      values: r.values,
      ...(typeof r.values.id === 'string' ? { id: r.values.id } : {}),
      lineOf: (p) => doc.lineOf([...valuesPath, ...p]),
    });
  });
  const children = Array.isArray(mod.child_modules) ? mod.child_modules : [];
  children.forEach((c, i) => {
    if (isObj(c)) moduleResources(doc, c, [...base, 'child_modules', i], out, depth + 1);
  });
}

function changeResources(doc: Doc, changes: unknown[], out: TfResource[]): void {
  changes.forEach((c, i) => {
    if (!isObj(c) || c.mode === 'data' || !isObj(c.change) || !isObj(c.change.after)) return;
    const after = c.change.after;
    const type = typeof c.type === 'string' ? c.type : '';
    const name = typeof c.name === 'string' ? c.name : '';
    out.push({
      type,
      name,
      address: typeof c.address === 'string' ? c.address : `${type}.${name}`,
      values: after,
      ...(typeof after.id === 'string' ? { id: after.id } : {}),
      lineOf: (p) => doc.lineOf(['resource_changes', i, 'change', 'after', ...p]),
    });
  });
}

/** Managed resources a plan will leave in place: planned_values, else resource_changes[].after. */
export function planResources(doc: Doc): TfResource[] {
  const out: TfResource[] = [];
  if (!isObj(doc.value)) return out;
  const pv = doc.value.planned_values;
  if (isObj(pv) && isObj(pv.root_module)) moduleResources(doc, pv.root_module, ['planned_values', 'root_module'], out, 0);
  else if (Array.isArray(doc.value.resource_changes)) changeResources(doc, doc.value.resource_changes, out);
  return dedupeInline(out);
}

/**
 * A plan shows rules twice: as standalone rule resources and again inside the security group's
 * computed `ingress` list. Keep the standalone ones (they are what the author wrote).
 */
function dedupeInline(resources: TfResource[]): TfResource[] {
  const standalone = new Set<string>();
  for (const r of resources) {
    if (r.type !== 'aws_vpc_security_group_ingress_rule' && r.type !== 'aws_security_group_rule') continue;
    const v = r.values;
    const sg = typeof v.security_group_id === 'string' ? v.security_group_id : undefined;
    if (!sg) continue;
    const cidrs = [v.cidr_ipv4, v.cidr_ipv6, ...(Array.isArray(v.cidr_blocks) ? v.cidr_blocks : []), ...(Array.isArray(v.ipv6_cidr_blocks) ? v.ipv6_cidr_blocks : [])].filter((x) => typeof x === 'string' && x !== '');
    for (const c of cidrs) standalone.add(`${sg}|${String(v.from_port ?? '')}|${String(v.to_port ?? '')}|${String(c)}`);
  }
  if (standalone.size === 0) return resources;
  return resources.map((r) => {
    if (r.type !== 'aws_security_group' || !r.id || !Array.isArray(r.values.ingress)) return r;
    const id = r.id;
    // Strip from each inline entry the sources a standalone rule already declares, keeping indices (lines).
    const ingress = r.values.ingress.map((e) => {
      if (!isObj(e)) return e;
      const keep = (list: unknown) => (Array.isArray(list) ? list.filter((c) => !standalone.has(`${id}|${String(e.from_port ?? '')}|${String(e.to_port ?? '')}|${String(c)}`)) : list);
      return { ...e, cidr_blocks: keep(e.cidr_blocks), ipv6_cidr_blocks: keep(e.ipv6_cidr_blocks) };
    });
    return { ...r, values: { ...r.values, ingress } };
  });
}

/** `terraform show -json` of a plan: format_version with planned values or resource changes. */
export const TERRAFORM_PLAN_RECOGNISER: Recogniser = {
  names: [/\.json$/i],
  signals: [
    {
      what: 'format_version with planned_values or resource_changes',
      confidence: 0.95,
      test: (head) => head.includes('"format_version"') && (head.includes('"planned_values"') || head.includes('"resource_changes"')),
    },
  ],
};

export const terraformPlanAuditor: Auditor = {
  id: 'terraform-plan',
  description: 'Terraform plan JSON (terraform show -json): planned network rules and cluster endpoints open to the internet',
  recognise: (text, name) => recognition(TERRAFORM_PLAN_RECOGNISER, text, name),
  audit(file: string, text: string, ctx: AuditContext): AuditResult {
    const { docs, problems } = parseDocuments(file, text);
    const resources = docs.flatMap(planResources);
    const r = analyseResources(file, resources, policyFor(ctx));
    return { findings: r.findings, problems: [...problems, ...r.problems] };
  },
};
