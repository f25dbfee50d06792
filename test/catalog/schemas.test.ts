import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SHIPPED_KINDS } from '../../src/catalog/kinds.js';
import { jsonSchemaText, schemaFileName, schemaHeader, withSchemaHeader } from '../../src/catalog/json-schema.js';
import { CatalogueError, catalogueFilesRead, parseCatalogue } from '../../src/catalog/loader.js';
import { catalogPath } from '../../src/catalog/paths.js';
import { SERVICES_KIND } from '../../src/catalog/services.js';

const Ajv = AjvModule as unknown as typeof AjvModule.default;
const FIX = 'run `npm run catalog:schemas`';

describe('catalogue schemas shipped for editors', () => {
  for (const k of SHIPPED_KINDS) k.readAll();
  const files = [...catalogueFilesRead()].filter(([f]) => f.endsWith('.yaml'));

  it('match the zod schemas they are generated from', () => {
    for (const { kind } of SHIPPED_KINDS) {
      const shipped = readFileSync(catalogPath('schemas', schemaFileName(kind)), 'utf8');
      expect(shipped, `catalog/schemas/${schemaFileName(kind)} is stale: ${FIX}`).toBe(jsonSchemaText(kind));
    }
  });

  it('are named on the first line of every YAML catalogue file', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const [file, kindId] of files) {
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n')[0], `${file}: ${FIX}`).toBe(schemaHeader(file, kindId));
      expect(withSchemaHeader(text, schemaHeader(file, kindId))).toBe(text);
    }
  });

  it('accept every shipped file, as an editor would check it', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validators = new Map(SHIPPED_KINDS.map(({ kind }) => [kind.id, ajv.compile(JSON.parse(readFileSync(catalogPath('schemas', schemaFileName(kind)), 'utf8')) as object)]));
    for (const [file, kindId] of files) {
      const validate = validators.get(kindId)!;
      expect(validate(parse(readFileSync(file, 'utf8'))), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('reject what the loader rejects, and the loader names file, line and field', () => {
    const text = 'services:\n  - id: ssh\n    name: SSH\n    subTechnique: ssh-access\n    ports: [22]\n    protocol: telnet\n';
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(JSON.parse(jsonSchemaText(SERVICES_KIND as never)) as object, parse(text))).toBe(false);
    let err: unknown;
    try {
      parseCatalogue(SERVICES_KIND, text, 'catalog/services.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CatalogueError);
    expect(err).toMatchObject({ file: 'catalog/services.yaml', line: 6, field: 'services.0.protocol' });
    expect((err as Error).message).toMatch(/^catalog\/services\.yaml:6: services\.0\.protocol: /);
  });

  it('say which file is not YAML, and where', () => {
    expect(() => parseCatalogue(SERVICES_KIND, 'services:\n  - id: [unclosed\n', 'catalog/services.yaml')).toThrow(/^catalog\/services\.yaml:\d+: /);
    expect(() => parseCatalogue(SERVICES_KIND, 'services: []\n---\nservices: []\n', 'x.yaml')).toThrow(/^x\.yaml:3: expected one document, found 2/);
  });
});
