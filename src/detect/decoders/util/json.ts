/** Typed accessors over parsed JSON (unknown in, narrow types out) so decoders never use `any`. */

import { isObject, type PlainObject } from '../../../util/values.js';

export { isObject };
export type JsonObject = PlainObject;

export function obj(v: unknown, key: string): JsonObject | undefined {
  if (!isObject(v)) return undefined;
  const x = v[key];
  return isObject(x) ? x : undefined;
}

export function str(v: unknown, key: string): string | undefined {
  if (!isObject(v)) return undefined;
  const x = v[key];
  return typeof x === 'string' ? x : undefined;
}

/** A number, or a string holding a finite number (int64 fields are serialised as strings). */
export function num(v: unknown, key: string): number | undefined {
  if (!isObject(v)) return undefined;
  const x = v[key];
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  if (typeof x === 'string' && x.length > 0 && x.length < 32) {
    const n = Number(x);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function bool(v: unknown, key: string): boolean | undefined {
  if (!isObject(v)) return undefined;
  const x = v[key];
  return typeof x === 'boolean' ? x : undefined;
}

export function arr(v: unknown, key: string): unknown[] | undefined {
  if (!isObject(v)) return undefined;
  const x = v[key];
  return Array.isArray(x) ? x : undefined;
}

export function strings(v: unknown, key: string): string[] | undefined {
  const a = arr(v, key);
  return a?.filter((x): x is string => typeof x === 'string');
}

/** JSON.parse without throwing; the error text becomes part of a rejection reason. */
export function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
