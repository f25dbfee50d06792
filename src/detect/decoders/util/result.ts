import type { DrawbridgeEvent, RecordRef } from '../../../model/event.js';
import type { DecodeResult, Rejection } from '../../types.js';
import { isRejection } from '../../types.js';

export function reject(reason: string): Rejection {
  return { reject: reason };
}

/**
 * Decodes every item of a multi-record document. The contract returns events or one rejection per
 * call, so a document with a bad item is rejected whole, naming the item, rather than half-decoded.
 */
export function decodeItems<T>(items: readonly T[], label: string, decodeOne: (item: T, index: number) => DecodeResult): DecodeResult {
  const out: DrawbridgeEvent[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = decodeOne(items[i] as T, i);
    if (isRejection(r)) return reject(`${label}[${i}]: ${r.reject}`);
    for (const e of r) out.push(e);
  }
  return out;
}

/** Fraction of non-blank sample lines accepted by `test` (0 when there are none). */
export function sniffFraction(sample: readonly string[], test: (line: string) => boolean): number {
  let seen = 0;
  let hits = 0;
  for (const l of sample) {
    if (l.trim() === '') continue;
    seen++;
    if (test(l)) hits++;
  }
  return seen === 0 ? 0 : hits / seen;
}

export function lineNo(ref: RecordRef): number {
  return ref.line ?? 0;
}
