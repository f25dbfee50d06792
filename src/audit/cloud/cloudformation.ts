/**
 * CloudFormation templates (JSON or YAML with short tags): AWS::EC2::SecurityGroup with inline
 * SecurityGroupIngress and standalone AWS::EC2::SecurityGroupIngress. Parameters' defaults and
 * literal mappings are followed through Ref, Fn::Sub, Fn::FindInMap, Fn::Join and Fn::Select so
 * that `CidrIp: !Ref AllowedCidr` with Default 0.0.0.0/0 is judged like the literal.
 */
import type { Auditor, AuditContext, AuditResult } from '../types.js';
import { CFN_TAGS, arr, isObj, num, parseDocuments, str, type Doc, type Obj, type Path } from './documents.js';
import { normaliseProtocol, type NetRule } from './net-rules.js';
import { awsPorts } from './aws-sg.js';
import { CLOUD_CHECKS } from './checks.js';
import { reportNetRules } from './report.js';
import { hasKey, recognition, type Recogniser } from '../recognise.js';
import { pushAll } from '../../util/arrays.js';

export const CFN_SG_RULE = 'cfn-sg-open-management-port';

/** A value that depends on deploy-time input (a parameter without default, an attribute). */
export const UNRESOLVED: unique symbol = Symbol('unresolved');
type Resolved = unknown;

export interface CfnScope {
  parameters: Obj;
  mappings: Obj;
}

/** Evaluate the intrinsic functions a static reader can: anything else is UNRESOLVED. */
export function resolveCfn(v: unknown, scope: CfnScope, depth = 0): Resolved {
  if (depth > 20) return UNRESOLVED;
  if (Array.isArray(v)) return v.map((x) => resolveCfn(x, scope, depth + 1));
  if (!isObj(v)) return v;
  const keys = Object.keys(v);
  if (keys.length !== 1) return v;
  const k = keys[0] as string;
  const arg = v[k];
  switch (k) {
    case 'Ref': {
      const name = str(arg);
      if (name === undefined) return UNRESOLVED;
      if (name === 'AWS::NoValue') return undefined;
      const p = scope.parameters[name];
      return isObj(p) && p.Default !== undefined ? p.Default : UNRESOLVED;
    }
    case 'Fn::Sub': {
      const template = Array.isArray(arg) ? arg[0] : arg;
      const locals = Array.isArray(arg) && isObj(arg[1]) ? arg[1] : {};
      if (typeof template !== 'string') return UNRESOLVED;
      let failed = false;
      const out = template.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
        const value = Object.hasOwn(locals, name) ? resolveCfn(locals[name], scope, depth + 1) : resolveCfn({ Ref: name }, scope, depth + 1);
        const s = str(value);
        if (s === undefined) failed = true;
        return s ?? '';
      });
      return failed ? UNRESOLVED : out;
    }
    case 'Fn::FindInMap': {
      const [m, a, b] = arr(arg).map((x) => str(resolveCfn(x, scope, depth + 1)));
      const map = m === undefined ? undefined : scope.mappings[m];
      const top = isObj(map) && a !== undefined ? map[a] : undefined;
      const val = isObj(top) && b !== undefined ? top[b] : undefined;
      return val === undefined ? UNRESOLVED : val;
    }
    case 'Fn::Join': {
      const [delim, list] = arr(arg);
      const items = resolveCfn(list, scope, depth + 1);
      if (typeof delim !== 'string' || !Array.isArray(items)) return UNRESOLVED;
      const parts = items.map(str);
      return parts.some((p) => p === undefined) ? UNRESOLVED : parts.join(delim);
    }
    case 'Fn::Select': {
      const [i, list] = arr(arg);
      const items = resolveCfn(list, scope, depth + 1);
      const idx = num(resolveCfn(i, scope, depth + 1));
      return Array.isArray(items) && idx !== undefined && idx >= 0 && idx < items.length ? items[idx] : UNRESOLVED;
    }
    default:
      return k.startsWith('Fn::') || k === 'Condition' ? UNRESOLVED : v;
  }
}

