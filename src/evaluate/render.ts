/** The evaluation report as a table for a terminal. */
import type { EvaluationReport } from './score.js';

function pct(v: number | null): string {
  return v === null ? '   —  ' : `${(v * 100).toFixed(1).padStart(5)}%`;
}

function padded(v: number, width: number): string {
  return String(v).padStart(width);
}

export function renderEvaluation(r: EvaluationReport): string {
  const out: string[] = [];
  out.push(`evaluation of ${r.dir} (${r.profile} profile, seed ${r.seed}${r.scale !== undefined ? `, scale ${r.scale}` : ''}; learning ends ${r.learningEnd})`);
  if (r.events !== undefined) out.push(`${r.events} events, ${r.rejected ?? 0} rejected records, ${r.alerts} alerts`);
  else out.push(`${r.alerts} alerts`);

  if (r.days.length > 0) {
    out.push('');
    out.push('live day     alerts  critical  high  medium   low  false highs');
    for (const d of r.days) {
      const s = d.bySeverity;
      out.push(`${d.date}  ${padded(d.alerts, 7)}  ${padded(s.critical, 8)}  ${padded(s.high, 4)}  ${padded(s.medium, 6)}  ${padded(s.low + s.info, 4)}  ${padded(d.falseHighs, 11)}`);
    }
    out.push(`per day      ${r.summary.alertsPerDay.toFixed(1).padStart(7)}${' '.repeat(34)}${r.summary.falseHighsPerDay.toFixed(1).padStart(11)}`);
  }

  out.push('');
  out.push('detector                              alerts   TP     FP  precision  recall');
  for (const d of r.detectors) {
    out.push(`${`${d.control} ${d.rule}`.padEnd(36)} ${padded(d.alerts, 6)} ${padded(d.truePositives, 4)} ${padded(d.falsePositives, 6)}    ${pct(d.precision)}  ${pct(d.recall)} (${d.detected}/${d.expected})`);
  }
  if (r.incidents) {
    const i = r.incidents;
    out.push(`${'incidents'.padEnd(36)} ${padded(i.incidents, 6)} ${padded(i.truePositives, 4)} ${padded(i.falsePositives, 6)}    ${pct(i.precision)}  ${pct(i.recall)} (${i.detected}/${i.expected}; ${i.linked} linked into one)`);
  } else {
    out.push('incidents: alerts carry no incident field');
  }
  out.push(`${'all'.padEnd(36)} ${padded(r.alerts, 6)}                ${pct(r.precision)}  ${pct(r.recall)} (procedures fully detected)`);

  out.push('');
  out.push('planted procedures                          first alert                                  required  found');
  for (const p of r.procedures) {
    const first = p.firstAlert ? `${p.firstAlert.time.slice(0, 19)} ${p.firstAlert.rule} [${p.firstAlert.severity}]` : '—';
    const status = p.found ? 'yes' : p.missing.length > 0 ? `MISSED ${p.missing.join(', ')}` : `below (highest ${p.highest ?? 'none'})`;
    out.push(`  ${p.id.padEnd(42)} ${first.padEnd(44)} ${(p.minSeverity ?? '—').padEnd(9)} ${status}${p.incidents.length > 0 ? `  incident ${p.incidents.join(', ')}` : ''}`);
  }
  if (r.benign.length > 0) {
    out.push('');
    out.push('benign new events                           alerts  highest   allowed   within');
    for (const b of r.benign) out.push(`  ${b.id.padEnd(42)} ${padded(b.alerts, 6)}  ${(b.highest ?? '—').padEnd(8)}  ${b.maxSeverity.padEnd(8)}  ${b.withinLimit ? 'yes' : 'NO'}`);
  }
  if (r.falsePositiveCount > 0) {
    const shown = r.falsePositives.slice(0, 20);
    out.push('');
    out.push(`false positives (${r.falsePositiveCount}${r.falsePositiveCount > shown.length ? `, ${shown.length} most severe` : ''}):`);
    for (const f of shown) out.push(`  ${f.time}  ${f.control} ${f.rule} [${f.severity}] ${f.title}`);
  }
  return out.join('\n') + '\n';
}
