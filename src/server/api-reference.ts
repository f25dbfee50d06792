/**
 * The API reference (docs/api.md), written from the OpenAPI document the server produces from its route
 * schemas, so that the reference cannot drift from the routes. `npm run docs` writes it; a test fails
 * when the file differs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../config/load.js';
import { MemoryStateStore } from '../detect/state/memory.js';
import { buildServer } from './app.js';
import { TokenSet } from './tokens.js';
import { pushAll } from '../util/arrays.js';

export const API_REFERENCE_PATH = 'docs/api.md';

interface Schema {
  type?: string | string[];
  enum?: readonly unknown[];
  format?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

interface OpenApi {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

/** The server's OpenAPI document, from a server built in memory (nothing listens). */
export async function serverOpenApi(): Promise<OpenApi> {
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-openapi-'));
  const store = new MemoryStateStore();
  try {
    const server = await buildServer({ config: { ...defaultConfig(), stateDir: dir }, store, stateDir: dir, tokens: new TokenSet([]) });
    await server.app.ready();
    const doc = server.app.swagger() as unknown as OpenApi;
    await server.close();
    return doc;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A table cell: one line, pipes escaped. */
function cell(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function typeOf(s: Schema | undefined): string {
  if (!s) return '';
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(', ');
  const t = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (t === 'array') return `array of ${typeOf(s.items) || 'any'}`;
  return s.format ? `${t} (${s.format})` : t;
}

function limits(s: Schema | undefined): string {
  if (!s) return '';
  const out: string[] = [];
  if (s.default !== undefined) out.push(`default \`${JSON.stringify(s.default)}\``);
  if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) out.push(`≤ ${s.maximum}`);
  if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  return out.join(', ');
}

function fieldTable(rows: { name: string; where?: string; required: boolean; schema?: Schema; description?: string }[]): string[] {
  if (rows.length === 0) return [];
  const withWhere = rows.some((r) => r.where);
  const head = withWhere ? '| name | in | type | required | notes |' : '| name | type | required | notes |';
  const sep = withWhere ? '|---|---|---|---|---|' : '|---|---|---|---|';
  return [
    head,
    sep,
    ...rows.map((r) => {
      const notes = cell([r.description ?? r.schema?.description ?? '', limits(r.schema)].filter(Boolean).join('; '));
      return withWhere ? `| \`${r.name}\` | ${r.where} | ${cell(typeOf(r.schema))} | ${r.required ? 'yes' : ''} | ${notes} |` : `| \`${r.name}\` | ${cell(typeOf(r.schema))} | ${r.required ? 'yes' : ''} | ${notes} |`;
    }),
    '',
  ];
}

function properties(s: Schema | undefined): { name: string; required: boolean; schema: Schema }[] {
  return Object.entries(s?.properties ?? {}).map(([name, schema]) => ({ name, required: s?.required?.includes(name) ?? false, schema }));
}

export function renderApiReference(doc: OpenApi): string {
  const out = [
    `# ${doc.info.title} reference`,
    '',
    '<!-- Written by `npm run docs` from the OpenAPI document of `drawbridge serve` (GET /openapi.json); do not edit. -->',
    '',
    doc.info.description ?? '',
    '',
    'Routes marked *token* need `Authorization: Bearer TOKEN` with a scope that allows them (see the README, *serve*).',
    '',
  ];
  const paths = Object.keys(doc.paths).sort();
  for (const path of paths) {
    for (const [method, op] of Object.entries(doc.paths[path]!)) {
      out.push(`## ${method.toUpperCase()} ${path}`, '');
      if (op.summary) out.push(`${op.summary}${op.security && op.security.length > 0 ? ' (*token*)' : ''}.`, '');
      if (op.description) out.push(op.description, '');
      const params = (op.parameters ?? []).map((p) => ({ name: p.name, where: p.in, required: p.required === true, schema: p.schema, description: p.description }));
      if (params.length > 0) pushAll(out, ['Parameters:', '', ...fieldTable(params)]);
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) pushAll(out, ['Request body (JSON):', '', ...fieldTable(properties(body))]);
      const responses = Object.entries(op.responses ?? {});
      if (responses.length > 0) {
        out.push('Responses:', '');
        for (const [code, r] of responses) {
          const schema = r.content?.['application/json']?.schema;
          const fields = properties(schema).map((f) => `\`${f.name}\``);
          out.push(`- \`${code}\`${r.description && r.description !== 'Default Response' ? ` ${r.description}` : ''}${fields.length > 0 ? `: ${fields.join(', ')}` : ''}`);
        }
        out.push('');
      }
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
