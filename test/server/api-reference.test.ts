/** docs/api.md is what `npm run docs` writes from the server's OpenAPI document: it fails when stale. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_REFERENCE_PATH, renderApiReference, serverOpenApi } from '../../src/server/api-reference.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('API reference', () => {
  it(`${API_REFERENCE_PATH} is up to date with the routes (npm run docs writes it)`, async () => {
    const doc = await serverOpenApi();
    const text = renderApiReference(doc);
    expect(readFileSync(join(ROOT, API_REFERENCE_PATH), 'utf8')).toBe(text);
    // Every documented route of the interface is in it, with its method.
    for (const route of ['POST /v1/ingest/k8s-audit', 'POST /v1/ingest/{format}', 'GET /v1/alerts', 'GET /v1/incidents', 'GET /v1/observations', 'GET /v1/findings', 'GET /v1/surface', 'GET /v1/stream', 'POST /v1/runs/audit', 'POST /v1/runs/probe']) {
      expect(text).toContain(`## ${route}\n`);
    }
  });

  it('changes when a route schema changes', () => {
    const doc = { info: { title: 'T', version: '1' }, paths: { '/v1/x': { get: { summary: 'X', parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 5 } }] } } } };
    const a = renderApiReference(doc);
    doc.paths['/v1/x'].get.parameters[0]!.schema.maximum = 6;
    expect(renderApiReference(doc)).not.toBe(a);
    expect(renderApiReference(doc)).toContain('| `limit` | query | integer |  | ≤ 6 |');
  });
});
