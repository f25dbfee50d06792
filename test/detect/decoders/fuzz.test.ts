/** Decoders never throw: random lines and mutated fixtures of every registered decoder. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECODERS } from '../../../src/detect/decoders/index.js';
import { decodeText } from './helpers.js';
import { fixturesOf } from './fixture-dirs.js';

/** Lines built from pieces of the formats, so the fuzzer reaches past the first check. */
const piece = fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '\t', '\\', '\\x09', '-', '(empty)', '#fields', '#separator \\x09', '"kind":"Event"', '"kind":"EventList"', '"items":[', '"records":[', '"flowTuples":["', 'T,I,A', '"message":"', 'eni-0a', '2 ', 'ACCEPT', 'NODATA', 'version srcaddr dstaddr', '203.0.113.9', '::1', ':22', '"GET / HTTP/1.1"', '[04/Mar/2025:09:15:02 +0000]', 'https ', 'tls 2.0 ', '2025-03-04T09:15:02Z', '"protoPayload":{', '"jsonPayload":{"connection":{', '"Type":"container"', '1741079702', 'null', 'true', '1e309', '\u0000', '\ud800', '<38>', '<38>1 ', 'Mar  4 09:15:02 web1 ', 'sshd[2211]: ', 'sshd-session[7]: ', 'Accepted publickey for ', 'Failed password for invalid user ', ' from ', ' port ', ' ssh2', '[preauth]', '"__REALTIME_TIMESTAMP":"', '"MESSAGE":"');
const line = fc.oneof(fc.string({ maxLength: 120 }), fc.array(piece, { maxLength: 30 }).map((p) => p.join('')));

describe('garbage never throws', () => {
  for (const d of DECODERS) {
    it(`${d.id}: random lines decode to events or rejections`, () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 25 }), fc.option(fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }), { nil: undefined }), (lines, fields) => {
          const r = decodeText(d, lines.join('\n'), fields ? { fields } : {});
          for (const x of r.rejections) expect(typeof x.reason).toBe('string');
          for (const e of r.events) expect(Number.isFinite(e.time)).toBe(true);
          expect(() => d.sniff(lines)).not.toThrow();
        }),
        { numRuns: 300 },
      );
    });
  }

  it('mutated fixtures never throw', () => {
    const texts = DECODERS.flatMap((d) => fixturesOf(d).map((f) => [d, f.text] as const));
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 6 }), ([d, text], at, cut, insert) => {
        const i = at % (text.length + 1);
        const mutated = text.slice(0, i) + insert + text.slice(i + cut);
        const r = decodeText(d, mutated);
        for (const e of r.events) expect(Number.isFinite(e.time)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
