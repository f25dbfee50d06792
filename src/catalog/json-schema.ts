/**
 * JSON Schemas for editors, generated from the zod schema of each catalogue kind and shipped in
 * catalog/schemas/. YAML catalogues name theirs on their first line (`# yaml-language-server:
 * $schema=…`), which the YAML language server (VS Code, Neovim, JetBrains) uses to validate as you type.
 */
import { dirname, relative } from 'node:path';
import { z } from 'zod';
import type { CatalogueKind } from './loader.js';
import { catalogPath } from './paths.js';

const HEADER = '# yaml-language-server: $schema=';

export function schemaFileName(kind: CatalogueKind<unknown>): string {
  return `${kind.id}.schema.json`;
}

/** Drop keywords draft-07 validators do not know (zod writes `format: starts_with` next to the pattern it also writes). */
function standardOnly(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(standardOnly);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'format' && typeof v === 'string' && !['date-time', 'uri', 'email'].includes(v)) continue;
    out[k] = standardOnly(v);
  }
  return out;
}

/** The JSON Schema (draft-07) of what a catalogue author writes: the schema's input side, defaults optional. */
export function jsonSchemaOf(kind: CatalogueKind<unknown>): Record<string, unknown> {
  const generated = z.toJSONSchema(kind.schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  const { $schema, ...rest } = standardOnly(generated) as Record<string, unknown>;
  return { $schema, title: `Drawbridge catalogue: ${kind.id}`, description: kind.description, ...rest };
}

export function jsonSchemaText(kind: CatalogueKind<unknown>): string {
  return `${JSON.stringify(jsonSchemaOf(kind), null, 2)}\n`;
}

/** The first line a YAML catalogue file at `absolute` carries to name its schema. */
export function schemaHeader(absolute: string, kindId: string): string {
  return `${HEADER}${relative(dirname(absolute), catalogPath('schemas', `${kindId}.schema.json`))}`;
}

/** The text with its schema line first (replacing an older one). */
export function withSchemaHeader(text: string, header: string): string {
  const lines = text.split('\n');
  if (lines[0]?.startsWith(HEADER)) lines[0] = header;
  else lines.unshift(header);
  return lines.join('\n');
}
