/**
 * The build's compiled catalogues (src/catalog/compiled.ts) must give a run exactly the values that
 * parsing and validating the YAML gives, and must never be used for a text they were not built from.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCatalogues } from '../../src/catalog/compile-catalogues.js';
import { compiledCatalogue, compiledPath, useCompiledCatalogues } from '../../src/catalog/compiled.js';
import { SHIPPED_KINDS } from '../../src/catalog/kinds.js';
import { catalogueValuesRead, parseCatalogue, shownPath } from '../../src/catalog/loader.js';

const out = mkdtempSync(join(tmpdir(), 'drawbridge-compiled-'));
afterAll(() => {
  useCompiledCatalogues(undefined);
  rmSync(out, { recursive: true, force: true });
});

describe('compiled catalogues', () => {
  const report = compileCatalogues(out);
  const kinds = new Map(SHIPPED_KINDS.map((k) => [k.kind.id, k.kind]));
  const shipped = catalogueValuesRead().filter((e) => compiledPath(e.file, out) !== undefined);

  it('cover every shipped catalogue file, each value surviving JSON', () => {
    expect(report.kept).toEqual([]);
    expect(report.written).toBe(shipped.length);
    expect(report.written).toBeGreaterThan(50);
  });

  it('hold, for each file, the value parsing and validating its text gives', () => {
    useCompiledCatalogues(out);
    for (const { file, kind } of shipped) {
      const text = readFileSync(file, 'utf8');
      expect(compiledCatalogue(kind, file, text)?.value, file).toStrictEqual(parseCatalogue(kinds.get(kind)!, text, shownPath(file)));
    }
  });

  it('are not used for an edited text, another kind, a file outside the catalogue, or when turned off', () => {
    useCompiledCatalogues(out);
    const { file, kind } = shipped[0]!;
    const text = readFileSync(file, 'utf8');
    expect(compiledCatalogue(kind, file, text)).toBeDefined();
    expect(compiledCatalogue(kind, file, `${text}\n# edited\n`)).toBeUndefined();
    expect(compiledCatalogue(kind, file, text.replace(/\d/, (d) => String((Number(d) + 1) % 10)))).toBeUndefined();
    expect(compiledCatalogue(`${kind}-other`, file, text)).toBeUndefined();
    expect(compiledCatalogue(kind, join(tmpdir(), 'services.yaml'), text)).toBeUndefined();
    useCompiledCatalogues(undefined);
    expect(compiledCatalogue(kind, file, text)).toBeUndefined();
  });
});
