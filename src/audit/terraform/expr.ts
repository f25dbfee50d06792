/**
 * A small evaluator for the Terraform expressions hcl2json leaves as "${…}" strings. It knows
 * literals, lists/objects, var./local./each./count./iterator references, conditionals, `for`
 * expressions and a handful of pure collection functions. Anything that depends on apply-time
 * state (resource attributes, data sources, unknown functions) evaluates to an Unknown carrying
 * the source text, so a rule can say "not judged" instead of guessing.
 */

export class Unknown {
  constructor(readonly expr: string) {}
}

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

/** True when `v` or anything inside it is Unknown. */
export function hasUnknown(v: unknown, depth = 0): boolean {
  if (v instanceof Unknown) return true;
  if (depth > 32) return true;
  if (Array.isArray(v)) return v.some((x) => hasUnknown(x, depth + 1));
  if (typeof v === 'object' && v !== null) return Object.values(v).some((x) => hasUnknown(x, depth + 1));
  return false;
}

export interface EvalScope {
  /** var.NAME */
  vars: Record<string, unknown>;
  /** local.NAME, resolved on demand. */
  local(name: string): unknown;
  /** Iterator and for-expression bindings: each, count, ingress (dynamic), x (for). */
  bindings: ReadonlyMap<string, unknown>;
}

// ---------------------------------------------------------------- templates

type Part = { lit: string } | { expr: string };

/** Split "a${x}b" into literal and expression parts, respecting nested braces and strings. */
export function splitTemplate(s: string): Part[] | undefined {
  const parts: Part[] = [];
  let lit = '';
  let i = 0;
  while (i < s.length) {
    if (s[i] === '$' && s[i + 1] === '$' && s[i + 2] === '{') {
      lit += '${';
      i += 3;
      continue;
    }
    if ((s[i] === '$' || s[i] === '%') && s[i + 1] === '{') {
      if (s[i] === '%') return undefined; // template directives: not evaluated
      const end = matchBrace(s, i + 1);
      if (end < 0) return undefined;
      if (lit) parts.push({ lit });
      lit = '';
      parts.push({ expr: s.slice(i + 2, end).replace(/^~|~$/g, '').trim() });
      i = end + 1;
      continue;
    }
    lit += s[i];
    i++;
  }
  if (lit) parts.push({ lit });
  return parts;
}

function matchBrace(s: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
    i++;
  }
  return -1;
}

/** Evaluate an hcl2json string value: plain text, one "${expr}" (any type), or a template (string). */
export function evalString(s: string, scope: EvalScope): unknown {
  if (!s.includes('${') && !s.includes('%{')) return s;
  const parts = splitTemplate(s);
  if (!parts) return new Unknown(s);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && 'expr' in only) return evalExpr(only.expr, scope);
  let out = '';
  for (const p of parts) {
    if ('lit' in p) {
      out += p.lit;
      continue;
    }
    const v = evalExpr(p.expr, scope);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out += String(v);
    else return new Unknown(s);
  }
  return out;
}

// ---------------------------------------------------------------- expressions

type Token = { t: 'num'; v: number } | { t: 'str'; v: string } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'eof' };

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '=>', '...', '[*]', '.*', '{', '}', '[', ']', '(', ')', ',', '.', ':', '?', '=', '!', '<', '>', '+', '-', '*', '/', '%'];

function lex(src: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) return undefined;
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let raw = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') {
          const e = src[j + 1];
          raw += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
          j += 2;
          continue;
        }
        if ((src[j] === '$' || src[j] === '%') && src[j + 1] === '{') {
          const end = matchBrace(src, j + 1);
          if (end < 0) return undefined;
          raw += src.slice(j, end + 1);
          j = end + 1;
          continue;
        }
        raw += src[j];
        j++;
      }
      if (j >= src.length) return undefined;
      out.push({ t: 'str', v: raw });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
      const word = (m as RegExpExecArray)[0];
      out.push({ t: 'id', v: word });
      i += word.length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) return undefined;
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  out.push({ t: 'eof' });
  return out;
}

