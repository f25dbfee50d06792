/**
 * What a format sniff looks at: the first non-blank lines of a stream, with a byte-order mark removed.
 * Leading blank lines or a BOM must not make a well-formed log unrecognisable.
 */
import type { Line } from '../io/sources/lines.js';

/** Lines held back for a sniff at most, blank or not: a stream of blank lines cannot grow memory. */
export const MAX_HELD_LINES = 10_000;

const BOM = '\uFEFF';

export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

function meaningful(l: Line): boolean {
  return stripBom(l.text).trim() !== '';
}

/** Whether enough has arrived to decide: `want` non-blank lines, or the hold is full. */
export function enoughToSniff(held: readonly Line[], want: number): boolean {
  if (held.length >= MAX_HELD_LINES) return true;
  let n = 0;
  for (const l of held) if (meaningful(l) && ++n >= want) return true;
  return false;
}

/** The first `want` non-blank lines, BOM removed. */
export function sniffSample(held: readonly Line[], want: number): string[] {
  const out: string[] = [];
  for (const l of held) {
    if (!meaningful(l)) continue;
    out.push(stripBom(l.text));
    if (out.length >= want) break;
  }
  return out;
}