function templateOf(doc: Doc): Obj | undefined {
  return isObj(doc.value) && isObj(doc.value.Resources) ? doc.value : undefined;
}

export function cloudFormationRules(doc: Doc): NetRule[] {
  const t = templateOf(doc);
  if (!t) return [];
  const scope: CfnScope = { parameters: isObj(t.Parameters) ? t.Parameters : {}, mappings: isObj(t.Mappings) ? t.Mappings : {} };
  const rules: NetRule[] = [];
  for (const [logical, res] of Object.entries(t.Resources as Obj)) {
    if (!isObj(res) || !isObj(res.Properties)) continue;
    const props = res.Properties;
    const base: Path = ['Resources', logical, 'Properties'];
    if (res.Type === 'AWS::EC2::SecurityGroup') {
      const list = resolveCfn(props.SecurityGroupIngress, scope);
      arr(list).forEach((entry, i) => {
        if (isObj(entry)) pushAll(rules, ingressRules(entry, [...base, 'SecurityGroupIngress', i], doc, scope, logical, `SecurityGroupIngress[${i}]`));
      });
    } else if (res.Type === 'AWS::EC2::SecurityGroupIngress') {
      pushAll(rules, ingressRules(props, base, doc, scope, logical, undefined));
    }
  }
  return rules;
}

function ingressRules(entry: Obj, path: Path, doc: Doc, scope: CfnScope, logical: string, ruleName: string | undefined): NetRule[] {
  const val = (k: string): unknown => resolveCfn(entry[k], scope);
  const protocolRaw = val('IpProtocol');
  if (protocolRaw === UNRESOLVED) return [];
  const protocol = normaliseProtocol(protocolRaw);
  const fromRaw = val('FromPort');
  const toRaw = val('ToPort');
  if (fromRaw === UNRESOLVED || toRaw === UNRESOLVED) return [];
  const ports = awsPorts(protocol, fromRaw, toRaw);
  const peers = ['SourceSecurityGroupId', 'SourceSecurityGroupName', 'SourcePrefixListId'].filter((k) => entry[k] !== undefined);
  const out: NetRule[] = [];
  for (const field of ['CidrIp', 'CidrIpv6'] as const) {
    const cidr = str(val(field));
    if (cidr === undefined) continue;
    out.push({
      catalogRule: CFN_SG_RULE,
      layer: 'security-group',
      resource: logical,
      ...(ruleName ? { ruleName } : {}),
      line: doc.lineOf([...path, field]),
      action: 'allow',
      protocol,
      ports,
      sources: [cidr],
      peers,
      vars: { field, logical_id: logical },
    });
  }
  return out;
}

/** CloudFormation templates that declare security groups. */
export const CLOUDFORMATION_RECOGNISER: Recogniser = {
  names: [/\.(json|ya?ml|template)$/i],
  signals: [
    { what: 'a template whose Resources declare AWS::EC2::SecurityGroup', confidence: 0.95, test: (head) => hasKey(head, 'Resources') && head.includes('AWS::EC2::SecurityGroup') },
    { what: 'AWS::EC2::SecurityGroup resources', confidence: 0.6, test: (head) => head.includes('AWS::EC2::SecurityGroup') },
  ],
};

export const cloudFormationAuditor: Auditor = {
  id: 'cloudformation-security-groups',
  description: 'CloudFormation templates (JSON/YAML): security group ingress open to the internet on management ports',
  recognise: (text, name) => recognition(CLOUDFORMATION_RECOGNISER, text, name),
  audit(file: string, text: string, ctx: AuditContext): AuditResult {
    const { docs, problems } = parseDocuments(file, text, CFN_TAGS);
    const rules = docs.flatMap(cloudFormationRules);
    const r = reportNetRules(CLOUD_CHECKS, file, rules, ctx);
    return { findings: r.findings, problems: [...problems, ...r.problems] };
  },
};
