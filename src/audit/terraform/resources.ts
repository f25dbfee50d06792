/**
 * Terraform resources as resolved values with line lookup. The same TfResource shape is built from
 * .tf files (hcl2json + expression evaluation + outline) and from plan JSON (planned values), so the
 * checks in checks/*.ts are written once.
 */
import type { HclBody } from './hcl.js';
import { Unknown, evalString, isUnknown, resolveValue, type EvalScope } from './expr.js';
import { findResource, lineIn, type OutlineBlock, type RawPath } from './outline.js';

export type Path = readonly (string | number)[];
export type Obj = Record<string, unknown>;

export interface TfResource {
  type: string;
  name: string;
  /** type.name, with [index] or ["key"] for count / for_each instances. */
  address: string;
  values: Obj;
  /** Provider id when known (plans); lets standalone rules find their parent by id. */
  id?: string;
  lineOf(path: Path): number;
}

export interface ResourceNote {
  address: string;
  line: number;
  message: string;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/** hcl2json wraps each block body in an array; blocks with labels nest one object per label. */
function firstBody(v: unknown): Obj | undefined {
  if (Array.isArray(v)) return isObj(v[0]) ? v[0] : undefined;
  return isObj(v) ? v : undefined;
}

function mergeBlocks(v: unknown): Obj {
  const out: Obj = {};
  for (const b of Array.isArray(v) ? v : [v]) if (isObj(b)) Object.assign(out, b);
  return out;
}

// ---------------------------------------------------------------- scope

export interface ModuleInputs {
  /** Parsed bodies of every .tf file of the module (the audited file included). */
  bodies: readonly HclBody[];
  /** Parsed terraform.tfvars / *.auto.tfvars bodies, in precedence order (later wins). */
  tfvars: readonly HclBody[];
}

/** var.* from variable defaults overridden by tfvars; local.* resolved lazily, cycles → Unknown. */
export function moduleScope(inputs: ModuleInputs): EvalScope {
  const vars: Record<string, unknown> = {};
  const rawLocals: Obj = {};
  for (const body of inputs.bodies) {
    const variables = body.variable;
    if (isObj(variables)) {
      for (const [name, decl] of Object.entries(variables)) {
        const d = firstBody(decl);
        if (d && Object.hasOwn(d, 'default')) vars[name] = d.default;
      }
    }
    Object.assign(rawLocals, mergeBlocks(body.locals));
  }
  for (const tv of inputs.tfvars) for (const [k, v] of Object.entries(tv)) vars[k] = v;
  const memo = new Map<string, unknown>();
  const active = new Set<string>();
  const scope: EvalScope = {
    vars,
    bindings: new Map(),
    local(name: string): unknown {
      if (memo.has(name)) return memo.get(name);
      if (!Object.hasOwn(rawLocals, name) || active.has(name)) return new Unknown(`local.${name}`);
      active.add(name);
      const v = resolveValue(rawLocals[name], scope);
      active.delete(name);
      memo.set(name, v);
      return v;
    },
  };
  return scope;
}

function withBindings(scope: EvalScope, add: Record<string, unknown>): EvalScope {
  const b = new Map(scope.bindings);
  for (const [k, v] of Object.entries(add)) b.set(k, v);
  return { vars: scope.vars, local: scope.local, bindings: b };
}

// ---------------------------------------------------------------- resolution with dynamic blocks

const MAX_INSTANCES = 1000;
/** Blocks all dynamic blocks of one resource may produce: nesting multiplies, so depth alone is no bound. */
export const MAX_DYNAMIC_BLOCKS = 10_000;

/** Expanded dynamic blocks remember where their `content` block is, for line lookup. */
const ORIGIN = new WeakMap<object, RawPath>();

interface Ctx {
  notes: ResourceNote[];
  address: string;
  lineOf(raw: RawPath): number;
  /** Dynamic blocks this resource may still produce. */
  budget: number;
  /** Lines of dynamic blocks already reported as not expanded (once each, however often reached). */
  unexpanded: Set<number>;
}

function iterable(v: unknown): [unknown, unknown][] | undefined {
  if (Array.isArray(v)) return v.map((x, i) => [typeof x === 'string' || typeof x === 'number' ? x : i, x]);
  if (isObj(v)) return Object.entries(v);
  return undefined;
}

function resolveNode(v: unknown, scope: EvalScope, raw: RawPath, ctx: Ctx, depth: number): unknown {
  if (depth > 48) return new Unknown('…');
  if (typeof v === 'string') return evalString(v, scope);
  if (Array.isArray(v)) return v.map((x, i) => resolveNode(x, scope, [...raw, i], ctx, depth + 1));
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'dynamic') continue;
    out[k] = resolveNode(x, scope, [...raw, k], ctx, depth + 1);
  }
  if (isObj(v.dynamic)) {
    for (const [label, specs] of Object.entries(v.dynamic)) {
      (Array.isArray(specs) ? specs : [specs]).forEach((spec, si) => {
        if (!isObj(spec)) return;
        const specRaw: RawPath = [...raw, 'dynamic', label, si];
        const items = iterable(resolveValue(spec.for_each, scope));
        if (!items || items.length > MAX_INSTANCES) {
          ctx.notes.push({ address: ctx.address, line: ctx.lineOf([...specRaw, 'for_each']), message: `dynamic "${label}": for_each is not known before apply; its blocks were not judged` });
          return;
        }
        if (items.length > ctx.budget) {
          ctx.budget = 0;
          const line = ctx.lineOf([...specRaw, 'for_each']);
          if (ctx.unexpanded.has(line)) return;
          ctx.unexpanded.add(line);
          const message = `dynamic "${label}": not expanded, the resource would produce more than ${MAX_DYNAMIC_BLOCKS} dynamic blocks; its blocks were not judged`;
          ctx.notes.push({ address: ctx.address, line, message });
          return;
        }
        ctx.budget -= items.length;
        const iterName = typeof spec.iterator === 'string' ? spec.iterator.replace(/^\$\{|\}$/g, '') : label;
        const content = firstBody(spec.content) ?? {};
        const contentRaw: RawPath = [...specRaw, 'content', 0];
        const list = Array.isArray(out[label]) ? (out[label] as unknown[]) : [];
        for (const [key, value] of items) {
          const inner = withBindings(scope, { [iterName]: { key, value } });
          const block = resolveNode(content, inner, contentRaw, ctx, depth + 1);
          if (isObj(block)) ORIGIN.set(block, contentRaw);
          list.push(block);
        }
        out[label] = list;
      });
    }
  }
  return out;
}

