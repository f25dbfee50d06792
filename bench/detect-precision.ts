/**
 * detect/precision — what a security team would see: `evaluate` over the realistic emulation
 * (a month of an organisation's logs, 21 days learned, 7 live) for several seeds. Prints alerts and
 * false highs (high/critical alerts on no planted attack) per live day, recall of the planted attacks
 * at their required severity, and benign new events kept at or below their allowed severity.
 * Not a speed bench: the figures are counts, the same on any machine for the same seed and scale.
 * Usage: npx tsx bench/detect-precision.ts [--quick] [--seeds 1,2,3] [--scale 1]
 */
import { evaluateScenario } from '../src/evaluate/index.js';
import { machineInfo, parseFlags, printMachine, printTable, round, writeResult } from './lib/common.js';

const flags = parseFlags(process.argv.slice(2));
const text = (name: string, fallback: string): string => {
  const v = flags.values.get(name);
  return typeof v === 'string' ? v : fallback;
};
const seeds = text('seeds', flags.quick ? '1' : '1,2,3').split(',').map(Number);
const scale = Number(text('scale', flags.quick ? '0.05' : '1'));

printMachine(machineInfo());
const rows: (string | number)[][] = [['seed', 'scale', 'alerts/day', 'false highs/day', 'recall at severity', 'benign ≤ allowed', 'missed', 'seconds']];
const results = [];
for (const seed of seeds) {
  const t0 = performance.now();
  const r = await evaluateScenario(seed, scale);
  const seconds = round((performance.now() - t0) / 1000, 1);
  const missed = r.procedures.filter((p) => !p.found).map((p) => p.id);
  rows.push([seed, scale, round(r.summary.alertsPerDay, 1), round(r.summary.falseHighsPerDay, 1), `${r.procedures.length - missed.length}/${r.procedures.length}`, `${r.summary.benignWithinLimit}/${r.benign.length}`, missed.join(' ') || '—', seconds]);
  results.push({ seed, scale, seconds, summary: r.summary, days: r.days, procedures: r.procedures, benign: r.benign, detectors: r.detectors });
}
printTable(rows);
console.log(`results: ${writeResult('detect-precision', { seeds, scale, results })}`);
