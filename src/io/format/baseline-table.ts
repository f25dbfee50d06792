/** `drawbridge baseline list` as a table: one entry a line, approved entries marked. */
import type { BaselineRow } from '../../detect/baseline.js';
import { maxOf } from '../../util/arrays.js';

const iso = (t: number): string => new Date(t).toISOString();

export function baselineTable(rows: readonly BaselineRow[]): string {
  if (rows.length === 0) return 'Baseline is empty.\n';
  const head = ['DETECTOR', 'KEY', 'FIRST SEEN', 'LAST SEEN'];
  const body = rows.map((r) => [r.detector, r.key, iso(r.first), r.approved ? 'approved' : iso(r.last!)]);
  const widths = head.map((h, i) => maxOf(body.map((b) => b[i]!.length), h.length));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [fmt(head), ...body.map(fmt), `${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}`].join('\n') + '\n';
}
