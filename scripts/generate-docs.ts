/**
 * Writes the files generated from the code: the JSON Schema of drawbridge.yaml (from the zod schema), the
 * man page (from the commands' help) and the API reference of `drawbridge serve` (from its OpenAPI
 * document). `npm run docs`; a test fails when a file differs from what this writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchema, SCHEMA_PATH } from '../src/config/json-schema.js';
import { renderManPage } from '../src/cli/manpage.js';
import { buildProgram } from '../src/cli/main.js';
import { packageVersion } from '../src/cli/common.js';
import { API_REFERENCE_PATH, renderApiReference, serverOpenApi } from '../src/server/api-reference.js';

export const MAN_PATH = 'man/drawbridge.1';

export function generatedFiles(): Record<string, string> {
  return {
    [SCHEMA_PATH]: renderJsonSchema(),
    [MAN_PATH]: renderManPage(buildProgram(), { version: packageVersion() }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const files = { ...generatedFiles(), [API_REFERENCE_PATH]: renderApiReference(await serverOpenApi()) };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
