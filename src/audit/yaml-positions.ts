/**
 * Line numbers for paths inside YAML and JSON documents (JSON is read as YAML 1.2 flow style).
 * Auditors work on plain values (`value`) and ask `lineOf(path)` only when they report, so the
 * rule logic never touches parser nodes.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import type { InputProblem } from './types.js';

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
      for (const e of doc.errors) {
        problems.push({ file, line: lineAt(e.pos[0]), message: `YAML document ${index + 1} skipped: ${e.message.split('\n')[0]}` });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
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

/** Offset of the node at `path` (the key for map entries), or of the deepest ancestor found. */
function offsetOf(root: unknown, path: YamlPath): number | undefined {
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

/** Narrowing helpers for plain values read out of documents. */
export type PlainObject = Record<string, unknown>;

export function isObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown): PlainObject | undefined {
  return isObject(v) ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A scalar as text (numbers and booleans too); undefined for maps, lists and null. */
export function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

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
