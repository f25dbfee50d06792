/**
 * Filters and cursor pagination shared by the list routes. Pure: the routes hand in the full list (the
 * store keeps alerts in commit order) and get one page back.
 */
import { SEVERITIES, atLeast, type Severity } from '../model/severity.js';
import { DATA_SOURCES, MITIGATIONS, SUB_TECHNIQUES, type Control, type SubTechnique } from '../model/technique.js';

const CONTROLS = [...Object.keys(MITIGATIONS), ...Object.keys(DATA_SOURCES)];

export interface ListQuery {
  since?: string;
  until?: string;
  /** Minimum severity. */
  severity?: Severity;
  subTechnique?: SubTechnique;
  control?: Control;
  asset?: string;
  cursor?: string;
  limit?: number;
}

export class QueryError extends Error {}

export const listQuerySchema = {
  type: 'object',
  properties: {
    since: { type: 'string', format: 'date-time', description: 'only items at or after this time' },
    until: { type: 'string', format: 'date-time', description: 'only items before this time' },
    severity: { type: 'string', enum: [...SEVERITIES], description: 'minimum severity' },
    subTechnique: { type: 'string', enum: Object.keys(SUB_TECHNIQUES) },
    control: { type: 'string', enum: [...CONTROLS] },
    asset: { type: 'string', maxLength: 512 },
    cursor: { type: 'string', maxLength: 64, description: 'the `next` value of the previous page' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
  additionalProperties: false,
} as const;

export interface Filterable {
  severity: Severity;
  subTechnique: SubTechnique;
  control?: Control;
  asset?: string;
  /** ISO time, when the item has one. */
  time?: string;
}

export function matches(item: Filterable, q: ListQuery): boolean {
  if (q.severity && !atLeast(item.severity, q.severity)) return false;
  if (q.subTechnique && item.subTechnique !== q.subTechnique) return false;
  if (q.control && item.control !== q.control) return false;
  if (q.asset && item.asset !== q.asset) return false;
  if ((q.since || q.until) && item.time) {
    const t = Date.parse(item.time);
    if (q.since && t < Date.parse(q.since)) return false;
    if (q.until && t >= Date.parse(q.until)) return false;
  }
  return true;
}

/** Cursors are opaque to clients: the position of the next item, encoded. */
function encodeCursor(index: number): string {
  return Buffer.from(`i:${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^i:(\d{1,12})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new QueryError('invalid cursor');
  return Number(m[1]);
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  next?: string;
  /** Matching items over all pages. */
  total: number;
}

export function page<T extends Filterable>(all: readonly T[], q: ListQuery): Page<T> {
  const hits = all.filter((x) => matches(x, q));
  const start = q.cursor ? decodeCursor(q.cursor) : 0;
  const limit = q.limit ?? 100;
  const items = hits.slice(start, start + limit);
  const end = start + items.length;
  return { items, total: hits.length, ...(end < hits.length ? { next: encodeCursor(end) } : {}) };
}
