import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyslogFramer, type FramerOutput } from '../../../src/io/sources/syslog-framing.js';

function frameAll(data: Buffer, cuts: number[], max = 1024): FramerOutput {
  const f = new SyslogFramer(max);
  const out: FramerOutput = { frames: [], errors: [] };
  let at = 0;
  for (const c of [...cuts.filter((c) => c > 0 && c < data.length).sort((a, b) => a - b), data.length]) {
    const r = f.push(data.subarray(at, c));
    out.frames.push(...r.frames);
    out.errors.push(...r.errors);
    at = c;
  }
  const e = f.end();
  out.frames.push(...e.frames);
  out.errors.push(...e.errors);
  return out;
}

const octet = (m: string): string => `${Buffer.byteLength(m)} ${m}`;

describe('SyslogFramer (RFC 6587)', () => {
  it('splits octet-counted frames, including ones containing LF, at every chunk boundary', () => {
    const msgs = ['<13>1 - h a - - - one', '<13>1 - h a - - - two\nstill two', '<13>Mar  4 09:15:02 h a: ü'];
    const data = Buffer.from(msgs.map(octet).join(''));
    for (let cut = 0; cut <= data.length; cut++) {
      const out = frameAll(data, [cut]);
      expect(out.frames.map((b) => b.toString())).toEqual(msgs);
      expect(out.errors).toEqual([]);
    }
  });

  it('splits LF-framed messages, drops a CR before LF, and keeps an unterminated last message at close', () => {
    const out = frameAll(Buffer.from('<13>a\r\n<13>b\n\n<13>c'), [3, 9]);
    expect(out.frames.map((b) => b.toString())).toEqual(['<13>a', '<13>b', '<13>c']);
  });

  it('tells the framing of each frame from its first character, so a stream may mix both', () => {
    const out = frameAll(Buffer.from(`${octet('<13>x y')}<14>lf framed\n${octet('<15>z')}\n2fa is not a count\n`), []);
    expect(out.frames.map((b) => b.toString())).toEqual(['<13>x y', '<14>lf framed', '<15>z', '2fa is not a count']);
  });

  it('rejects oversized frames with a reason and carries on with the next frame', () => {
    const out = frameAll(Buffer.from(`2000 ${'x'.repeat(2000)}${octet('<13>after')}`), [10, 1500], 1024);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]!.reason).toMatch(/2000 bytes is over the limit of 1024/);
    expect(out.frames.map((b) => b.toString())).toEqual(['<13>after']);

    const lf = frameAll(Buffer.from(`<13>${'y'.repeat(3000)}\n<13>next\n`), [100, 2000], 1024);
    expect(lf.errors).toHaveLength(1);
    expect(lf.errors[0]!.reason).toMatch(/limit of 1024/);
    expect(lf.frames.map((b) => b.toString())).toEqual(['<13>next']);
  });

  it('reports a frame cut off by the connection closing', () => {
    const out = frameAll(Buffer.from('20 <13>short'), []);
    expect(out.frames).toEqual([]);
    expect(out.errors[0]!.reason).toMatch(/closed inside an octet-counted frame \(9 of 20 bytes\)/);
  });

  it('returns the same frames however the byte stream is cut (property)', () => {
    const msg = fc.string({ minLength: 1, maxLength: 80 }).map((s) => `<13>${s}`);
    fc.assert(
      fc.property(fc.array(msg, { maxLength: 12 }), fc.array(fc.nat(2000), { maxLength: 8 }), (msgs, cuts) => {
        const data = Buffer.from(msgs.map(octet).join(''));
        const out = frameAll(data, cuts);
        expect(out.frames.map((b) => b.toString())).toEqual(msgs);
        expect(out.errors).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes and never returns a frame over the limit (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(600), { maxLength: 6 }), (bytes, cuts) => {
        const out = frameAll(Buffer.from(bytes), cuts, 64);
        for (const f of out.frames) expect(f.length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 1000 },
    );
  });
});
