/** Shared helpers for the emulation tests: decode a rendered file with the registered decoders. */
import { DECODERS, sniffFormat } from '../../src/detect/decoders/index.js';
import { isRejection, type DecodeResult } from '../../src/detect/types.js';
import type { DrawbridgeEvent } from '../../src/model/event.js';

export interface Decoded {
  decoder: string | undefined;
  events: DrawbridgeEvent[];
  rejections: { line: number; reason: string }[];
}

export function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

export function decodeText(path: string, text: string): Decoded {
  const all = lines(text);
  const found = sniffFormat(all.slice(0, 20), DECODERS);
  if (!found) return { decoder: undefined, events: [], rejections: [{ line: 0, reason: 'no decoder recognises this file' }] };
  const rd = found.decoder.open(path, {});
  const out: Decoded = { decoder: found.decoder.id, events: [], rejections: [] };
  const take = (r: DecodeResult, line: number): void => {
    if (isRejection(r)) out.rejections.push({ line, reason: r.reject });
    else out.events.push(...r);
  };
  let offset = 0;
  all.forEach((l, i) => {
    take(rd.line(l, { source: path, offset, line: i + 1 }), i + 1);
    offset += Buffer.byteLength(l) + 1;
  });
  if (rd.end) take(rd.end({ source: path, offset, line: all.length + 1 }), all.length + 1);
  return out;
}
