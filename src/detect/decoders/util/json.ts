/** Typed accessors over parsed JSON (unknown in, narrow types out) so decoders never use `any`. */

import type { PlainObject } from '../../../util/values.js';

export { arr, bool, isObject, num, obj, str, strings } from '../../../util/values.js';
export type JsonObject = PlainObject;

/** JSON.parse without throwing; the error text becomes part of a rejection reason. */
export function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
