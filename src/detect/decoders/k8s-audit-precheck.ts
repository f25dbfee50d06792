/**
 * What a Kubernetes audit line says at its top level — kind, stage, auditID, verb, objectRef.resource,
 * user.username — read from the raw text without parsing it, whatever the key order or spacing (pipelines
 * re-serialise events with sorted keys, so `annotations` and `requestObject` may come first).
 *
 * The walk follows the JSON structure (strings, brackets) to know what is at the top level, reads the
 * values it wants when they are plain strings, and skips the rest without building anything. It does
 * not validate what it skips: callers use it only to decide what need not be parsed yet, and must not
 * treat a line as well-formed because it answered. It answers undefined for anything unusual (not one
 * object, an escape in a value it wants, unbalanced brackets).
 */

export interface AuditLineFacts {
  kind?: string;
  stage?: string;
  auditID?: string;
  verb?: string;
  resource?: string;
  user?: string;
}

const QUOTE = 34;
const BACKSLASH = 92;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function skipSpace(s: string, p: number): number {
  while (p < s.length && isSpace(s.charCodeAt(p))) p++;
  return p;
}

/** The index after the string starting at the quote at p, or -1. */
function stringEnd(s: string, p: number): number {
  for (let q = s.indexOf('"', p + 1); q >= 0; q = s.indexOf('"', q + 1)) {
    let bs = 0;
    while (s.charCodeAt(q - 1 - bs) === BACKSLASH) bs++;
    if (bs % 2 === 0) return q + 1;
  }
  return -1;
}

/** The string value at p without escapes, or undefined (not a string, or escaped: left to the parser). */
function plainString(s: string, p: number, end: number): string | undefined {
  if (s.charCodeAt(p) !== QUOTE) return undefined;
  const text = s.slice(p + 1, end - 1);
  return text.includes('\\') ? undefined : text;
}

/** The index after the value starting at p (not validated), or -1. */
function valueEnd(s: string, p: number): number {
  const c = s.charCodeAt(p);
  if (c === QUOTE) return stringEnd(s, p);
  if (c !== 123 && c !== 91) {
    // A number or a literal: up to the next delimiter.
    while (p < s.length) {
      const d = s.charCodeAt(p);
      if (d === 44 || d === 125 || d === 93 || isSpace(d)) break;
      p++;
    }
    return p;
  }
  let depth = 0;
  while (p < s.length) {
    const d = s.charCodeAt(p);
    if (d === QUOTE) {
      p = stringEnd(s, p);
      if (p < 0) return -1;
      continue;
    }
    if (d === 123 || d === 91) depth++;
    else if (d === 125 || d === 93) {
      depth--;
      if (depth === 0) return p + 1;
    }
    p++;
  }
  return -1;
}

/**
 * Walk the members of the object whose `{` is at p, calling `member(key, valueStart, valueEnd)` for each;
 * returns the index after its `}`, or -1 when the text does not follow the structure.
 */
function members(s: string, p: number, member: (key: string, from: number, to: number) => void): number {
  p = skipSpace(s, p + 1);
  if (s.charCodeAt(p) === 125) return p + 1;
  for (;;) {
    if (s.charCodeAt(p) !== QUOTE) return -1;
    const keyEnd = stringEnd(s, p);
    if (keyEnd < 0) return -1;
    const key = s.slice(p + 1, keyEnd - 1);
    p = skipSpace(s, keyEnd);
    if (s.charCodeAt(p) !== 58) return -1;
    p = skipSpace(s, p + 1);
    const end = valueEnd(s, p);
    if (end < 0) return -1;
    member(key, p, end);
    p = skipSpace(s, end);
    const d = s.charCodeAt(p);
    if (d === 125) return p + 1;
    if (d !== 44) return -1;
    p = skipSpace(s, p + 1);
  }
}

/** One nested object's plain string member (objectRef.resource, user.username). */
function memberOf(s: string, from: number, name: string): string | undefined | null {
  if (s.charCodeAt(from) !== 123) return undefined;
  let out: string | undefined | null;
  const end = members(s, from, (key, a, b) => {
    if (key === name) out = s.charCodeAt(a) === QUOTE ? (plainString(s, a, b) ?? null) : undefined;
  });
  return end < 0 ? null : out;
}

/** The top-level facts of one line holding one JSON object, or undefined when the walk cannot tell. */
export function scanAuditLine(text: string): AuditLineFacts | undefined {
  const start = skipSpace(text, 0);
  if (text.charCodeAt(start) !== 123) return undefined;
  const facts: AuditLineFacts = {};
  let unclear = false;
  const want = (v: string | undefined | null): string | undefined => {
    if (v === null) unclear = true;
    return v ?? undefined;
  };
  const end = members(text, start, (key, a, b) => {
    switch (key) {
      case 'kind':
      case 'stage':
      case 'auditID':
      case 'verb':
        if (text.charCodeAt(a) === QUOTE) {
          const v = plainString(text, a, b);
          if (v === undefined) unclear = true;
          facts[key] = v;
        } else facts[key] = undefined;
        break;
      case 'objectRef':
        facts.resource = want(memberOf(text, a, 'resource'));
        break;
      case 'user':
        facts.user = want(memberOf(text, a, 'username'));
        break;
      default:
        break;
    }
  });
  if (end < 0 || unclear || skipSpace(text, end) !== text.length) return undefined;
  return facts;
}
