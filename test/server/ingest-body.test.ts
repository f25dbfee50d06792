/**
 * Ingest bodies: the EventList scan that hands each item on as sent gives the same events as parsing the
 * body whole, for any layout a sender may use (compact, indented, CRLF), and never throws on any input.
 */
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyError, decodeBody, eventListRanges, k8sAuditRecords, recordLines, textRecords } from '../../src/server/ingest-body.js';

/** The EventList's items as the spool gets them, when the scan reads the body (undefined when it leaves it to the whole parse). */
function eventListItems(body: Buffer): string[] | undefined {
  return eventListRanges(body) ? recordLines(k8sAuditRecords(body)) : undefined;
}

const jsonObject = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 });

describe('EventList items', () => {
  it('gives each item of any EventList layout as one line that parses to the item', () => {
    fc.assert(
      fc.property(fc.array(jsonObject, { maxLength: 8 }), fc.constantFrom(undefined, 1, 2, '\t'), fc.boolean(), fc.boolean(), (items, indent, crlf, kindLast) => {
        const list = kindLast ? { apiVersion: 'audit.k8s.io/v1', metadata: {}, items, kind: 'EventList' } : { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items };
        let text = JSON.stringify(list, null, indent);
        if (crlf) text = text.replace(/\n/g, '\r\n');
        const got = eventListItems(Buffer.from(text));
        expect(got).toBeDefined();
        for (const line of got!) expect(line).not.toMatch(/[\r\n]/);
        // What JSON carries of the items (-0 travels as 0).
        const sent = JSON.parse(JSON.stringify(items)) as unknown;
        expect(got!.map((l) => JSON.parse(l) as unknown)).toEqual(sent);
        expect(recordLines(k8sAuditRecords(Buffer.from(text))).map((l) => JSON.parse(l) as unknown)).toEqual(sent);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same records whether items are one comma apart (rewritten in place) or spaced', () => {
    const items = [{ a: 1, s: 'x,y' }, { b: '}]' }, { c: [1, { d: 2 }] }];
    const compact = JSON.stringify({ kind: 'EventList', items });
    const spaced = `{ "kind": "EventList", "items": [ ${items.map((i) => JSON.stringify(i)).join(' ,\t')} ] }`;
    for (const text of [compact, spaced]) {
      const r = k8sAuditRecords(Buffer.from(text));
      expect(r.count).toBe(3);
      expect(recordLines(r).map((l) => JSON.parse(l) as unknown), text).toEqual(items);
    }
  });

  it('keeps escaped quotes and backslashes inside strings', () => {
    const items = [{ a: 'x"}]', b: 'back\\', c: '\\"', d: 'é ✓' }];
    const got = eventListItems(Buffer.from(JSON.stringify({ kind: 'EventList', items })));
    expect(got!.map((l) => JSON.parse(l) as unknown)).toEqual(items);
  });

  it('leaves what is not an EventList of objects to the whole parse, which names the fault', () => {
    for (const text of ['{"kind":"Event","items":[]}', '{"kind":"EventList","items":5}', '{"kind":"EventList","items":[1]}', '{"kind":"EventList","items":[{"a":1}', '{"kind":"EventList"} x', '[]', '']) {
      expect(eventListItems(Buffer.from(text)), text).toBeUndefined();
    }
    expect(() => k8sAuditRecords(Buffer.from('{"kind":"EventList","items":5}'))).toThrow(BodyError);
    expect(() => k8sAuditRecords(Buffer.from('{"kind":"EventList","items":[1]}'))).toThrow(/items\[0\] is not an object/);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 200 }).map((s) => Buffer.from(`{"kind":"EventList","items":[${s}`))), (bytes) => {
        const got = eventListItems(Buffer.from(bytes));
        if (got) for (const line of got) expect(line.startsWith('{')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('request bodies', () => {
  it('decompresses gzip within the limit and refuses more', () => {
    const body = Buffer.from('a\n'.repeat(1000));
    expect(decodeBody(gzipSync(body), 'gzip', 10_000).equals(body)).toBe(true);
    expect(() => decodeBody(gzipSync(body), 'gzip', 100)).toThrow(/exceeds 100 bytes/);
    expect(() => decodeBody(body, 'br', 10_000)).toThrow(/unsupported Content-Encoding/);
  });

  it('splits text lines (CRLF, byte-order mark, blank lines)', () => {
    expect(recordLines(textRecords(Buffer.from('\uFEFFa\r\n\r\nb\n')))).toEqual(['a', 'b']);
  });
});
