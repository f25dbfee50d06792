/**
 * The one-page view no single tool gives: for each sub-technique, what `audit` says is exposed, what
 * `probe` found answering and what `detect` saw coming in; and per asset, the same three lenses side
 * by side. Pure: built from the stored findings and alerts.
 */
import type { Alert, Finding } from '../model/finding.js';
import { maxSeverity, type Severity } from '../model/severity.js';
import { SUB_TECHNIQUES, type SubTechnique } from '../model/technique.js';

export type LensName = 'audit' | 'probe' | 'detect';

export interface LensCell {
  count: number;
  /** Highest severity among them; absent when count is 0. */
  worst?: Severity;
}

export interface OverviewRow {
  subTechnique: SubTechnique;
  name: string;
  audit: LensCell;
  probe: LensCell;
  detect: LensCell;
}

export interface AssetRow {
  asset: string;
  audit: LensCell;
  probe: LensCell;
  detect: LensCell;
  subTechniques: SubTechnique[];
}

export interface Overview {
  matrix: OverviewRow[];
  assets: AssetRow[];
}

const empty = (): LensCell => ({ count: 0 });

function add(cell: LensCell, s: Severity): void {
  cell.count++;
  cell.worst = cell.worst ? maxSeverity(cell.worst, s) : s;
}

export function lensOf(f: Finding): LensName {
  if ('file' in f.location) return 'audit';
  if ('host' in f.location) return 'probe';
  return 'detect';
}

export function buildOverview(findings: readonly Finding[], alerts: readonly Alert[]): Overview {
  const rows = new Map<SubTechnique, OverviewRow>();
  for (const [id, name] of Object.entries(SUB_TECHNIQUES) as [SubTechnique, string][]) {
    rows.set(id, { subTechnique: id, name, audit: empty(), probe: empty(), detect: empty() });
  }
  const assets = new Map<string, AssetRow>();
  for (const item of [...findings, ...alerts]) {
    const lens = lensOf(item);
    const row = rows.get(item.subTechnique);
    if (row) add(row[lens], item.severity);
    let a = assets.get(item.asset);
    if (!a) assets.set(item.asset, (a = { asset: item.asset, audit: empty(), probe: empty(), detect: empty(), subTechniques: [] }));
    add(a[lens], item.severity);
    if (!a.subTechniques.includes(item.subTechnique)) a.subTechniques.push(item.subTechnique);
  }
  const rank = (r: AssetRow): number => r.audit.count + r.probe.count + r.detect.count;
  return {
    matrix: [...rows.values()],
    assets: [...assets.values()].map((a) => ({ ...a, subTechniques: a.subTechniques.sort() })).sort((x, y) => rank(y) - rank(x) || x.asset.localeCompare(y.asset)),
  };
}
