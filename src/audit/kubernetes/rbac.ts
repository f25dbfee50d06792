/**
 * (Cluster)RoleBindings that hand write or wildcard access to everyone: system:anonymous,
 * system:unauthenticated, or system:authenticated (any token the cluster accepts, every
 * ServiceAccount included). The referenced role is resolved in the same input, else from the
 * list of built-in roles in catalog/audit/kubernetes/data/builtin-roles.yaml.
 */
import { z } from 'zod';
import { readCatalogue, type CatalogueKind } from '../../catalog/loader.js';
import type { CheckHit } from '../checks.js';
import { asArray, asObject, asText } from '../yaml-positions.js';
import { effectiveNamespace, lineAt, resourceName, type K8sObject } from '../shared/k8s-objects.js';

export const BUILTIN_ROLES_KIND: CatalogueKind<{ write: string[]; readOnly: string[] }> = {
  id: 'builtin-roles',
  description: 'Kubernetes built-in ClusterRoles that can write, and those that only read (catalog/audit/kubernetes/data/builtin-roles.yaml)',
  schema: z.object({ write: z.array(z.string()), readOnly: z.array(z.string()) }).strict(),
};

function builtinRoles(): { write: string[]; readOnly: string[] } {
  return readCatalogue(BUILTIN_ROLES_KIND, 'audit', 'kubernetes', 'data', 'builtin-roles.yaml');
}

const EVERYONE: Record<string, { who: string; severity: 'critical' | 'high' }> = {
  'system:anonymous': { who: 'unauthenticated clients (system:anonymous)', severity: 'critical' },
  'system:unauthenticated': { who: 'unauthenticated clients (system:unauthenticated)', severity: 'critical' },
  'system:authenticated': { who: 'every authenticated identity, every ServiceAccount token included (system:authenticated)', severity: 'high' },
};

const WRITE_VERBS = new Set(['*', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate', 'post', 'put']);

/** "create" on *reviews is a question (can I…?), not a write. */
function isReviewResource(r: string): boolean {
  return /reviews$/.test(r.split('/')[0] ?? r);
}

export interface RoleGrant {
  writes: string[];
  wildcard: boolean;
}

/** What a Role/ClusterRole's rules grant that matters here. */
export function summariseRules(rules: unknown): RoleGrant {
  const writes: string[] = [];
  let wildcard = false;
  for (const r of asArray(rules)) {
    const rule = asObject(r);
    if (!rule) continue;
    const verbs = asArray(rule.verbs).map(asText).filter((v): v is string => !!v).map((v) => v.toLowerCase());
    const resources = asArray(rule.resources).map(asText).filter((v): v is string => !!v);
    const urls = asArray(rule.nonResourceURLs).map(asText).filter((v): v is string => !!v);
    const relevant = resources.filter((res) => !isReviewResource(res));
    if (resources.includes('*') && verbs.length > 0) wildcard = true;
    const targets = [...relevant, ...urls];
    for (const v of verbs) {
      if (!WRITE_VERBS.has(v) || targets.length === 0) continue;
      if (v === '*') wildcard = true;
      writes.push(`${v} ${targets.join(',')}`);
    }
  }
  return { writes, wildcard };
}

export function rbacAnonymousWrite(objects: readonly K8sObject[]): CheckHit[] {
  const hits: CheckHit[] = [];
  const roles = objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole');
  for (const b of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const roleRef = asObject(b.body.roleRef);
    const refKind = asText(roleRef?.kind) ?? 'ClusterRole';
    const refName = asText(roleRef?.name);
    if (!refName) continue;
    asArray(b.body.subjects).forEach((s, i) => {
      const subject = asObject(s);
      const name = asText(subject?.name);
      const everyone = name ? EVERYONE[name] : undefined;
      if (!everyone || !name) return;
      const role = roles.find(
        (r) => r.kind === refKind && r.name === refName && (refKind === 'ClusterRole' || effectiveNamespace(r) === effectiveNamespace(b)),
      );
      let grant: RoleGrant | undefined;
      if (role) grant = summariseRules(role.body.rules);
      else if (refKind === 'ClusterRole' && builtinRoles().write.includes(refName)) grant = { writes: [`built-in ${refName} (write)`], wildcard: refName === 'cluster-admin' };
      if (!grant || (grant.writes.length === 0 && !grant.wildcard)) return;
      const scope = b.kind === 'ClusterRoleBinding' ? 'cluster-wide' : `in namespace ${effectiveNamespace(b)}`;
      hits.push({
        line: lineAt(b, ['subjects', i, 'name']),
        resource: resourceName(b),
        exposes: `${refKind} ${refName} (${grant.wildcard ? 'wildcard' : 'write'} access ${scope}: ${grant.writes.slice(0, 5).join('; ') || '*'})`,
        exposedTo: everyone.who,
        vars: { subject: name, role: `${refKind}/${refName}`, binding: resourceName(b) },
        evidence: { subject: name, subjectKind: asText(subject?.kind) ?? null, roleRef: `${refKind}/${refName}`, resolvedFrom: role ? 'input' : 'built-in', grants: grant.writes },
        severity: everyone.severity,
        key: `${i}`,
      });
    });
  }
  return hits;
}
