/**
 * A RecordDecoder for JSON formats: lines are reassembled into documents (util/json-doc.ts), each
 * document handed to `decodeValue`; a top-level array is decoded item by item.
 */
import type { RecordRef } from '../../../model/event.js';
import type { DecodeResult, RecordDecoder } from '../../types.js';
import { JsonDocReader } from './json-doc.js';
import { decodeItems, lineNo, reject } from './result.js';
import { excerpt } from './text.js';

/**
 * Feed one line to the reader: nothing while a document is open, a rejection for broken JSON or stray
 * text, else `onValue` with the completed document and the line it started on.
 */
export function pushJsonLine(
  reader: JsonDocReader,
  text: string,
  ref: RecordRef,
  onValue: (value: unknown, startLine: number) => DecodeResult,
): DecodeResult {
  const o = reader.push(text, lineNo(ref));
  switch (o.kind) {
    case 'pending':
      return [];
    case 'error':
      return reject(o.reason);
    case 'text':
      return text.trim() === '' ? [] : reject(`not JSON: ${excerpt(text, 40)}`);
    case 'value':
      return onValue(o.value, o.startLine);
  }
}

export class JsonRecordDecoder implements RecordDecoder {
  private readonly reader = new JsonDocReader();

  constructor(private readonly decodeValue: (value: unknown, ref: RecordRef) => DecodeResult) {}

  line(text: string, ref: RecordRef): DecodeResult {
    return pushJsonLine(this.reader, text, ref, (value) =>
      Array.isArray(value) ? decodeItems(value, 'item', (v) => this.decodeValue(v, ref)) : this.decodeValue(value, ref),
    );
  }

  end(): DecodeResult {
    const o = this.reader.end();
    return o && o.kind === 'error' ? reject(o.reason) : [];
  }
}
