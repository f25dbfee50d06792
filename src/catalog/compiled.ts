/**
 * Shipped catalogues, parsed and validated once by `npm run build` (compile-catalogues.ts) and kept as
 * JSON beside the compiled code, one file per catalogue file: a run reads that JSON instead of parsing
 * YAML and validating it against its schema, which is most of what a cold start used to spend.
 *
 * The catalogue files stay the single source of truth: a compiled copy is used only for the exact text
 * it was built from (its SHA-256) and the same kind; an edited, added or moved file is read from its
 * YAML as before. Running from source (tsx) never uses compiled copies.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG_ROOT } from './paths.js';

/** Where the build writes the compiled copies: beside this module (dist/catalog/compiled/). */
export const COMPILED_ROOT = fileURLToPath(new URL('./compiled/', import.meta.url));

export interface CompiledCatalogue {
  /** The catalogue kind id it was validated as. */
  kind: string;
  /** SHA-256 (hex) of the catalogue file's text it was built from. */
  sha256: string;
  value: unknown;
}

/** Where compiled copies are read from; none when running from source. */
let readFrom: string | undefined = import.meta.url.endsWith('.ts') ? undefined : COMPILED_ROOT;

/** Read compiled copies from `dir` (undefined: never; the build reads every catalogue from its source); returns the previous setting. */
export function useCompiledCatalogues(dir: string | undefined): string | undefined {
  const previous = readFrom;
  readFrom = dir;
  return previous;
}

export function textDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Path of the compiled copy of a shipped catalogue file under `dir`, or undefined for a file outside catalog/. */
export function compiledPath(absolute: string, dir: string = COMPILED_ROOT): string | undefined {
  const rel = relative(CATALOG_ROOT, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return join(dir, `${rel}.json`);
}

/** The value compiled from exactly `text` as `kind`, or undefined (none built, edited since, another kind). */
export function compiledCatalogue(kind: string, absolute: string, text: string): { value: unknown } | undefined {
  if (readFrom === undefined) return undefined;
  const file = compiledPath(absolute, readFrom);
  if (file === undefined) return undefined;
  let entry: CompiledCatalogue;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8')) as CompiledCatalogue;
  } catch {
    return undefined;
  }
  if (entry.kind !== kind || entry.sha256 !== textDigest(text)) return undefined;
  return { value: entry.value };
}
