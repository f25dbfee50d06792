/**
 * Lines in the API server's own layout are read without JSON.parse (k8s-audit-lean.ts). That reading must
 * never change what detect sees: whenever it answers, the event is the one parsing the line gives (same
 * members, same order, same values); it never accepts a line JSON.parse refuses; and a stream decoded
 * with it gives the same events, rejections, alerts and baselines as one decoded by parsing every line,
 * whatever the spacing, escapes, optional members, key order or damage.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/load.js';
import { eventToApi, k8sAuditDecoder, openK8sAuditFullParse } from '../../../src/detect/decoders/k8s-audit.js';
import { readApiServerLine } from '../../../src/detect/decoders/k8s-audit-lean.js';
import { runDetect } from '../../../src/detect/pipeline/index.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import type { Decoder, RecordDecoder } from '../../../src/detect/types.js';
import { isObject } from '../../../src/util/values.js';
import type { AsnLookup } from '../../../src/intel/asn.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const REF = { source: 'a.jsonl', offset: 0, line: 1 };
/** No ASN data: standing then rests on ranges alone, the same for both readings. */
const NO_ASN: AsnLookup = { lookup: () => undefined };

/** Strings a log may hold: plain words, and anything at all (quotes, backslashes, controls, non-ASCII). */
const text = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('alice@example.com', 'system:serviceaccount:ci:deployer', 'system:anonymous', 'kube-system', 'pods', 'exec', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('a"b', 'c\\d', 'tab\there', 'x&y<z>', 'é', '\u2028') },
);
const ip = fc.constantFrom('203.0.113.9', '10.0.3.4', '2001:db8::1', 'not-an-ip', '198.51.100.23');
const time = fc.constantFrom('2025-03-04T09:15:02.481337Z', '2025-03-04T10:00:00Z', '2025-03-04 10:00:00+01:00', 'yesterday', '2025-03-04T23:59:59.999999Z');
/** Present about half the time; `rare`: about one time in six. */
const maybe = <T>(a: fc.Arbitrary<T>, rare = false): fc.Arbitrary<T | undefined> => fc.oneof({ weight: rare ? 5 : 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

const user = fc.record(
  {
    username: fc.oneof({ weight: 9, arbitrary: text }, { weight: 1, arbitrary: fc.constant(7 as Json) }),
    uid: text,
    groups: fc.array(fc.oneof(text, fc.constant('system:unauthenticated')), { maxLength: 3 }),
    extra: fc.dictionary(fc.constantFrom('authentication.kubernetes.io/credential-id', 'accessKeyId', 'other'), fc.array(text, { maxLength: 2 }), { maxKeys: 2 }),
  },
  { requiredKeys: ['username'] },
);
const objectRef = fc.record(
  {
    resource: fc.oneof(fc.constantFrom('pods', 'deployments', 'secrets', 'nodes', 'leases'), text),
    namespace: text,
    name: text,
    uid: text,
    apiGroup: text,
    apiVersion: text,
    resourceVersion: text,
    subresource: fc.oneof(fc.constantFrom('exec', 'attach', 'status', 'ephemeralcontainers'), text),
  },
  { requiredKeys: [] },
);
const status = fc.record(
  {
    metadata: fc.constantFrom<Json>({}, { resourceVersion: '1' }),
    status: fc.constantFrom('Failure', 'Success'),
    message: text,
    reason: fc.constantFrom('Forbidden', 'NotFound'),
    details: fc.constantFrom<Json>({ name: 'x', kind: 'pods' }, { causes: [{ reason: 'FieldValueInvalid', field: 'spec' }] }),
    code: fc.oneof(fc.constantFrom<Json>(200, 201, 101, 403, 404, 500, '200', 2e2, -0, 1.5), fc.integer({ min: 100, max: 599 })),
  },
  { requiredKeys: [] },
);

/** An Event as the API server writes it (Go struct order), with optional members present or not. */
const event = fc
  .record({
    kind: fc.constantFrom<Json>('Event', 'Event', 'Event', 'Event', 'Event', 'EventList', 'event'),
    level: fc.constantFrom('Metadata', 'Request', 'RequestResponse'),
    auditID: fc.oneof(fc.constantFrom('id-1', 'id-2', 'id-3'), text),
    stage: fc.constantFrom<Json>('ResponseComplete', 'ResponseComplete', 'Panic', 'RequestReceived', 'ResponseStarted', 'Odd', 3),
    requestURI: fc.oneof(fc.constantFrom('/api/v1/namespaces/default/pods?watch=true&resourceVersion=1', '/api/v1/nodes/n1/status', '/version'), text),
    verb: fc.oneof(fc.constantFrom('get', 'list', 'watch', 'create', 'update', 'patch', 'delete'), text),
    user: fc.oneof({ weight: 12, arbitrary: user }, { weight: 1, arbitrary: fc.constant<Json>('alice') }, { weight: 1, arbitrary: fc.constant<Json>({}) }),
    impersonatedUser: maybe(fc.record({ username: text }), true),
    sourceIPs: maybe(fc.array(ip, { maxLength: 2 })),
    userAgent: maybe(text),
    objectRef: maybe(objectRef),
    responseStatus: maybe(status),
    requestObject: maybe(fc.constantFrom<Json>({ kind: 'Pod', spec: { hostPID: true, containers: [{ name: 'c', securityContext: { privileged: true } }] } }, [{ op: 'add' }]), true),
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: maybe(fc.dictionary(fc.constantFrom('authorization.k8s.io/decision', 'authorization.k8s.io/reason', 'x'), text, { maxKeys: 3 })),
  })
  .map((e) => {
    const out: { [k: string]: Json } = { kind: e.kind, apiVersion: 'audit.k8s.io/v1' };
    for (const [k, v] of Object.entries(e)) if (v !== undefined && k !== 'kind') out[k] = v as Json;
    return out;
  });

interface Style {
  order: 'as-is' | 'sorted';
  colon: string;
  comma: string;
  pad: string;
  lead: string;
  trail: string;
}

const style = fc.record({
  order: fc.constantFrom<Style['order']>('as-is', 'as-is', 'as-is', 'sorted'),
  colon: fc.constantFrom(':', ':', ': ', ' :\t'),
  comma: fc.constantFrom(',', ',', ', ', '\r\n,'),
  pad: fc.constantFrom('', '', ' '),
  lead: fc.constantFrom('', '', '', '', ' \t', '\r'),
  trail: fc.constantFrom('', '', '', '', ' ', '\r', '\n'),
});

function serialise(v: Json, s: Style): string {
  if (Array.isArray(v)) return `[${s.pad}${v.map((x) => serialise(x, s)).join(s.comma)}${s.pad}]`;
  if (v !== null && typeof v === 'object') {
    const keys = s.order === 'sorted' ? Object.keys(v).sort() : Object.keys(v);
    return `{${s.pad}${keys.map((k) => `${JSON.stringify(k)}${s.colon}${serialise(v[k]!, s)}`).join(s.comma)}${s.pad}}`;
  }
  return JSON.stringify(v);
}

/** Damage a line may carry: cut short, a character dropped or added, a member repeated. */
const damage = fc.oneof(
  { weight: 12, arbitrary: fc.constant((l: string) => l) },
  { weight: 1, arbitrary: fc.nat().map((n) => (l: string) => l.slice(0, n % (l.length + 1))) },
  { weight: 1, arbitrary: fc.nat().map((n) => (l: string) => l.slice(0, n % l.length) + l.slice((n % l.length) + 1)) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('"', '\\', ',', '}', '\u0001', ' ')).map(([n, c]) => (l: string) => l.slice(0, n % l.length) + c + l.slice(n % l.length)) },
  { weight: 1, arbitrary: fc.constant((l: string) => l.replace('"verb":', '"verb":"get","verb":')) },
);

const line = fc.tuple(event, style, damage).map(([e, s, d]) => `${s.lead}${d(serialise(e, s))}${s.trail}`);

function decodeLines(d: RecordDecoder, lines: readonly string[]): unknown[] {
  const out: unknown[] = [];
  lines.forEach((l, i) => out.push(d.line(l, { source: 'a.jsonl', offset: i * 100, line: i + 1 })));
  out.push(d.end?.({ source: 'a.jsonl', offset: lines.length * 100, line: lines.length + 1 }));
  return out;
}

describe('k8s-audit lean reading of the API server layout', () => {
  it('answers only with what parsing the line gives: the same event, member for member, in the same order (property)', () => {
    let answered = 0;
    fc.assert(
      fc.property(line, (l) => {
        const lean = readApiServerLine(l);
        let parsed: unknown;
        try {
          parsed = JSON.parse(l);
        } catch {
          expect(lean).toBeUndefined();
          return;
        }
        if (lean === undefined) return;
        answered++;
        expect(isObject(parsed)).toBe(true);
        const p = parsed as { [k: string]: Json };
        expect(p['kind']).toBe('Event');
        expect([lean.stage, lean.auditID]).toEqual([p['stage'], p['auditID']]);
        const mine = eventToApi(lean.event, REF, l);
        const theirs = eventToApi(p, REF, l);
        expect(mine).toEqual(theirs);
        expect(JSON.stringify(mine)).toBe(JSON.stringify(theirs));
      }),
      { numRuns: 4000 },
    );
    // The layout is the common case: the property must have exercised it, not only the fallback.
    expect(answered).toBeGreaterThan(150);
  });

  it('reads the Go encoder escapes (\\u0026 in a request URI) and declines what it cannot reproduce', () => {
    const go = String.raw`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a","stage":"ResponseComplete","requestURI":"/api/v1/pods?watch=true\u0026limit=5","verb":"watch","user":{"username":"bob","groups":["dev\u003cs\u003e","system:authenticated"]},"sourceIPs":["10.0.0.1"],"userAgent":"k/1 \"x\"","objectRef":{"resource":"pods","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2025-03-04T09:15:02.481337Z","stageTimestamp":"2025-03-04T09:15:02.481337Z","annotations":{"authorization.k8s.io/reason":"RBAC: allowed by \"x\""}}`;
    const lean = readApiServerLine(go);
    expect(lean?.event).toEqual({
      kind: 'Event',
      auditID: 'a',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/pods?watch=true&limit=5',
      verb: 'watch',
      user: { username: 'bob', groups: ['dev<s>', 'system:authenticated'] },
      sourceIPs: ['10.0.0.1'],
      userAgent: 'k/1 "x"',
      objectRef: { resource: 'pods' },
      responseStatus: { code: 200 },
      requestReceivedTimestamp: '2025-03-04T09:15:02.481337Z',
      stageTimestamp: '2025-03-04T09:15:02.481337Z',
    });
    // An escape inside a value handed on as it stands, a body, an impersonation, keys out of order: JSON.parse reads those.
    expect(readApiServerLine(go.replace('"username":"bob"', '"username":"b\\u006fb"'))).toBeUndefined();
    expect(readApiServerLine(go.replace('"requestReceivedTimestamp"', '"requestObject":{"kind":"Pod"},"requestReceivedTimestamp"'))).toBeUndefined();
    expect(readApiServerLine(go.replace('"sourceIPs"', '"impersonatedUser":{"username":"admin"},"sourceIPs"'))).toBeUndefined();
    expect(readApiServerLine(go.replace('"level":"Metadata","auditID":"a"', '"auditID":"a","level":"Metadata"'))).toBeUndefined();
    expect(readApiServerLine(go.replace('"code":200', '"code":"200"'))).toBeUndefined();
    expect(readApiServerLine(`\r${go}`)).toBeUndefined();
  });

  it('a decoder reading lean gives the events and rejections of one parsing every line (property)', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 25 }), (lines) => {
        const mine = decodeLines(k8sAuditDecoder.open('a.jsonl', {}), lines);
        const theirs = decodeLines(openK8sAuditFullParse(), lines);
        expect(mine).toEqual(theirs);
        expect(JSON.stringify(mine)).toBe(JSON.stringify(theirs));
      }),
      { numRuns: 500 },
    );
  });
});

