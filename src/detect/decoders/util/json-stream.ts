/**
 * A RecordDecoder for JSON formats: lines are reassembled into documents (util/json-doc.ts), each
 * document handed to `decodeValue`; a top-level array is decoded item by item.
 */
import type { RecordRef } from '../../../model/event.js';
import type { DecodeResult, RecordDecoder } from '../../types.js';
import { JsonDocReader } from './json-doc.js';
import { decodeItems, lineNo, reject } from './result.js';
import { excerpt } from './text.js';

export class JsonRecordDecoder implements RecordDecoder {
  private readonly reader = new JsonDocReader();

  constructor(private readonly decodeValue: (value: unknown, ref: RecordRef) => DecodeResult) {}

  line(text: string, ref: RecordRef): DecodeResult {
    const o = this.reader.push(text, lineNo(ref));
    switch (o.kind) {
      case 'pending':
        return [];
      case 'error':
        return reject(o.reason);
      case 'text':
        return text.trim() === '' ? [] : reject(`not JSON: ${excerpt(text, 40)}`);
      case 'value':
        return Array.isArray(o.value) ? decodeItems(o.value, 'item', (v) => this.decodeValue(v, ref)) : this.decodeValue(o.value, ref);
    }
  }

  end(): DecodeResult {
    const o = this.reader.end();
    return o && o.kind === 'error' ? reject(o.reason) : [];
  }
}
