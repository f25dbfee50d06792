/**
 * Writes the compiled copies of the shipped catalogues (compiled.ts): every file of every shipped kind is
 * read from its source through the loader (parsed, validated, checked) and its value written as JSON.
 * Run by `npm run build`: `node dist/catalog/compile-catalogues.js`.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { COMPILED_ROOT, compiledPath, textDigest, useCompiledCatalogues, type CompiledCatalogue } from './compiled.js';
import { SHIPPED_KINDS } from './kinds.js';
import { catalogueValuesRead } from './loader.js';

export interface CompileReport {
  written: number;
  /** Files whose value does not survive JSON (a Date, a RegExp, an undefined field): read from source at run time. */
  kept: string[];
}

/** Compile every shipped catalogue into `outDir`, replacing what an earlier build left there. */
export function compileCatalogues(outDir: string = COMPILED_ROOT): CompileReport {
  const previous = useCompiledCatalogues(undefined);
  try {
    for (const k of SHIPPED_KINDS) k.readAll();
  } finally {
    useCompiledCatalogues(previous);
  }
  rmSync(outDir, { recursive: true, force: true });
  const report: CompileReport = { written: 0, kept: [] };
  for (const { file, kind, value } of catalogueValuesRead()) {
    const out = compiledPath(file, outDir);
    if (out === undefined) continue;
    const json = JSON.stringify({ kind, sha256: textDigest(readFileSync(file, 'utf8')), value } satisfies CompiledCatalogue);
    if (!isDeepStrictEqual((JSON.parse(json) as CompiledCatalogue).value, value)) {
      report.kept.push(file);
      continue;
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, json);
    renameSync(`${out}.tmp`, out);
    report.written++;
  }
  return report;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = compileCatalogues();
  console.log(`${COMPILED_ROOT}: ${r.written} catalogue files compiled${r.kept.length > 0 ? `; read from source at run time: ${r.kept.join(', ')}` : ''}`);
}