describe('k8s-audit lean reading: detectors see no difference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-lean-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fullParse: Decoder = { ...k8sAuditDecoder, open: () => openK8sAuditFullParse() };

  /** A stream with a learning half and a detecting half: identities creating (privileged) pods, exec, anonymous writes, new ranges. */
  const stream = fc.array(
    fc.record({
      who: fc.constantFrom('ci', 'alice', 'system:anonymous', 'node'),
      verb: fc.constantFrom('get', 'list', 'create', 'create', 'patch', 'delete'),
      resource: fc.constantFrom('pods', 'deployments', 'secrets', 'nodes'),
      sub: fc.constantFrom<string | undefined>(undefined, undefined, undefined, 'exec', 'ephemeralcontainers'),
      src: fc.constantFrom('10.0.3.4', '203.0.113.9', '198.51.100.23', '192.0.2.77', '2001:db8::1'),
      ns: fc.constantFrom('default', 'kube-system'),
      privileged: fc.boolean(),
      cred: fc.constantFrom<string | undefined>(undefined, 'JTI=1', 'X509SHA256=ab'),
      code: fc.constantFrom(200, 201, 403),
      style: style,
    }),
    { minLength: 10, maxLength: 80 },
  );

  it('the same alerts and baselines with and without the lean reading (property)', async () => {
    let run = 0;
    let alerts = 0;
    await fc.assert(
      fc.asyncProperty(stream, async (items) => {
        const t0 = Date.parse('2025-03-04T09:00:00Z');
        const text = items
          .map((x, i) => {
            const t = new Date(t0 + i * 97_000).toISOString();
            const user: Json = { username: x.who === 'node' ? 'system:node:n1' : x.who === 'ci' ? 'system:serviceaccount:ci:deployer' : x.who, groups: x.who === 'system:anonymous' ? ['system:unauthenticated'] : ['system:authenticated'] };
            if (x.cred !== undefined) user['extra'] = { 'authentication.kubernetes.io/credential-id': [x.cred] };
            const ref: Json = { resource: x.resource, namespace: x.ns, name: `w${i % 7}`, apiVersion: 'v1' };
            if (x.sub !== undefined) ref['subresource'] = x.sub;
            const e: { [k: string]: Json } = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `id-${i}`, stage: 'ResponseComplete', requestURI: `/api/v1/namespaces/${x.ns}/${x.resource}`, verb: x.verb, user, sourceIPs: [x.src], userAgent: 'kubectl/v1.31.0', objectRef: ref, responseStatus: { metadata: {}, code: x.code } };
            if (x.privileged) e['requestObject'] = { kind: 'Pod', spec: { containers: [{ name: 'c', securityContext: { privileged: true } }] } };
            e['requestReceivedTimestamp'] = t;
            e['stageTimestamp'] = t;
            return serialise(e, x.style);
          })
          .join('\n');
        const file = join(dir, `s${run++}.jsonl`);
        writeFileSync(file, text + '\n');
        const config = defaultConfig();
        config.detect.learningPeriod = items.length * 48_000;
        const detect = async (decoder: Decoder) => {
          const store = new MemoryStateStore();
          const r = await runDetect([file], { config, store, decoders: [decoder], deadLetter: false, now: t0, asn: NO_ASN });
          return { alerts: r.alerts.map((a) => JSON.stringify(a)), stats: r.stats, baselines: store.entries(), observations: r.observations };
        };
        const mine = await detect(k8sAuditDecoder);
        expect(mine).toEqual(await detect(fullParse));
        alerts += mine.alerts.length;
      }),
      { numRuns: 60 },
    );
    // The streams must have raised alerts for the comparison to mean anything.
    expect(alerts).toBeGreaterThan(60);
  });
});
