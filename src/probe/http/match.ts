import type { Extractor, Matcher, MatchNode } from '../../catalog/signatures.js';

/** One HTTP response as the signatures see it: header names lower-case, repeated headers joined by "\n". */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Responses by signature request id; undefined = the request got no HTTP answer. */
export type ResponseMap = ReadonlyMap<string, HttpResponse | undefined>;

const jsonCache = new WeakMap<HttpResponse, { ok: boolean; value: unknown }>();

function parsedJson(r: HttpResponse): { ok: boolean; value: unknown } {
  let hit = jsonCache.get(r);
  if (!hit) {
    try {
      hit = { ok: true, value: JSON.parse(r.body) as unknown };
    } catch {
      hit = { ok: false, value: undefined };
    }
    jsonCache.set(r, hit);
  }
  return hit;
}

/** RFC 6901 JSON pointer; `found` distinguishes a null value from a missing key. */
export function jsonPointer(doc: unknown, pointer: string): { found: boolean; value: unknown } {
  if (pointer === '') return { found: true, value: doc };
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(key) || Number(key) >= cur.length) return { found: false, value: undefined };
      cur = cur[Number(key)];
    } else if (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, key)) {
      cur = (cur as Record<string, unknown>)[key];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: cur };
}

const regexCache = new Map<string, RegExp>();
/** Signature regexes are JS syntax; a leading (?i) (nuclei habit) becomes the i flag. */
export function compileRegex(src: string): RegExp {
  let re = regexCache.get(src);
  if (!re) {
    re = src.startsWith('(?i)') ? new RegExp(src.slice(4), 'i') : new RegExp(src);
    regexCache.set(src, re);
  }
  return re;
}

/** A matched value as the text a regex or `contains` is tried on (objects as JSON). */
function matchText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v) ?? '';
}

function testValue(m: Matcher, present: boolean, value: unknown): boolean {
  if (m.exists !== undefined) return present === m.exists;
  if (!present) return false;
  if (m.equals !== undefined) {
    // Numbers and strings compare by text ("200" equals 200); booleans and objects only strictly.
    const scalar = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number';
    return value === m.equals || (scalar(value) && scalar(m.equals) && String(value) === String(m.equals));
  }
  if (m.in !== undefined) return typeof value === 'number' && m.in.includes(value);
  if (m.contains !== undefined) return matchText(value).includes(m.contains);
  if (m.regex !== undefined) return compileRegex(m.regex).test(matchText(value));
  return false;
}

function matchLeaf(m: Matcher, responses: ResponseMap): boolean {
  const r = responses.get(m.request);
  // No answer at all never satisfies a matcher, negated or not: absence of evidence is not evidence.
  if (!r) return false;
  let result: boolean;
  switch (m.part) {
    case 'status':
      result = testValue(m, true, r.status);
      break;
    case 'header': {
      const v = r.headers[m.name ?? ''];
      result = testValue(m, v !== undefined, v);
      break;
    }
    case 'body':
      result = testValue(m, true, r.body);
      break;
    case 'json': {
      const j = parsedJson(r);
      const hit = j.ok ? jsonPointer(j.value, m.path ?? '') : { found: false, value: undefined };
      result = testValue(m, hit.found, hit.value);
      break;
    }
  }
  return m.negate ? !result : result;
}

export function matchNode(node: MatchNode, responses: ResponseMap): boolean {
  if ('all' in node) return node.all.every((n) => matchNode(n, responses));
  if ('any' in node) return node.any.some((n) => matchNode(n, responses));
  return matchLeaf(node, responses);
}

/**
 * The requests whose responses made a match tree true: every child of an `all`, the first true branch of
 * an `any`. Empty when the tree does not match. Used to name the page that proved a verdict.
 */
export function matchedRequests(nodes: readonly MatchNode[], responses: ResponseMap): string[] {
  const out: string[] = [];
  const visit = (n: MatchNode): boolean => {
    if ('all' in n) return n.all.every(visit);
    if ('any' in n) return n.any.some((c) => {
      const mark = out.length;
      if (visit(c)) return true;
      out.length = mark;
      return false;
    });
    if (!matchLeaf(n, responses)) return false;
    if (!out.includes(n.request)) out.push(n.request);
    return true;
  };
  return nodes.every(visit) ? out : [];
}

/** A top-level list means all of them. */
export function matchAll(nodes: readonly MatchNode[], responses: ResponseMap): boolean {
  return nodes.every((n) => matchNode(n, responses));
}

/** First extractor that yields a non-empty value wins. */
export function extractFirst(extractors: readonly Extractor[], responses: ResponseMap): string | undefined {
  for (const x of extractors) {
    const r = responses.get(x.request);
    if (!r) continue;
    let text: string | undefined;
    if (x.part === 'header') text = r.headers[x.name ?? ''];
    else if (x.part === 'body') text = r.body;
    else {
      const j = parsedJson(r);
      const hit = j.ok ? jsonPointer(j.value, x.path ?? '') : undefined;
      text = hit?.found && hit.value !== null && typeof hit.value !== 'object' ? matchText(hit.value) : undefined;
    }
    if (text === undefined) continue;
    if (x.regex !== undefined) {
      const m = compileRegex(x.regex).exec(text);
      text = m ? (m[1] ?? m[0]) : undefined;
    }
    const v = text?.trim();
    // Bounded: a version string is short; anything longer is not a version.
    if (v && v.length <= 64) return v;
  }
  return undefined;
}
