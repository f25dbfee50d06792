import { readNamedFile } from '../io/safe-read.js';
import { LineCounter, parseDocument, isNode, isMap, isScalar } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type DrawbridgeConfig } from './schema.js';
import { UsageError } from '../model/errors.js';
import { closest } from './suggest.js';

export function defaultConfig(): DrawbridgeConfig {
  return ConfigSchema.parse({});
}

/** A command-line flag that sets (or, with `append`, extends) one config key before validation. */
export interface ConfigOverride {
  flag: string;
  path: readonly string[];
  value: unknown;
  append?: boolean;
}

function applyOverrides(raw: Record<string, unknown>, overrides: readonly ConfigOverride[]): void {
  for (const o of overrides) {
    let node: Record<string, unknown> = raw;
    for (const key of o.path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const last = o.path[o.path.length - 1]!;
    const current = node[last];
    node[last] = o.append && Array.isArray(current) && Array.isArray(o.value) ? [...(current as unknown[]), ...o.value] : o.value;
  }
}

const MAX_ALIAS_COUNT = 100;

/** Parse drawbridge.yaml text plus flag overrides; every problem names the key and its line, or the flag. */
export function parseConfig(text: string, file: string, overrides: readonly ConfigOverride[] = []): DrawbridgeConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const { line } = lc.linePos(e.pos[0]);
    throw new UsageError(`${file}:${line}: invalid YAML: ${e.message.split('\n')[0]}`, 'DRB-E-CONFIG');
  }
  let js: unknown;
  try {
    // maxAliasCount bounds alias expansion: a "billion laughs" document is refused, not expanded.
    js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    throw new UsageError(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const raw = (typeof js === 'object' && js !== null && !Array.isArray(js) ? js : { '(root)': js }) as Record<string, unknown>;
  applyOverrides(raw, overrides);
  const result = ConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue: z.core.$ZodIssue) => {
    const path = issue.path.map(String);
    const byFlag = overrides.find((o) => o.path.every((k, i) => path[i] === k));
    if (byFlag) return `${byFlag.flag}: ${issue.message}`;
    // Point at the deepest node that exists in the document.
    let line = 1;
    // An unknown key: point at the key itself rather than its parent.
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const parent = unknown !== undefined ? doc.getIn(path, true) : undefined;
    const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === unknown) : undefined;
    if (pair && isScalar(pair.key) && pair.key.range) {
      const hint = closest(unknown!, knownKeys(path));
      return `${file}:${lc.linePos(pair.key.range[0]).line}: ${[...path, unknown].join('.')}: unknown key${hint ? ` (did you mean ${hint}?)` : ''}`;
    }
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        line = lc.linePos(node.range[0]).line;
        break;
      }
    }
    return `${file}:${line}: ${path.join('.') || '(root)'}: ${issue.message}`;
  });
  throw new UsageError(messages.join('\n'), 'DRB-E-CONFIG-KEY');
}

/** The keys the schema accepts at a path of nested objects. */
function knownKeys(path: readonly string[]): string[] {
  let shape: unknown = ConfigSchema;
  for (const key of [...path, '']) {
    // Defaults and other wrappers hold the object schema as their inner type.
    while (shape && typeof shape === 'object' && !('shape' in shape) && 'def' in shape) {
      const def = (shape as { def: { innerType?: unknown } }).def;
      if (!def.innerType) break;
      shape = def.innerType;
    }
    const fields = (shape as { shape?: Record<string, unknown> } | undefined)?.shape;
    if (!fields) return [];
    if (key === '') return Object.keys(fields);
    shape = fields[key];
  }
  return [];
}

export function loadConfig(file: string | undefined, overrides: readonly ConfigOverride[] = []): DrawbridgeConfig {
  if (!file) return parseConfig('', '(defaults)', overrides);
  let text: string;
  try {
    text = readNamedFile(file);
  } catch (e) {
    throw new UsageError(`${file}: cannot read config: ${(e as Error).message}`, 'DRB-E-CONFIG');
  }
  return parseConfig(text, file, overrides);
}
