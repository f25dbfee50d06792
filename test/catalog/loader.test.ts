import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CatalogueError, catalogueFilesRead, parseCatalogue, readCatalogueDir, readCatalogueFile, type CatalogueKind } from '../../src/catalog/loader.js';
import { loadAdvisories } from '../../src/intel/advisories.js';

const KIND: CatalogueKind<{ items: { id: string; port: number }[] }> = {
  id: 'test-items',
  description: 'items for the loader test',
  schema: z.object({ items: z.array(z.object({ id: z.string(), port: z.number().int().max(65535) }).strict()) }).strict(),
  check: (c) => c.items.flatMap((it, i) => (it.id === 'bad' ? [{ path: ['items', i, 'id'], message: 'id "bad" is reserved' }] : [])),
};

function caught(f: () => unknown): CatalogueError {
  try {
    f();
  } catch (e) {
    if (e instanceof CatalogueError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('catalogue loader', () => {
  it('names the file, the line and the field of a schema problem, in YAML and in JSON', () => {
    const yaml = caught(() => parseCatalogue(KIND, 'items:\n  - id: a\n    port: 22\n  - id: b\n    port: 70000\n', 'c.yaml'));
    expect(yaml).toMatchObject({ file: 'c.yaml', line: 5, field: 'items.1.port' });
    const json = caught(() => parseCatalogue(KIND, '{\n  "items": [\n    {"id": "a", "port": 22},\n    {"id": "b", "port": "x"}\n  ]\n}\n', 'c.json'));
    expect(json).toMatchObject({ file: 'c.json', line: 4, field: 'items.1.port' });
    expect(caught(() => parseCatalogue(KIND, '{"items": [', 'c.json')).message).toMatch(/^c\.json: invalid JSON/);
  });

  it('places the problems of cross-field checks too', () => {
    expect(caught(() => parseCatalogue(KIND, 'items:\n  - id: a\n    port: 1\n  - id: bad\n    port: 2\n', 'c.yaml')).message).toBe('c.yaml:4: items.1.id: id "bad" is reserved');
  });

  it('reads a folder in name order, once per file, and records what it read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-catalogue-'));
    writeFileSync(join(dir, 'b.yaml'), 'items: [{ id: b, port: 2 }]\n');
    writeFileSync(join(dir, 'a.yaml'), 'items: [{ id: a, port: 1 }]\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a catalogue');
    const entries = readCatalogueDir(KIND, dir);
    expect(entries.map((e) => [e.name, e.value.items[0]?.id])).toEqual([['a.yaml', 'a'], ['b.yaml', 'b']]);
    // cached: the same object comes back even after the file changed on disk
    writeFileSync(join(dir, 'a.yaml'), 'items: []\n');
    expect(readCatalogueFile(KIND, join(dir, 'a.yaml'))).toBe(entries[0]?.value);
    expect(catalogueFilesRead().get(join(dir, 'a.yaml'))).toBe('test-items');
    expect(caught(() => readCatalogueFile(KIND, join(dir, 'missing.yaml'))).message).toMatch(/missing\.yaml: cannot read/);
  });

  it('reports a user OSV record with the line of the bad field, and keeps loading the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-osv-'));
    writeFileSync(join(dir, 'bad.json'), '{\n  "id": "USER-1",\n  "modified": "2025-01-01",\n  "affected": []\n}\n');
    const cat = loadAdvisories([dir]);
    expect(cat.problems).toEqual([{ file: join(dir, 'bad.json'), line: 3, field: 'modified', message: 'modified must be RFC 3339 UTC ending in Z' }]);
    expect(cat.advisories.length).toBeGreaterThan(0);
  });

  it('never throws anything but a CatalogueError, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom('items: *a', '- [', 'items:\n\t- x', '{"items": [{"id": 1}]}')), fc.constantFrom('f.yaml', 'f.json'), (text, file) => {
        try {
          parseCatalogue(KIND, text, file);
        } catch (e) {
          expect(e).toBeInstanceOf(CatalogueError);
          expect((e as CatalogueError).file).toBe(file);
        }
      }),
      { numRuns: 300 },
    );
  });
});