const MAX_DEPTH = 64;
const MAX_ITEMS = 10_000;

class Parser {
  private p = 0;
  private depth = 0;
  constructor(
    private readonly toks: Token[],
    private readonly src: string,
  ) {}

  private peek(): Token {
    return this.toks[this.p] ?? { t: 'eof' };
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private take(v: string): boolean {
    if (this.isOp(v)) {
      this.p++;
      return true;
    }
    return false;
  }
  private expect(v: string): void {
    if (!this.take(v)) throw new SyntaxError(`expected ${v}`);
  }
  atEnd(): boolean {
    return this.peek().t === 'eof';
  }

  // Each parse step returns a thunk: evaluation is deferred so `for` can bind per element.
  expr(): (s: EvalScope) => unknown {
    if (++this.depth > MAX_DEPTH) throw new SyntaxError('too deep');
    try {
      const cond = this.binary(0);
      if (this.take('?')) {
        const a = this.expr();
        this.expect(':');
        const b = this.expr();
        return (s) => {
          const c = cond(s);
          if (typeof c !== 'boolean') return new Unknown(this.src);
          return c ? a(s) : b(s);
        };
      }
      return cond;
    } finally {
      this.depth--;
    }
  }

  private static readonly LEVELS = [['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): (s: EvalScope) => unknown {
    if (level >= Parser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    const ops = Parser.LEVELS[level] as string[];
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || !ops.includes(t.v)) return left;
      this.p++;
      const right = this.binary(level + 1);
      const l = left;
      const op = t.v;
      left = (s) => binop(op, l(s), right(s), this.src);
    }
  }

  private unary(): (s: EvalScope) => unknown {
    if (this.take('!')) {
      const v = this.unary();
      return (s) => {
        const x = v(s);
        return typeof x === 'boolean' ? !x : new Unknown(this.src);
      };
    }
    if (this.take('-')) {
      const v = this.unary();
      return (s) => {
        const x = v(s);
        return typeof x === 'number' ? -x : new Unknown(this.src);
      };
    }
    return this.postfix(this.primary());
  }

  private postfix(base: (s: EvalScope) => unknown): (s: EvalScope) => unknown {
    let cur = base;
    for (;;) {
      if (this.take('.')) {
        const t = this.peek();
        this.p++;
        if (t.t === 'id') {
          const prev = cur;
          cur = (s) => getAttr(prev(s), t.v, this.src);
        } else if (t.t === 'num') {
          const prev = cur;
          cur = (s) => getIndex(prev(s), t.v, this.src);
        } else throw new SyntaxError('bad attribute');
      } else if (this.take('[')) {
        const idx = this.expr();
        this.expect(']');
        const prev = cur;
        cur = (s) => getIndex(prev(s), idx(s), this.src);
      } else if (this.take('[*]') || this.take('.*')) {
        // Splat: the rest of the traversal applies to each element.
        const prev = cur;
        const names: string[] = [];
        while (this.isOp('.') && this.toks[this.p + 1]?.t === 'id') {
          this.p++;
          names.push((this.toks[this.p] as { v: string }).v);
          this.p++;
        }
        cur = (s) => {
          const v = prev(s);
          if (v instanceof Unknown) return v;
          const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
          return list.map((el) => names.reduce((acc: unknown, n) => getAttr(acc, n, this.src), el));
        };
      } else return cur;
    }
  }

  private primary(): (s: EvalScope) => unknown {
    const t = this.peek();
    this.p++;
    if (t.t === 'num') return () => t.v;
    if (t.t === 'str') return (s) => evalString(t.v, s);
    if (t.t === 'id') {
      if (t.v === 'true') return () => true;
      if (t.v === 'false') return () => false;
      if (t.v === 'null') return () => null;
      if (this.isOp('(')) return this.call(t.v);
      const name = t.v;
      return (s) => lookupRoot(name, s);
    }
    if (t.t === 'op') {
      if (t.v === '(') {
        const e = this.expr();
        this.expect(')');
        return e;
      }
      if (t.v === '[') return this.listOrFor();
      if (t.v === '{') return this.objectOrFor();
    }
    throw new SyntaxError('unexpected token');
  }

  private call(name: string): (s: EvalScope) => unknown {
    this.expect('(');
    const args: ((s: EvalScope) => unknown)[] = [];
    let spread = false;
    while (!this.isOp(')')) {
      args.push(this.expr());
      if (this.take('...')) spread = true;
      if (!this.take(',')) break;
    }
    this.expect(')');
    return (s) => {
      let vals = args.map((a) => a(s));
      if (spread) {
        const last = vals[vals.length - 1];
        if (!Array.isArray(last)) return new Unknown(this.src);
        vals = [...vals.slice(0, -1), ...last];
      }
      return callFunction(name, vals, this.src);
    };
  }

  private listOrFor(): (s: EvalScope) => unknown {
    if (this.peek().t === 'id' && (this.peek() as { v: string }).v === 'for') return this.forExpr(']', false);
    const items: ((s: EvalScope) => unknown)[] = [];
    while (!this.isOp(']')) {
      items.push(this.expr());
      if (!this.take(',')) break;
    }
    this.expect(']');
    return (s) => items.map((i) => i(s));
  }

  private objectOrFor(): (s: EvalScope) => unknown {
    if (this.peek().t === 'id' && (this.peek() as { v: string }).v === 'for') return this.forExpr('}', true);
    const entries: [(s: EvalScope) => unknown, (s: EvalScope) => unknown][] = [];
    while (!this.isOp('}')) {
      const kt = this.peek();
      let key: (s: EvalScope) => unknown;
      if (kt.t === 'id' && this.toks[this.p + 1]?.t === 'op' && ['=', ':'].includes((this.toks[this.p + 1] as { v: string }).v)) {
        this.p++;
        key = () => kt.v;
      } else key = this.expr();
      if (!this.take('=') && !this.take(':')) throw new SyntaxError('expected = in object');
      entries.push([key, this.expr()]);
      this.take(',');
    }
    this.expect('}');
    return (s) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of entries) {
        const key = k(s);
        if (typeof key !== 'string' && typeof key !== 'number') return new Unknown(this.src);
        o[String(key)] = v(s);
      }
      return o;
    };
  }

  private forExpr(close: string, isObject: boolean): (s: EvalScope) => unknown {
    this.p++; // for
    const a = this.peek();
    if (a.t !== 'id') throw new SyntaxError('for: name expected');
    this.p++;
    let keyName: string | undefined;
    let valName = a.v;
    if (this.take(',')) {
      const b = this.peek();
      if (b.t !== 'id') throw new SyntaxError('for: name expected');
      this.p++;
      keyName = a.v;
      valName = b.v;
    }
    const inTok = this.peek();
    if (inTok.t !== 'id' || inTok.v !== 'in') throw new SyntaxError('for: in expected');
    this.p++;
    const coll = this.expr();
    this.expect(':');
    const first = this.expr();
    let second: ((s: EvalScope) => unknown) | undefined;
    if (isObject) {
      this.expect('=>');
      second = this.expr();
      this.take('...');
    }
    let cond: ((s: EvalScope) => unknown) | undefined;
    const it = this.peek();
    if (it.t === 'id' && it.v === 'if') {
      this.p++;
      cond = this.expr();
    }
    this.expect(close);
    return (s) => {
      const c = coll(s);
      if (c instanceof Unknown || c === null || typeof c !== 'object') return new Unknown(this.src);
      const pairs: [unknown, unknown][] = Array.isArray(c) ? c.map((v, i) => [i, v]) : Object.entries(c);
      if (pairs.length > MAX_ITEMS) return new Unknown(this.src);
      const outList: unknown[] = [];
      const outObj: Record<string, unknown> = {};
      for (const [k, v] of pairs) {
        const b = new Map(s.bindings);
        if (keyName) b.set(keyName, k);
        b.set(valName, v);
        const inner: EvalScope = { vars: s.vars, local: s.local, bindings: b };
        if (cond) {
          const ok = cond(inner);
          if (typeof ok !== 'boolean') return new Unknown(this.src);
          if (!ok) continue;
        }
        if (isObject && second) {
          const key = first(inner);
          if (typeof key !== 'string' && typeof key !== 'number') return new Unknown(this.src);
          outObj[String(key)] = second(inner);
        } else outList.push(first(inner));
      }
      return isObject ? outObj : outList;
    };
  }
}

