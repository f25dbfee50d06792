import type { Finding } from '../../model/finding.js';
import { locationKey } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { escapeControl } from '../redact.js';

const COLOURS: Record<Severity, string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};
const RESET = '\x1b[0m';

export interface TableOptions {
  colour: boolean;
  width?: number;
}

/** Whether to colour: a TTY and NO_COLOR unset (https://no-color.org). */
export function wantColour(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

/** Human-readable report: one block per finding, grouped by severity, then a summary line. */
export function toTable(items: readonly Finding[], opts: TableOptions): string {
  if (items.length === 0) return 'No findings.\n';
  const out: string[] = [];
  for (const f of items) {
    const sev = f.severity.toUpperCase().padEnd(8);
    const tag = opts.colour ? `${COLOURS[f.severity]}${sev}${RESET}` : sev;
    // Titles, assets and locations quote input (log fields, file names): escaped, never raw to the terminal.
    const e = escapeControl;
    out.push(`${tag} ${e(f.title)}`);
    out.push(`         ${e(f.rule)} · ${f.subTechnique} · ${f.control} · ${e(f.asset)}`);
    out.push(`         at ${e(locationKey(f.location))}${'time' in f && typeof f.time === 'string' ? ` (${e(f.time)})` : ''}`);
    const incident = (f as { incident?: string }).incident;
    if (incident) out.push(`         incident ${e(incident)}`);
    if (f.remediation) out.push(`         fix: ${f.remediation.split('\n').map(e).join('\n              ')}`);
    out.push('');
  }
  out.push(summaryLine(items));
  return out.join('\n') + '\n';
}

export function summaryLine(items: readonly Finding[]): string {
  const counts = new Map<Severity, number>();
  for (const f of items) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const parts = (['critical', 'high', 'medium', 'low', 'info'] as Severity[])
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`);
  return `${items.length} total: ${parts.join(', ')}`;
}
