import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonDocReader } from '../../../../src/detect/decoders/util/json-doc.js';

function feed(lines: string[]): unknown[] {
  const r = new JsonDocReader();
  const out = lines.map((l, i) => r.push(l, i + 1));
  const end = r.end();
  if (end) out.push(end);
  return out.map((o) => (o.kind === 'value' ? { value: o.value, at: o.startLine } : o.kind === 'error' ? { error: o.reason } : o.kind));
}

describe('JsonDocReader', () => {
  it('passes single-line values straight through and reassembles pretty-printed ones', () => {
    const pretty = JSON.stringify({ a: [1, { b: '}{' }] }, null, 2).split('\n');
    const out = feed(['{"x":1}', ...pretty]);
    expect(out[0]).toEqual({ value: { x: 1 }, at: 1 });
    expect(out.slice(1, -1).every((o) => o === 'pending')).toBe(true);
    expect(out[out.length - 1]).toEqual({ value: { a: [1, { b: '}{' }] }, at: 2 });
  });

  it('accepts unindented elements of a top-level array', () => {
    expect(feed(['[', '{"a":1},', '{"a":2}', ']'])).toEqual(['pending', 'pending', 'pending', { value: [{ a: 1 }, { a: 2 }], at: 1 }]);
  });

  it('rejects a truncated document when a new one starts in column 0, and one left open at the end', () => {
    expect(feed(['{', '  "a": 1,', '{"b":2}', '{'])).toEqual([
      'pending',
      'pending',
      { error: 'JSON document starting at line 1 is truncated (a new one starts at line 3, which was not decoded)' },
      'pending',
      { error: 'JSON document starting at line 4 is incomplete at end of stream' },
    ]);
  });

  it('rejects a line ending inside a string instead of swallowing the stream', () => {
    expect(feed(['{"a": "unterminated', '{"b":2}'])).toEqual([{ error: 'JSON document starting at line 1: line ends inside a JSON string' }, { value: { b: 2 }, at: 2 }]);
  });

  it('reports text lines as text', () => {
    expect(feed(['hello'])).toEqual(['text']);
  });

  it('round-trips any JSON value pretty-printed', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const doc = { v };
        const lines = JSON.stringify(doc, null, 2).split('\n');
        const out = feed(lines);
        expect(out[out.length - 1]).toEqual({ value: JSON.parse(JSON.stringify(doc)) as unknown, at: 1 });
      }),
      { numRuns: 200 },
    );
  });
});