function lookupRoot(name: string, s: EvalScope): unknown {
  if (s.bindings.has(name)) return s.bindings.get(name);
  if (name === 'var') return new RootRef('var', s);
  if (name === 'local') return new RootRef('local', s);
  return new Unknown(name);
}

/** `var` and `local` as values whose attributes are looked up on access. */
class RootRef {
  constructor(
    readonly kind: 'var' | 'local',
    readonly scope: EvalScope,
  ) {}
  get(name: string): unknown {
    if (this.kind === 'var') return Object.hasOwn(this.scope.vars, name) ? this.scope.vars[name] : new Unknown(`var.${name}`);
    return this.scope.local(name);
  }
}

function getAttr(v: unknown, name: string, src: string): unknown {
  if (v instanceof RootRef) return v.get(name);
  if (v instanceof Unknown) return v;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    return Object.hasOwn(v, name) ? (v as Record<string, unknown>)[name] : new Unknown(src);
  }
  return new Unknown(src);
}

function getIndex(v: unknown, idx: unknown, src: string): unknown {
  if (v instanceof RootRef) return typeof idx === 'string' ? v.get(idx) : new Unknown(src);
  if (v instanceof Unknown || idx instanceof Unknown) return new Unknown(src);
  if (Array.isArray(v) && typeof idx === 'number') return idx >= 0 && idx < v.length ? v[idx] : new Unknown(src);
  if (typeof v === 'object' && v !== null && (typeof idx === 'string' || typeof idx === 'number')) {
    const k = String(idx);
    return Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : new Unknown(src);
  }
  return new Unknown(src);
}

