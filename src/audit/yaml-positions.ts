/**
 * Line numbers for paths inside YAML and JSON documents (JSON is read as YAML 1.2 flow style).
 * Auditors work on plain values (`value`) and ask `lineOf(path)` only when they report, so the
 * rule logic never touches parser nodes.
 */
import { LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { InputProblem } from './types.js';
import { isObject } from '../util/values.js';

export type PathSegment = string | number;
export type YamlPath = readonly PathSegment[];

export interface PositionedDocument {
  /** 0-based index of the document in its stream (`---` separated). */
  index: number;
  /** Plain JS value of the document (objects, arrays, scalars); null for an empty document. */
  value: unknown;
  /** 1-based line where the document's content starts. */
  startLine: number;
  /**
   * 1-based line of the node at `path`: for a map key, the line of the key itself. When the path
   * does not exist, the line of its deepest existing ancestor (the place where the fix goes).
   */
  lineOf(path: YamlPath): number;
}

export interface ParsedYaml {
  documents: PositionedDocument[];
  problems: InputProblem[];
}

/** Hard limits so that hostile input (alias bombs, huge streams) is rejected, not expanded. */
const MAX_ALIAS_COUNT = 100;

/**
 * One problem for a document that does not parse. A truncated or broken JSON file makes the YAML parser
 * report the same fault at every open bracket; JSON's own parser names the first fault once.
 */
export function syntaxProblem(file: string, text: string, kind: string, index: number, errors: readonly { pos: [number, number]; message: string }[], lineAt: (offset: number) => number): InputProblem {
  const body = text.trimStart();
  if (index === 0 && (body.startsWith('{') || body.startsWith('['))) {
    try {
      JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const at = /at position (\d+)/.exec(msg);
      const pos = at ? Number(at[1]) : text.length;
      const truncated = pos >= text.trimEnd().length;
      const why = truncated ? 'the text ends before every bracket is closed (truncated?)' : msg.replace(/ in JSON at position \d+.*$/, '');
      const line = lineAt(Math.min(pos, text.length));
      return { file, line, message: `invalid JSON: ${why}` };
    }
  }
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return { file, line: lineAt(first.pos[0]), message: `${kind} document ${index + 1} skipped: ${first.message.split('\n')[0]}${more}` };
}

export function parseYamlDocuments(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const problems: InputProblem[] = [];
  const documents: PositionedDocument[] = [];
  let parsed;
  try {
    parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (err) {
    problems.push({ file, line: 1, message: `unreadable YAML/JSON: ${errorText(err)}` });
    return { documents, problems };
  }
  const list = Array.isArray(parsed) ? parsed : [];
  const lineAt = (offset: number): number => lineCounter.linePos(Math.max(0, offset)).line;
  list.forEach((doc, index) => {
    const startOffset = doc.contents?.range?.[0] ?? doc.range[0];
    if (doc.errors.length > 0) {
      problems.push(syntaxProblem(file, text, 'YAML', index, doc.errors, lineAt));
      return;
    }
    let value: unknown;
    try {
      value = plainValue(doc);
    } catch (err) {
      problems.push({ file, line: lineAt(startOffset), message: `YAML document ${index + 1} skipped: ${errorText(err)}` });
      return;
    }
    const root = doc.contents;
    documents.push({
      index,
      value: value ?? null,
      startLine: lineAt(startOffset),
      lineOf: (path) => lineAt(offsetOf(root, path) ?? startOffset),
    });
  });
  return { documents, problems };
}

/**
 * `doc.toJS()`. Manifests are plain maps, lists and scalars; for those a direct walk gives the same
 * value as the library's conversion for much less work. Anything else (anchors and aliases, merge
 * keys, collection keys, tagged collection types) goes through the library.
 */
function plainValue(doc: Document.Parsed): unknown {
  const v = simpleValue(doc.contents);
  return v === NOT_SIMPLE ? doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) : v;
}

const NOT_SIMPLE = Symbol('not simple');

function simpleValue(node: unknown): unknown {
  if (node === null) return null;
  if (typeof node !== 'object' || (node as { anchor?: string }).anchor) return NOT_SIMPLE;
  const proto: unknown = Object.getPrototypeOf(node);
  if (proto === Scalar.prototype) return 'addToJSMap' in node ? NOT_SIMPLE : (node as Scalar).value;
  if (proto === YAMLSeq.prototype) {
    const out: unknown[] = [];
    for (const item of (node as YAMLSeq).items) {
      const v = simpleValue(item);
      if (v === NOT_SIMPLE) return NOT_SIMPLE;
      out.push(v);
    }
    return out;
  }
  if (proto !== YAMLMap.prototype) return NOT_SIMPLE;
  const out: Record<string, unknown> = {};
  for (const item of (node as YAMLMap).items) {
    if (!(item instanceof Pair)) return NOT_SIMPLE;
    const key = simpleKey(item.key);
    if (key === undefined) return NOT_SIMPLE;
    const v = simpleValue(item.value);
    if (v === NOT_SIMPLE) return NOT_SIMPLE;
    // As the library does: a key an object already answers to (`__proto__`, `constructor`) becomes an own property.
    if (key in out) Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}

/** A map key as the library turns it into a property name; undefined for keys left to the library. */
function simpleKey(key: unknown): string | undefined {
  if (key === null) return '';
  if (typeof key !== 'object' || Object.getPrototypeOf(key) !== Scalar.prototype) return undefined;
  const k = key as Scalar;
  if (k.anchor || 'addToJSMap' in k) return undefined;
  const v = k.value;
  // `<<` may be a merge key (YAML 1.1, or the merge option); symbols are how the library marks them.
  if (v === '<<' || typeof v === 'symbol') return undefined;
  if (v === null) return '';
  if (typeof v === 'object' || typeof v === 'function') return undefined;
  return String(v);
}

/** Offset of the node at `path` (the key for map entries), or of the deepest ancestor found. */
export function offsetOf(root: unknown, path: YamlPath): number | undefined {
  let node: unknown = root;
  let best: number | undefined = rangeStart(root);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, seg));
      if (!pair) return best;
      best = rangeStart(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return best;
      best = rangeStart(item) ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function keyMatches(key: unknown, seg: PathSegment): boolean {
  if (isScalar(key)) return String(key.value) === String(seg);
  return false;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] ?? err.name : String(err);
}

export { asArray, asObject, asText, isObject, type PlainObject } from '../util/values.js';

/** Value at a path of plain objects/arrays. */
export function getPath(root: unknown, path: YamlPath): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[seg];
    } else {
      if (!isObject(v)) return undefined;
      v = Object.hasOwn(v, seg) ? v[seg] : undefined;
    }
  }
  return v;
}
