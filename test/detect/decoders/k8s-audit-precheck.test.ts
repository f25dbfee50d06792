/**
 * The Kubernetes audit decoder reads lines in the API server's layout without parsing them, and holds
 * their earlier stages (RequestReceived, ResponseStarted) as text. It must never change what the decoder
 * gives: the same events and rejections as parsing every line, for any key order and spacing (pipelines
 * re-serialise events with sorted keys), decoy keys nested deeper, escapes, and streams whose earlier
 * stages outnumber what the decoder holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { k8sAuditDecoder, openK8sAuditFullParse } from '../../../src/detect/decoders/k8s-audit.js';
import type { RecordDecoder } from '../../../src/detect/types.js';
import { isRejection } from '../../../src/detect/types.js';
import { fixture } from './helpers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const base = fixture('k8s-audit/k8s-audit.jsonl')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { [k: string]: Json });

interface Style {
  order: 'as-is' | 'sorted' | 'reversed';
  colon: string;
  comma: string;
  pad: string;
}

/** One line of JSON in a given key order and spacing (what jq -S, Python or Vector may write). */
function serialise(v: Json, s: Style): string {
  if (Array.isArray(v)) return `[${s.pad}${v.map((x) => serialise(x, s)).join(s.comma)}${s.pad}]`;
  if (v !== null && typeof v === 'object') {
    let keys = Object.keys(v);
    if (s.order === 'sorted') keys = [...keys].sort();
    else if (s.order === 'reversed') keys = [...keys].reverse();
    return `{${s.pad}${keys.map((k) => `${JSON.stringify(k)}${s.colon}${serialise(v[k]!, s)}`).join(s.comma)}${s.pad}}`;
  }
  return JSON.stringify(v);
}

const style = fc.record({
  order: fc.constantFrom<Style['order']>('as-is', 'sorted', 'reversed'),
  colon: fc.constantFrom(':', ': ', ' : ', ':\t'),
  comma: fc.constantFrom(',', ', ', ' ,'),
  pad: fc.constantFrom('', ' '),
});

/** Variations on a fixture event: its stage, its id (shared ids make stages replace each other), decoys deeper down. */
const event = fc
  .record({
    base: fc.constantFrom(...base),
    stage: fc.constantFrom<Json | undefined>('RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic', undefined, 7, 'Request\\Received'),
    id: fc.constantFrom<Json | undefined>('a', 'b', 'c', 'd', undefined, 'e"f', 3),
    kind: fc.constantFrom<Json | undefined>('Event', 'Event', 'Event', 'EventList', undefined),
    decoy: fc.boolean(),
    user: fc.constantFrom<Json | undefined>(undefined, 'alice', 'system:serviceaccount:ci:deployer', 'we\\"ird', null),
  })
  .map(({ base: b, stage, id, kind, decoy, user }) => {
    const e: { [k: string]: Json } = { ...b };
    const set = (k: string, v: Json | undefined): void => {
      if (v === undefined) delete e[k];
      else e[k] = v;
    };
    set('stage', stage);
    set('auditID', id);
    set('kind', kind);
    if (user !== undefined && typeof e['user'] === 'object' && e['user'] !== null && !Array.isArray(e['user'])) e['user'] = { ...e['user'], username: user };
    // Keys that mean something at the top level, deeper down (a custom resource may well have them).
    if (decoy) e['requestObject'] = { kind: 'Event', stage: 'RequestReceived', auditID: 'a', verb: 'delete', objectRef: { resource: 'secrets' }, spec: e['requestObject'] ?? null };
    return e;
  });

function decodeLines(d: RecordDecoder, lines: readonly string[]): unknown[] {
  const out: unknown[] = [];
  lines.forEach((l, i) => out.push(d.line(l, { source: 'a.jsonl', offset: i * 100, line: i + 1 })));
  out.push(d.end?.({ source: 'a.jsonl', offset: lines.length * 100, line: lines.length + 1 }));
  return out;
}

function precheckAnswers(lines: readonly string[]): unknown[] {
  return decodeLines(k8sAuditDecoder.open('a.jsonl', {}), lines);
}

function fullParseAnswers(lines: readonly string[]): unknown[] {
  return decodeLines(openK8sAuditFullParse(), lines);
}

describe('k8s-audit pre-check: the decoder gives what parsing every line gives', () => {
  it('for any stream of re-serialised events (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(event, style), { minLength: 1, maxLength: 30 }), (items) => {
        const lines = items.map(([e, s]) => serialise(e, s));
        expect(precheckAnswers(lines)).toEqual(fullParseAnswers(lines));
      }),
      { numRuns: 400 },
    );
  });

  it('for the fixture logs, and when earlier stages outnumber what is held', () => {
    for (const name of ['k8s-audit/k8s-audit.jsonl', 'k8s-audit/k8s-audit.wrapped.jsonl', 'k8s-audit/k8s-audit.eventlist.json']) {
      const lines = fixture(name).split('\n');
      expect(precheckAnswers(lines)).toEqual(fullParseAnswers(lines));
    }
    const early = base.map((e) => ({ ...e, stage: 'RequestReceived' }));
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ ...early[i % early.length], auditID: `id-${i}` }));
    const got = precheckAnswers(lines);
    expect(got).toEqual(fullParseAnswers(lines));
    // Past the cap, the oldest held stages come out as events.
    expect(got.filter((r) => Array.isArray(r) && r.length > 0).length).toBeGreaterThan(800);
    expect(got.some((r) => isRejection(r as never))).toBe(false);
  });
});
