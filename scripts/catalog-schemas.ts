/**
 * Regenerate catalog/schemas/*.schema.json from the zod schemas and put the schema line at the top
 * of every YAML catalogue file: `npm run catalog:schemas`. test/catalog/schemas.test.ts fails when
 * either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SHIPPED_KINDS } from '../src/catalog/kinds.js';
import { jsonSchemaText, schemaFileName, schemaHeader, withSchemaHeader } from '../src/catalog/json-schema.js';
import { catalogueFilesRead } from '../src/catalog/loader.js';
import { catalogPath } from '../src/catalog/paths.js';

let changed = 0;
const write = (path: string, text: string): void => {
  let old: string | undefined;
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    old = undefined;
  }
  if (old === text) return;
  writeFileSync(path, text);
  changed++;
  process.stdout.write(`wrote ${path}\n`);
};

for (const { kind, readAll } of SHIPPED_KINDS) {
  write(catalogPath('schemas', schemaFileName(kind)), jsonSchemaText(kind));
  readAll();
}
for (const [file, kindId] of catalogueFilesRead()) {
  if (!file.endsWith('.yaml')) continue;
  write(file, withSchemaHeader(readFileSync(file, 'utf8'), schemaHeader(file, kindId)));
}
process.stdout.write(`${changed} file(s) changed\n`);
