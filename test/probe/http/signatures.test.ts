import { describe, expect, it } from 'vitest';
import { parseSignature, probeSignatures, SignatureCatalogueError } from '../../../src/catalog/signatures.js';
import { runSignatures, type HttpExchange } from '../../../src/probe/http/engine.js';
import { replayFetch } from '../../../src/probe/http/replay.js';

const signatures = probeSignatures();
const NONCE = '/drawbridge-0123456789abcdef';

describe('signature catalogue', () => {
  it('holds at least 30 products, each with positive and look-alike negative fixtures', () => {
    expect(signatures.length).toBeGreaterThanOrEqual(30);
    for (const s of signatures) {
      expect(s.fixtures.some((f) => f.kind === 'positive'), s.id).toBe(true);
      expect(s.fixtures.some((f) => f.kind === 'negative'), s.id).toBe(true);
    }
  });

  it('rejects a state-changing POST and names the file and field', () => {
    const bad = `id: x\nname: X\nsubTechnique: exposed-gateway\nports: [1]\nscheme: http\nrequests: [{ id: a, method: POST, path: /containers/create }]\nmatch: [{ request: a, part: status, equals: 200 }]\nseverity: { open: high, login: low }\nremediation: { open: a, login: b }\nfixtures: []\n`;
    expect(() => parseSignature(bad, 'catalog/signatures/x.yaml')).toThrow(SignatureCatalogueError);
    expect(() => parseSignature(bad, 'catalog/signatures/x.yaml')).toThrow(/x\.yaml:\d+: requests\.0.*not a documented read-only call/);
  });

  it('rejects identification that depends on a confirm-stage request', () => {
    const bad = `id: x\nname: X\nsubTechnique: exposed-gateway\nports: [1]\nscheme: http\nrequests: [{ id: a, path: /, stage: confirm }]\nmatch: [{ request: a, part: status, equals: 200 }]\nseverity: { open: high, login: low }\nremediation: { open: a, login: b }\nfixtures:\n  - { name: p, kind: positive, source: s, server: {}, expect: { product: x } }\n  - { name: n, kind: negative, source: s, server: {}, expect: { product: null } }\n`;
    expect(() => parseSignature(bad, 'x.yaml')).toThrow(/confirm-stage request a/);
  });

  // One generic replay: every fixture is a whole recorded server, run against the WHOLE catalogue,
  // so a positive must be recognised as its own product and a look-alike as nothing (or its real product).
  for (const sig of signatures) {
    for (const fx of sig.fixtures) {
      it(`${sig.id}: ${fx.kind} — ${fx.name}`, async () => {
        const seen: HttpExchange[] = [];
        const result = await runSignatures(replayFetch(fx.server, seen), signatures, { port: fx.port ?? sig.ports[0] ?? 80, noncePath: NONCE });
        expect(result.verdict?.signature.id ?? null).toBe(fx.expect.product);
        // Read-only: nothing but GET/HEAD and the documented etcd range read went out.
        for (const r of seen) expect(r.method === 'GET' || r.method === 'HEAD' || r.path.endsWith('/kv/range')).toBe(true);
        if (!result.verdict) return;
        if (fx.expect.version !== undefined) expect(result.verdict.version).toBe(fx.expect.version);
        if (fx.expect.auth !== undefined) expect(result.verdict.auth).toBe(fx.expect.auth);
        if (fx.expect.proof !== undefined) expect(result.verdict.proof?.path).toBe(fx.expect.proof);
        if (fx.expect.checks !== undefined) expect(result.verdict.checks.map((c) => c.id).sort()).toEqual([...fx.expect.checks].sort());
      });
    }
  }
});
