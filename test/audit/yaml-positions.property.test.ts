/** parseYamlDocuments gives every document the same plain value as the yaml library's own toJS(). */
import fc from 'fast-check';
import { LineCounter, parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseYamlDocuments } from '../../src/audit/yaml-positions.js';

function libraryValues(text: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false })) {
    if (doc.errors.length > 0) continue;
    try {
      out.push(doc.toJS({ maxAliasCount: 100 }) ?? null);
    } catch {
      // skipped by both
    }
  }
  return out;
}

/** Values and key order, with -0 told apart from 0. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => [k, shape(x)]);
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  return v;
}

function expectSameAsLibrary(text: string): void {
  const ours = parseYamlDocuments('x.yaml', text).documents.map((d) => d.value);
  expect(shape(ours)).toEqual(shape(libraryValues(text)));
}

const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', '<<', '~', 'null', 'true', '1', '0x1f', '-0', '.nan', ''));
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('-0', '.inf', '0o17', '1e3', 'yes', '~', '<<'));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
})).node;

describe('parseYamlDocuments values', () => {
  it('equal the library conversion for generated documents', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), fc.boolean(), (docs, flow) => {
        const text = docs.map((d) => stringify(d, flow ? { collectionStyle: 'flow' } : {})).join('---\n');
        expectSameAsLibrary(text);
      }),
      { numRuns: 300 },
    );
  });

  it('equal the library conversion for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => expectSameAsLibrary(text)), { numRuns: 500 });
  });

  it('equal the library conversion for anchors, aliases, merge keys, tags and odd keys', () => {
    for (const text of [
      'a: &x {b: 1}\nc: *x\n',
      '<<: {a: 1}\nb: 2\n',
      '%YAML 1.1\n---\n<<: {a: 1}\nb: !!set {x, y}\nc: !!omap [a: 1]\n',
      '? [a]\n: 1\n',
      '__proto__: 1\nconstructor: 2\ntoString: 3\n',
      '[a: 1, b]\n',
      '~: 1\nnull: 2\ntrue: 3\n1: 4\n0x10: 5\n.nan: 6\n-.inf: 7\n-0: 8\n',
      ': x\n',
      '!!map {a: 1}',
      '- !foo bar\n- !!str 1\n- !!binary aGk=\n',
      'a: 1\na: 2\n',
      '--- &a [1]\n--- *a\n',
      '',
    ]) {
      expectSameAsLibrary(text);
    }
  });
});
