import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decoder } from '../../../src/detect/types.js';
import { awsVpcFlowDecoder } from '../../../src/detect/decoders/aws-vpc-flow.js';
import { gcpVpcFlowDecoder } from '../../../src/detect/decoders/gcp-vpc-flow.js';
import { azureFlowDecoder } from '../../../src/detect/decoders/azure-flow.js';
import { zeekDecoder } from '../../../src/detect/decoders/zeek.js';
import { k8sAuditDecoder } from '../../../src/detect/decoders/k8s-audit.js';
import { dockerEventsDecoder } from '../../../src/detect/decoders/docker-events.js';
import { nginxAccessDecoder } from '../../../src/detect/decoders/nginx-access.js';
import { awsAlbDecoder } from '../../../src/detect/decoders/aws-alb.js';
import { decodeText, fixture } from './helpers.js';

const OWN: [Decoder, string[]][] = [
  [awsVpcFlowDecoder, ['aws-vpc-flow.v2.log', 'aws-vpc-flow.v5-custom.log', 'aws-vpc-flow.cloudwatch.json']],
  [gcpVpcFlowDecoder, ['gcp-vpc-flow.jsonl']],
  [azureFlowDecoder, ['azure-nsg.json', 'azure-vnet.jsonl']],
  [zeekDecoder, ['zeek-conn.log', 'zeek-http.log', 'zeek-ssh.jsonl']],
  [k8sAuditDecoder, ['k8s-audit.jsonl', 'k8s-audit.eventlist.json', 'k8s-audit.wrapped.jsonl']],
  [dockerEventsDecoder, ['docker-events.jsonl']],
  [nginxAccessDecoder, ['nginx-access.log', 'nginx-access.jsonl']],
  [awsAlbDecoder, ['aws-alb.log']],
];
const ALL = OWN.map(([d]) => d);

describe('sniffing', () => {
  for (const [decoder, files] of OWN) {
    for (const file of files) {
      it(`${decoder.id} recognises ${file}; every other decoder scores 0`, () => {
        const sample = fixture(file).split('\n').slice(0, 20);
        expect(decoder.sniff(sample)).toBeGreaterThanOrEqual(0.5);
        const others = Object.fromEntries(ALL.filter((d) => d !== decoder).map((d) => [d.id, d.sniff(sample)]));
        expect(Object.values(others).every((s) => s === 0), JSON.stringify(others)).toBe(true);
      });
    }
  }

  it('every decoder scores 0 on an empty sample and on prose', () => {
    for (const d of ALL) {
      expect(d.sniff([])).toBe(0);
      expect(d.sniff(['The quick brown fox jumps over the lazy dog.', ''])).toBe(0);
    }
  });
});

/** Lines built from pieces of the formats, so the fuzzer reaches past the first check. */
const piece = fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '\t', '\\', '\\x09', '-', '(empty)', '#fields', '#separator \\x09', '"kind":"Event"', '"kind":"EventList"', '"items":[', '"records":[', '"flowTuples":["', 'T,I,A', '"message":"', 'eni-0a', '2 ', 'ACCEPT', 'NODATA', 'version srcaddr dstaddr', '203.0.113.9', '::1', ':22', '"GET / HTTP/1.1"', '[04/Mar/2025:09:15:02 +0000]', 'https ', 'tls 2.0 ', '2025-03-04T09:15:02Z', '"protoPayload":{', '"jsonPayload":{"connection":{', '"Type":"container"', '1741079702', 'null', 'true', '1e309', '\u0000', '\ud800');
const line = fc.oneof(fc.string({ maxLength: 120 }), fc.array(piece, { maxLength: 30 }).map((p) => p.join('')));

describe('garbage never throws', () => {
  for (const d of ALL) {
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
    const texts = OWN.flatMap(([d, files]) => files.map((f) => [d, fixture(f)] as const));
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
