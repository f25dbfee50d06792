/**
 * The JSON Schema of drawbridge.yaml, generated from the zod schema that validates it, so that editors
 * (yaml-language-server, VS Code) complete and check the file with the same rules the CLI applies.
 * Shipped as schema/drawbridge.schema.json; a test keeps the shipped file equal to this.
 */
import { z } from 'zod';
import { ConfigSchema } from './schema.js';

export const SCHEMA_PATH = 'schema/drawbridge.schema.json';

/** Where editors fetch the schema of a released version (the npm package's own file). */
export function schemaUrl(packageName: string, version: string): string {
  return `https://unpkg.com/${packageName}@${version}/${SCHEMA_PATH}`;
}

export function configJsonSchema(): Record<string, unknown> {
  // Input side: what the user writes (durations as "5m" or seconds), before defaults and transforms.
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: 'drawbridge.yaml',
    description: 'Configuration of Drawbridge (audit, probe, detect). Every key can also be set by a command-line flag, which wins.',
    ...rest,
  };
}

export function renderJsonSchema(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + '\n';
}
