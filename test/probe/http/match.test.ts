import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { probeSignatures } from '../../../src/catalog/signatures.js';
import { plainHttpRejection } from '../../../src/probe/http/client.js';
import { judge, matchesCatchAll, runSignatures } from '../../../src/probe/http/engine.js';
import { schemeOrder } from '../../../src/probe/http/fingerprinter.js';
import { extractFirst, jsonPointer, matchAll, type HttpResponse } from '../../../src/probe/http/match.js';

const sigs = probeSignatures();
const resp = (status: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({ status, body, headers });

describe('matchers', () => {
  it('JSON pointers read keys with dots and escaped slashes, and tell null from missing', () => {
    const doc = { data: { 'web.enable-admin-api': 'true', 'a/b': null } };
    expect(jsonPointer(doc, '/data/web.enable-admin-api')).toEqual({ found: true, value: 'true' });
    expect(jsonPointer(doc, '/data/a~1b')).toEqual({ found: true, value: null });
    expect(jsonPointer(doc, '/data/missing').found).toBe(false);
  });

  it('a missing response satisfies no matcher, not even a negated one', () => {
    expect(matchAll([{ request: 'x', part: 'header', name: 'libpod-api-version', exists: false }], new Map([['x', undefined]]))).toBe(false);
    expect(matchAll([{ request: 'x', part: 'status', equals: 200, negate: true }], new Map())).toBe(false);
  });

  it('extractors ignore over-long values', () => {
    expect(extractFirst([{ request: 'r', part: 'body', regex: 'v=(\\S+)' }], new Map([['r', resp(200, `v=${'9'.repeat(100)}`)]]))).toBeUndefined();
    expect(extractFirst([{ request: 'r', part: 'body', regex: 'v=(\\S+)' }], new Map([['r', resp(200, 'v=1.2.3')]]))).toBe('1.2.3');
  });

  it('every signature judges random responses without throwing (fuzz)', () => {
    const arbResp = fc.oneof(
      fc.constant(undefined),
      fc.record({
        status: fc.integer({ min: 100, max: 599 }),
        headers: fc.dictionary(fc.constantFrom('server', 'x-jenkins', 'api-version', 'www-authenticate', 'set-cookie'), fc.string({ maxLength: 40 })),
        body: fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 })),
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...sigs), fc.array(arbResp, { minLength: 6, maxLength: 6 }), (sig, answers) => {
        const m = new Map(sig.requests.map((r, i) => [r.id, answers[i % answers.length]] as const));
        matchAll(sig.match, m);
        judge(sig, m);
        matchesCatchAll(sig, answers[0]);
      }),
      { numRuns: 300 },
    );
  });

  it('a server answering one random response to everything is never identified unless it is that product (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 200, max: 503 }), fc.string({ maxLength: 80 }), async (status, body) => {
        const r = await runSignatures(async () => resp(status, body), sigs, { port: 8080, noncePath: '/n' });
        expect(r.verdict).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});

describe('transport helpers', () => {
  it('recognises the plain-HTTP-on-TLS answers and names the stack', () => {
    expect(plainHttpRejection(resp(400, 'Client sent an HTTP request to an HTTPS server.\n'))).toBe('go');
    expect(plainHttpRejection(resp(400, '<center>The plain HTTP request was sent to HTTPS port</center>'))).toBe('nginx');
    expect(plainHttpRejection(resp(200, 'Error - Document follows\nThis web server is running in SSL mode.'))).toBe('webmin');
    expect(plainHttpRejection(resp(301, '<html><head><title>Moved</title></head><body>Please use TLS</body></html>'))).toBe('cockpit');
    expect(plainHttpRejection(resp(301, '<html><body>Moved to /login</body></html>'))).toBeUndefined();
    expect(plainHttpRejection(resp(400, 'Bad Request'))).toBeUndefined();
  });

  it('tries TLS first on TLS ports of the catalogue', () => {
    expect(schemeOrder(sigs, 6443)[0]).toBe('https');
    expect(schemeOrder(sigs, 10000)[0]).toBe('https');
    expect(schemeOrder(sigs, 2375)[0]).toBe('http');
  });
});
