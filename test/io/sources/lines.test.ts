import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSplitter, type Line } from '../../../src/io/sources/lines.js';

function splitAll(data: Buffer, chunk: number, maxLine?: number): Line[] {
  const s = new LineSplitter(0, 0, maxLine);
  const out: Line[] = [];
  for (let i = 0; i < data.length; i += chunk) out.push(...s.push(data.subarray(i, i + chunk)));
  out.push(...s.end());
  return out;
}

describe('LineSplitter', () => {
  it('gives byte offsets and line numbers across chunk borders and multi-byte text', () => {
    const data = Buffer.from('ascii\nnaïve ünïcode ✓\n\nlast without newline');
    for (const chunk of [1, 2, 3, 7, 64 * 1024]) {
      const lines = splitAll(data, chunk);
      expect(lines.map((l) => l.text)).toEqual(['ascii', 'naïve ünïcode ✓', '', 'last without newline']);
      expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4]);
      for (const l of lines) expect(data.toString('utf8', l.offset, l.offset + Buffer.byteLength(l.text))).toBe(l.text);
    }
  });

  it('starts from a checkpoint', () => {
    const s = new LineSplitter(100, 9);
    const [l] = s.push(Buffer.from('x\n'));
    expect(l).toEqual({ text: 'x', offset: 100, line: 10 });
    expect(s.pendingOffset).toBe(102);
  });

  it('cuts overlong lines, reports them once and resumes after their newline', () => {
    const data = Buffer.from(`ok\n${'z'.repeat(500)}\nnext\n`);
    const lines = splitAll(data, 16, 100);
    expect(lines.map((l) => [l.line, l.truncated ?? false, l.text.slice(0, 4)])).toEqual([
      [1, false, 'ok'],
      [2, true, 'zzzz'],
      [3, false, 'next'],
    ]);
    expect(lines[2]!.offset).toBe(3 + 501);
  });

  it('property: any bytes and chunking give the same lines as a whole-buffer split', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (text, chunk) => {
        const data = Buffer.from(text);
        const got = splitAll(data, chunk);
        const parts = text.split('\n');
        if (parts[parts.length - 1] === '') parts.pop();
        expect(got.map((l) => l.text)).toEqual(parts);
      }),
      { numRuns: 500 },
    );
  });
});
