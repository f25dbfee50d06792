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

// Fields of a parsed JSON object by key, undefined when absent or of another type (decoders read records this way).

export function obj(v: unknown, key: string): PlainObject | undefined {
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
