/**
 * The one way a catalogue file is read: YAML or JSON text → a zod schema of its kind → a typed value,
 * cached per file. Errors name the catalogue file, the line and the field, so a catalogue author can
 * fix the entry without reading code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import { parseYamlDocuments, type YamlPath } from '../audit/yaml-positions.js';
import { catalogPath, CATALOG_ROOT } from './paths.js';
import { compiledCatalogue } from './compiled.js';

/** A problem found beyond the schema (cross-field, cross-file), placed at a field when it has one. */
export interface CatalogueProblem {
  path?: YamlPath;
  message: string;
}

/** One kind of catalogue file: its schema and the checks zod cannot express. */
export interface CatalogueKind<T> {
  /** Names the shipped JSON Schema (catalog/schemas/<id>.schema.json). */
  id: string;
  /** What one file of this kind holds, in a sentence (also the JSON Schema's description). */
  description: string;
  schema: z.ZodType<T>;
  check?: (value: T) => ReadonlyArray<string | CatalogueProblem>;
}

export class CatalogueError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'CatalogueError';
  }
}

/**
 * Parse one catalogue file's text: `.json` files as JSON, everything else as YAML. Throws a
 * CatalogueError naming `file`, the line and the dotted field path of the first problem.
 */
export function parseCatalogue<T>(kind: CatalogueKind<T>, text: string, file: string): T {
  if (file.endsWith('.json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new CatalogueError(file, `invalid JSON: ${(e as Error).message}`);
    }
    // JSON is YAML 1.2: the YAML reader finds the line of a field, only needed when something is wrong
    return validateCatalogue(kind, value, file, (path) => parseYamlDocuments(file, text).documents[0]?.lineOf(path));
  }
  const { documents, problems } = parseYamlDocuments(file, text);
  const bad = problems[0];
  if (bad) throw new CatalogueError(file, bad.message, bad.line);
  if (documents.length !== 1) throw new CatalogueError(file, `expected one document, found ${documents.length}`, documents[1]?.startLine);
  const doc = documents[0] as (typeof documents)[number];
  return validateCatalogue(kind, doc.value, file, doc.lineOf);
}

function validateCatalogue<T>(kind: CatalogueKind<T>, value: unknown, file: string, lineOf: (path: YamlPath) => number | undefined): T {
  const res = kind.schema.safeParse(value);
  if (!res.success) {
    const issues = res.error.issues.slice(0, 3);
    const first = issues[0];
    const path = (first?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
    const more = issues.slice(1).map((i) => `; ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new CatalogueError(file, `${first?.message ?? 'invalid'}${more.join('')}`, lineOf(path), path.join('.') || '(root)');
  }
  for (const p of kind.check?.(res.data) ?? []) {
    const problem = typeof p === 'string' ? { message: p } : p;
    const path = problem.path ?? [];
    throw new CatalogueError(file, problem.message, lineOf(path), path.length > 0 ? path.join('.') : undefined);
  }
  return res.data;
}

const cache = new Map<string, unknown>();
/** Which kind each catalogue file read so far belongs to (for the schema-reference check). */
const readFiles = new Map<string, string>();

/** How a file is named in messages: relative to the package for shipped catalogues, as given otherwise. */
export function shownPath(absolute: string): string {
  const rel = relative(CATALOG_ROOT, absolute);
  return rel.startsWith('..') ? absolute : join('catalog', rel);
}

/** Read and validate one file (absolute path), once per process. */
export function readCatalogueFile<T>(kind: CatalogueKind<T>, absolute: string): T {
  const key = `${kind.id}\u0000${absolute}`;
  if (cache.has(key)) return cache.get(key) as T;
  const shown = shownPath(absolute);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    throw new CatalogueError(shown, `cannot read: ${(e as Error).message}`);
  }
  // The build's validated copy of this very text, when there is one (compiled.ts); else parse and validate.
  const compiled = compiledCatalogue(kind.id, absolute, text);
  const value = compiled ? (compiled.value as T) : parseCatalogue(kind, text, shown);
  cache.set(key, value);
  readFiles.set(absolute, kind.id);
  return value;
}

/** A shipped catalogue file, by its path under catalog/. */
export function readCatalogue<T>(kind: CatalogueKind<T>, ...parts: string[]): T {
  return readCatalogueFile(kind, catalogPath(...parts));
}

export interface CatalogueEntry<T> {
  /** File name inside the folder. */
  name: string;
  /** As shown in messages (catalog/… for shipped files). */
  file: string;
  value: T;
}

/** Every file of a folder whose name passes `accept` (default: *.yaml), in name order. */
export function readCatalogueDir<T>(kind: CatalogueKind<T>, dir: string, accept: (name: string) => boolean = (n) => n.endsWith('.yaml')): CatalogueEntry<T>[] {
  return readdirSync(dir)
    .filter((name) => accept(name) && statSync(join(dir, name)).isFile())
    .sort()
    .map((name) => {
      const absolute = join(dir, name);
      return { name, file: shownPath(absolute), value: readCatalogueFile(kind, absolute) };
    });
}

/** Absolute path → kind id of every catalogue file this process has read. */
export function catalogueFilesRead(): ReadonlyMap<string, string> {
  return readFiles;
}

/** Every catalogue value this process has read, with its file (absolute) and kind id. */
export function catalogueValuesRead(): { file: string; kind: string; value: unknown }[] {
  return [...cache].map(([key, value]) => {
    const [kind = '', file = ''] = key.split('\u0000');
    return { file, kind, value };
  });
}

/** A problem for every entry whose id an earlier entry already has (`at`: where the list is). */
export function duplicateIds<E>(entries: readonly E[], idOf: (e: E) => string, what: string, at: YamlPath = []): CatalogueProblem[] {
  const seen = new Set<string>();
  const problems: CatalogueProblem[] = [];
  entries.forEach((e, i) => {
    const id = idOf(e);
    if (seen.has(id)) problems.push({ path: [...at, i], message: `duplicate ${what} id ${id}` });
    seen.add(id);
  });
  return problems;
}
