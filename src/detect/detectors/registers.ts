/**
 * Small registers on top of the StateStore contract. The store keeps set membership, counters and
 * marks, but no key → value cell; a `seen` entry that always "starts over" is one: its first time
 * is the value. Detectors use them to remember which alert or incident a later record refers to
 * (an alert id is 64 bits of hash, kept as two 32-bit halves). Every store honours this, because it
 * is the documented meaning of `seen(…, expireAfter)`.
 */
import type { StateView } from '../state/types.js';

/** An expiry no gap can exceed: the entry starts over at every write. */
const START_OVER = -Number.MAX_SAFE_INTEGER;
const ID = /^([A-Z]+)-([0-9a-f]{16})$/;

export function writeNumber(state: StateView, ns: string, key: string, value: number): void {
  state.seen(ns, key, value, START_OVER);
}

export function readNumber(state: StateView, ns: string, key: string): number | undefined {
  return state.peek(ns, key)?.first;
}

/** Keep an id of the form PREFIX-<16 hex digits> (alert and incident ids). Other shapes are refused. */
export function writeId(state: StateView, ns: string, key: string, id: string): boolean {
  const m = ID.exec(id);
  if (!m) return false;
  const hex = m[2] as string;
  writeNumber(state, ns, `${key}\u0000hi`, parseInt(hex.slice(0, 8), 16));
  writeNumber(state, ns, `${key}\u0000lo`, parseInt(hex.slice(8), 16));
  return true;
}

export function readId(state: StateView, ns: string, key: string, prefix: string): string | undefined {
  const hi = readNumber(state, ns, `${key}\u0000hi`);
  const lo = readNumber(state, ns, `${key}\u0000lo`);
  if (hi === undefined || lo === undefined) return undefined;
  return `${prefix}-${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}`;
}
