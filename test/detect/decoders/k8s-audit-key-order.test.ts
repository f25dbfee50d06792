/**
 * Pipelines (Fluent Bit, Vector, jq -S, Python's json.dumps(sort_keys=True)) re-serialise audit events:
 * keys sorted (so `annotations` comes first and `kind` late), other spacing, pretty-printed. The decoder
 * and the format sniffing must read them exactly as the API server wrote them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { k8sAuditDecoder } from '../../../src/detect/decoders/k8s-audit.js';
import { sniffFormat } from '../../../src/detect/decoders/index.js';
import { bare, decodeText, fixture } from './helpers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function sorted(v: Json): Json {
  if (Array.isArray(v)) return v.map(sorted);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k]!)]));
  return v;
}

/** Python's default separators: ", " and ": ". */
function pythonDumps(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(pythonDumps).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pythonDumps(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

const ANNOTATIONS = {
  'authorization.k8s.io/decision': 'allow',
  'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "ci" of ClusterRole "edit" to ServiceAccount "deployer/ci"',
  'pod-security.kubernetes.io/audit-violations': 'would violate PodSecurity "restricted:latest": privileged (container "c" must not set securityContext.privileged=true)',
};

const original = fixture('k8s-audit/k8s-audit.jsonl')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { [k: string]: Json });
const withAnnotations = original.map((e) => ({ annotations: ANNOTATIONS, ...e }));

function events(text: string) {
  const r = decodeText(k8sAuditDecoder, text);
  expect(r.rejections).toEqual([]);
  return bare(r.events);
}

describe('k8s-audit: any key order, any whitespace', () => {
  const expected = events(withAnnotations.map((e) => JSON.stringify(e)).join('\n') + '\n');

  it('sorted keys with annotations first, Python separators: the same events, and sniffed as k8s-audit', () => {
    const text = withAnnotations.map((e) => pythonDumps(sorted(e))).join('\n') + '\n';
    expect(text.startsWith('{"annotations": {')).toBe(true);
    expect(events(text)).toEqual(expected);
    expect(expected.length).toBe(5);
    expect(sniffFormat(text.split('\n').slice(0, 20))?.decoder.id).toBe('k8s-audit');
  });

  it('sorted and pretty-printed, one Event after another: the same events, and sniffed as k8s-audit', () => {
    const text = withAnnotations.map((e) => JSON.stringify(sorted(e), null, 2)).join('\n') + '\n';
    expect(events(text)).toEqual(expected);
    expect(sniffFormat(text.split('\n').slice(0, 20))?.decoder.id).toBe('k8s-audit');
  });

  it('privileged bits survive any key order (property: shuffled keys at every level)', () => {
    const pod = withAnnotations[1]!;
    const shuffle = (v: Json, order: number[]): Json => {
      if (Array.isArray(v)) return v.map((x) => shuffle(x, order));
      if (v !== null && typeof v === 'object') {
        const keys = Object.keys(v);
        const perm = keys.map((k, i) => [order[i % order.length]! + i / 1000, k] as const).sort((a, b) => a[0] - b[0]).map(([, k]) => k);
        return Object.fromEntries(perm.map((k) => [k, shuffle(v[k]!, order)]));
      }
      return v;
    };
    const want = events(JSON.stringify(pod) + '\n');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 12 }), fc.constantFrom('', ' ', '\t'), (order, ws) => {
        const text = JSON.stringify(shuffle(pod, order)).replace(/":/g, `":${ws}`) + '\n';
        expect(events(text)).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });
});
