/**
 * Writes the files generated from the code that ship in the package: the JSON Schema of drawbridge.yaml
 * (from the zod schema) and the man page (from the commands' help). `npm run docs`; a test fails when
 * a shipped file differs from what this writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchema, SCHEMA_PATH } from '../src/config/json-schema.js';
import { renderManPage } from '../src/cli/manpage.js';
import { buildProgram } from '../src/cli/main.js';
import { packageVersion } from '../src/cli/common.js';

export const MAN_PATH = 'man/drawbridge.1';

export function generatedFiles(): Record<string, string> {
  return {
    [SCHEMA_PATH]: renderJsonSchema(),
    [MAN_PATH]: renderManPage(buildProgram(), { version: packageVersion() }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const [path, text] of Object.entries(generatedFiles())) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
