/** Narrowing helpers for plain values read out of parsed documents (JSON, YAML, HCL): unknown in, narrow types out. */

export type PlainObject = Record<string, unknown>;

export function isObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown): PlainObject | undefined {
  return isObject(v) ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A scalar as text (numbers and booleans too); undefined for maps, lists and null. */
export function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** A finite number, or a string holding an integer (config values are often quoted). */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}