function binop(op: string, a: unknown, b: unknown, src: string): unknown {
  if (a instanceof Unknown || b instanceof Unknown) return new Unknown(src);
  switch (op) {
    case '==':
      return JSON.stringify(a) === JSON.stringify(b);
    case '!=':
      return JSON.stringify(a) !== JSON.stringify(b);
    case '&&':
      return typeof a === 'boolean' && typeof b === 'boolean' ? a && b : new Unknown(src);
    case '||':
      return typeof a === 'boolean' && typeof b === 'boolean' ? a || b : new Unknown(src);
  }
  const x = typeof a === 'string' && /^-?\d+(\.\d+)?$/.test(a) ? Number(a) : a;
  const y = typeof b === 'string' && /^-?\d+(\.\d+)?$/.test(b) ? Number(b) : b;
  if (typeof x !== 'number' || typeof y !== 'number') return new Unknown(src);
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? new Unknown(src) : x / y;
    case '%':
      return y === 0 ? new Unknown(src) : x % y;
  }
  return new Unknown(src);
}

function uniq(list: unknown[]): unknown[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function flat(v: unknown, depth = 0): unknown[] {
  if (!Array.isArray(v) || depth > 32) return [v];
  return v.flatMap((x) => (Array.isArray(x) ? flat(x, depth + 1) : [x]));
}

/** Pure functions whose result does not depend on the world. Unknown in, Unknown out. */
function callFunction(name: string, args: unknown[], src: string): unknown {
  if (name === 'try') return args.find((a) => !hasUnknown(a)) ?? new Unknown(src);
  if (name === 'coalesce') return args.find((a) => a !== null && a !== '' && !(a instanceof Unknown)) ?? new Unknown(src);
  if (args.some((a) => a instanceof Unknown)) return new Unknown(src);
  const [a, b, c] = args;
  switch (name) {
    case 'tolist':
    case 'toset':
      return Array.isArray(a) ? (name === 'toset' ? uniq(a) : a) : new Unknown(src);
    case 'concat':
      return args.every(Array.isArray) ? (args as unknown[][]).flat() : new Unknown(src);
    case 'flatten':
      return Array.isArray(a) ? flat(a) : new Unknown(src);
    case 'distinct':
      return Array.isArray(a) ? uniq(a) : new Unknown(src);
    case 'compact':
      return Array.isArray(a) ? a.filter((x) => x !== null && x !== '') : new Unknown(src);
    case 'length':
      if (Array.isArray(a)) return a.length;
      if (typeof a === 'string') return a.length;
      if (typeof a === 'object' && a !== null) return Object.keys(a).length;
      return new Unknown(src);
    case 'element':
      return Array.isArray(a) && typeof b === 'number' && a.length > 0 ? a[b % a.length] : new Unknown(src);
    case 'lookup':
      if (typeof a === 'object' && a !== null && !Array.isArray(a) && typeof b === 'string') {
        return Object.hasOwn(a, b) ? (a as Record<string, unknown>)[b] : args.length > 2 ? c : new Unknown(src);
      }
      return new Unknown(src);
    case 'merge':
      return args.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)) ? args.reduce<Record<string, unknown>>((m, x) => Object.assign(m, x), {}) : new Unknown(src);
    case 'keys':
      return typeof a === 'object' && a !== null && !Array.isArray(a) ? Object.keys(a).sort() : new Unknown(src);
    case 'values':
      return typeof a === 'object' && a !== null && !Array.isArray(a) ? Object.keys(a).sort().map((k) => (a as Record<string, unknown>)[k]) : new Unknown(src);
    case 'tostring':
      return typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean' ? String(a) : new Unknown(src);
    case 'tonumber':
      return typeof a === 'number' ? a : typeof a === 'string' && /^-?\d+(\.\d+)?$/.test(a) ? Number(a) : new Unknown(src);
    case 'tobool':
      return typeof a === 'boolean' ? a : a === 'true' ? true : a === 'false' ? false : new Unknown(src);
    case 'join':
      return typeof a === 'string' && Array.isArray(b) && b.every((x) => typeof x === 'string' || typeof x === 'number') ? b.join(a) : new Unknown(src);
    case 'split':
      return typeof a === 'string' && typeof b === 'string' ? b.split(a) : new Unknown(src);
    case 'lower':
      return typeof a === 'string' ? a.toLowerCase() : new Unknown(src);
    case 'upper':
      return typeof a === 'string' ? a.toUpperCase() : new Unknown(src);
    case 'contains':
      return Array.isArray(a) ? a.some((x) => JSON.stringify(x) === JSON.stringify(b)) : new Unknown(src);
    default:
      return new Unknown(src);
  }
}

/** Evaluate one expression's source text; never throws. */
export function evalExpr(src: string, scope: EvalScope): unknown {
  try {
    const toks = lex(src);
    if (!toks) return new Unknown(src);
    const p = new Parser(toks, src);
    const thunk = p.expr();
    if (!p.atEnd()) return new Unknown(src);
    const v = thunk(scope);
    // Report the whole expression, not the first unknown root, so callers can see what it refers to.
    return v instanceof RootRef || v instanceof Unknown ? new Unknown(src) : v;
  } catch {
    return new Unknown(src);
  }
}

/** Resolve every string inside an hcl2json value (lists and objects included). */
export function resolveValue(v: unknown, scope: EvalScope, depth = 0): unknown {
  if (depth > 64) return new Unknown('…');
  if (typeof v === 'string') return evalString(v, scope);
  if (Array.isArray(v)) return v.map((x) => resolveValue(x, scope, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = resolveValue(x, scope, depth + 1);
    return o;
  }
  return v;
}
