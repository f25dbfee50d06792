import type { Finding } from '../../model/finding.js';

export type Lens = 'audit' | 'probe' | 'detect';

/** `{"findings":[...]}` for audit/probe, `{"alerts":[...]}` for detect: the JSON output contract. */
export function toJson(lens: Lens, items: readonly Finding[], extra: Record<string, unknown> = {}): string {
  const key = lens === 'detect' ? 'alerts' : 'findings';
  return JSON.stringify({ [key]: items, ...extra }, null, 2) + '\n';
}

export function toJsonl(items: readonly Finding[]): string {
  return items.map((f) => JSON.stringify(f)).join('\n') + (items.length ? '\n' : '');
}
