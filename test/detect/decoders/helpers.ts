import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DrawbridgeEvent } from '../../../src/model/event.js';
import type { DecodeContext, Decoder } from '../../../src/detect/types.js';
import { isRejection } from '../../../src/detect/types.js';

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
}

export interface Decoded {
  events: DrawbridgeEvent[];
  rejections: { line: number; reason: string }[];
}

/** Run a whole text through a decoder as the engine would: line by line, then end(). */
export function decodeText(decoder: Decoder, text: string, ctx: DecodeContext = {}, source = 'test'): Decoded {
  const dec = decoder.open(source, ctx);
  const out: Decoded = { events: [], rejections: [] };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let offset = 0;
  const take = (r: ReturnType<typeof dec.line>, line: number): void => {
    if (isRejection(r)) out.rejections.push({ line, reason: r.reject });
    else out.events.push(...r);
  };
  lines.forEach((l, i) => {
    take(dec.line(l, { source, offset, line: i + 1 }), i + 1);
    offset += Buffer.byteLength(l) + 1;
  });
  if (dec.end) take(dec.end({ source, offset, line: lines.length + 1 }), lines.length + 1);
  return out;
}

/** Events without their record reference, for comparing content. */
export function bare(events: readonly DrawbridgeEvent[]): Omit<DrawbridgeEvent, 'ref'>[] {
  return events.map((e) => {
    const { ref: _ref, ...rest } = e;
    return rest;
  });
}
