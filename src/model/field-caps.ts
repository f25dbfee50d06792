/**
 * Bounds on what an alert copies out of a log record. A field is attacker-controlled text (a 1 MB
 * "key" in a request, a user name), so each is cut to a fixed length and the alert says what was cut.
 */
import { capText } from '../io/redact.js';

export const MAX_TITLE_CHARS = 300;
export const MAX_VALUE_CHARS = 1024;
export const MAX_RAW_CHARS = 2048;
export const MAX_LIST_ITEMS = 100;
const MAX_DEPTH = 6;

function capValue(v: unknown, path: string, limit: number, cut: string[], depth: number): unknown {
  if (typeof v === 'string') {
    const c = capText(v, limit);
    if (c.cut) cut.push(path);
    return c.text;
  }
  if (typeof v !== 'object' || v === null) return v;
  if (depth >= MAX_DEPTH) {
    cut.push(path);
    return '…[cut]';
  }
  if (Array.isArray(v)) {
    if (v.length > MAX_LIST_ITEMS) cut.push(`${path}[${MAX_LIST_ITEMS}:]`);
    return v.slice(0, MAX_LIST_ITEMS).map((x, i) => capValue(x, `${path}[${i}]`, limit, cut, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = capValue(x, `${path}.${k}`, k === 'raw' ? MAX_RAW_CHARS : limit, cut, depth + 1);
  return out;
}

/** The alert's title, asset and evidence within bounds; `evidence.cut` names every field that was shortened. */
export function capAlertFields<T extends { title: string; asset: string; evidence: Record<string, unknown> }>(alert: T): T {
  const cut: string[] = [];
  const title = capText(alert.title, MAX_TITLE_CHARS);
  if (title.cut) cut.push('title');
  const asset = capText(alert.asset, MAX_VALUE_CHARS);
  if (asset.cut) cut.push('asset');
  const evidence = capValue(alert.evidence, 'evidence', MAX_VALUE_CHARS, cut, 0) as Record<string, unknown>;
  if (cut.length === 0) return alert;
  return { ...alert, title: title.text, asset: asset.text, evidence: { ...evidence, cut } };
}