/** Line lookup through resolved values: expanded dynamic blocks jump to their content block. */
function rawPathOf(values: Obj, path: Path): RawPath {
  let raw: (string | number)[] = [];
  let cur: unknown = values;
  for (const seg of path) {
    const next: unknown = Array.isArray(cur) && typeof seg === 'number' ? cur[seg] : isObj(cur) && typeof seg === 'string' ? cur[seg] : undefined;
    const origin = typeof next === 'object' && next !== null ? ORIGIN.get(next) : undefined;
    if (origin) raw = [...origin];
    else raw.push(seg);
    cur = next;
  }
  return raw;
}

/** Every managed resource of one parsed .tf file, expanded over count / for_each. */
export function resourcesOfBody(body: HclBody, root: OutlineBlock, scope: EvalScope, notes: ResourceNote[]): TfResource[] {
  const out: TfResource[] = [];
  if (!isObj(body.resource)) return out;
  for (const [type, byName] of Object.entries(body.resource)) {
    if (!isObj(byName)) continue;
    for (const [name, decl] of Object.entries(byName)) {
      const raw = firstBody(decl);
      if (!raw) continue;
      const block = findResource(root, type, name);
      const lineOfRaw = (p: RawPath): number => (block ? lineIn(block, p) : 1);
      const base = `${type}.${name}`;
      for (const inst of instances(raw, scope, base, lineOfRaw, notes)) {
        const ctx: Ctx = { notes, address: inst.address, lineOf: lineOfRaw, budget: MAX_DYNAMIC_BLOCKS, unexpanded: new Set() };
        const values = resolveNode(raw, inst.scope, [], ctx, 0);
        if (!isObj(values)) continue;
        out.push({ type, name, address: inst.address, values, lineOf: (p) => lineOfRaw(rawPathOf(values, p)) });
      }
    }
  }
  return out;
}

function instances(raw: Obj, scope: EvalScope, base: string, lineOf: (p: RawPath) => number, notes: ResourceNote[]): { address: string; scope: EvalScope }[] {
  if (raw.count !== undefined) {
    const n = resolveValue(raw.count, scope);
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_INSTANCES) {
      return Array.from({ length: n }, (_, i) => ({ address: `${base}[${i}]`, scope: withBindings(scope, { count: { index: i } }) }));
    }
    if (typeof n === 'boolean') return n ? [{ address: base, scope }] : [];
    // Unknown count: judge one instance; count.index stays unknown.
    return [{ address: base, scope: withBindings(scope, { count: { index: new Unknown('count.index') } }) }];
  }
  if (raw.for_each !== undefined) {
    const items = iterable(resolveValue(raw.for_each, scope));
    if (!items || items.length > MAX_INSTANCES) {
      notes.push({ address: base, line: lineOf(['for_each']), message: 'for_each is not known before apply; judged once with each.* unknown' });
      return [{ address: base, scope: withBindings(scope, { each: { key: new Unknown('each.key'), value: new Unknown('each.value') } }) }];
    }
    return items.map(([key, value]) => ({ address: `${base}[${JSON.stringify(String(key))}]`, scope: withBindings(scope, { each: { key, value } }) }));
  }
  return [{ address: base, scope }];
}

// ---------------------------------------------------------------- value helpers for checks

/** A block attribute as a list of bodies (hcl2json and plans both use arrays). */
export function blocks(v: unknown): Obj[] {
  if (Array.isArray(v)) return v.filter(isObj);
  return isObj(v) ? [v] : [];
}

export function asList(v: unknown): unknown[] | Unknown | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return v;
  return Array.isArray(v) ? v : [v];
}

export { asNumber, asText } from '../../util/values.js';

/** true / false / undefined (unset) / Unknown (depends on apply-time input). */
export function asBool(v: unknown): boolean | undefined | Unknown {
  if (isUnknown(v)) return v;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}
