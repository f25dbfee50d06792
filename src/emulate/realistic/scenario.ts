/**
 * The realistic profile as pure data: a month of an organisation's logs (21 days of history, then
 * live days) with Internet noise, public traffic through the gateways, people and CI, and — in the
 * live days — the planted procedures and benign new events, all in labels.json.
 */
import { networkOf } from '../../intel/ranges.js';
import type { BenignLabel, Labels, PlantedRecord, ProcedureLabel, SurfaceLabel } from '../labels.js';
import type { RenderedFile } from '../output.js';
import { Prng } from '../prng.js';
import type { Scenario } from '../scenario.js';
import { rfc3339Z, US_PER_DAY, US_PER_H, US_PER_MIN, US_PER_MS } from '../time.js';
import { Actions } from './actions.js';
import { Background } from './background.js';
import { RealisticLogs } from './logs.js';
import { buildOrganisation, HQ_V4, VPN_V4, type Organisation } from './organisation.js';
import { benign, procedures } from './planted.js';

export interface RealisticOptions {
  seed: number;
  /** Volume of the background (1 = realistic size; tests use a small fraction). */
  scale?: number;
  historyDays?: number;
  liveDays?: number;
  /** First day, UTC midnight (default Monday 5 October 2026). */
  start?: Date;
}

export const REALISTIC_DEFAULTS = { scale: 1, historyDays: 21, liveDays: 7 } as const;
const DEFAULT_START = Date.UTC(2026, 9, 5);

function recordsOf(files: RenderedFile[], id: string): PlantedRecord[] {
  const out = files.flatMap((f) => (f.marks.get(id) ?? []).map((m) => ({ file: f.path, line: m.line, time: m.time })));
  out.sort((x, y) => x.time - y.time || (x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line));
  return out.map((r) => ({ file: r.file, line: r.line, time: rfc3339Z(r.time) }));
}

function windowOf(records: PlantedRecord[], fallback: number): { start: string; end: string } {
  return { start: records[0]?.time ?? rfc3339Z(fallback), end: records[records.length - 1]?.time ?? rfc3339Z(fallback) };
}

/** The endpoints of the emulated environment, as a surface model would hold them. */
export function surfaceOf(org: Organisation): SurfaceLabel[] {
  const [b1, b2] = org.bastions;
  return [
    { host: b1.name, address: b1.ip, port: 22, role: 'management', service: 'ssh' },
    { host: b2.name, address: b2.ip, port: 22, role: 'management', service: 'ssh' },
    { host: org.edge.name, address: org.edge.ip, port: 443, role: 'public', service: 'web', vhost: 'www.example-corp.com' },
    { host: org.edge.name, address: org.edge.ip, port: 80, role: 'public', service: 'web', vhost: 'www.example-corp.com' },
    { host: org.edge.name, address: org.edge.ip, port: 443, role: 'management', service: 'web-admin', vhost: 'www.example-corp.com', path: '/admin/' },
    { host: org.edge.name, address: org.edge.ip, port: 443, role: 'management', service: 'jenkins', vhost: 'ci.example-corp.com', path: '/jenkins/' },
    { host: org.kong.name, address: org.kong.ip, port: 443, role: 'public', service: 'api', vhost: 'api.example-corp.com' },
    { host: org.kong.name, address: org.kong.ip, port: 8444, role: 'management', service: 'kong-admin' },
    { host: org.apiserver.name, address: org.apiserver.ip, port: 6443, role: 'management', service: 'kube-apiserver' },
  ];
}

/** drawbridge.yaml as the organisation's team would write it: its offices and VPN, the learning period. */
export function realisticConfig(historyDays: number): string {
  return [
    '# example-corp: headquarters and VPN egress are ours; the VPC (10.20.0.0/16) and pods (10.244.0.0/16)',
    '# are inside the default internal ranges.',
    'organisation:',
    '  name: example-corp',
    '  allowedRanges:',
    `    - ${HQ_V4}   # headquarters`,
    `    - ${VPN_V4}     # VPN egress`,
    'detect:',
    `  learningPeriod: ${historyDays}d`,
    '',
    '# surface: (management endpoints, gateways and their admin routes, public services)',
    '#   Left for the management-surface section of drawbridge.yaml; labels.json lists the',
    '#   endpoints of this environment under "surface" for when it is written here.',
    '',
  ].join('\n');
}

export function buildRealisticScenario(opts: RealisticOptions): Scenario {
  const scale = opts.scale ?? REALISTIC_DEFAULTS.scale;
  const historyDays = opts.historyDays ?? REALISTIC_DEFAULTS.historyDays;
  const liveDays = opts.liveDays ?? REALISTIC_DEFAULTS.liveDays;
  if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  if (!(scale > 0 && scale <= 4)) throw new RangeError(`scale must be above 0 and at most 4, got ${scale}`);
  if (!Number.isInteger(historyDays) || historyDays < 1 || historyDays > 90) throw new RangeError(`history days must be an integer from 1 to 90, got ${historyDays}`);
  if (!Number.isInteger(liveDays) || liveDays < 1 || liveDays > 60) throw new RangeError(`live days must be an integer from 1 to 60, got ${liveDays}`);

  const root = new Prng(opts.seed);
  const org = buildOrganisation(root.fork('organisation'));
  const logs = new RealisticLogs(org, root.fork('format'));
  const planting = new Actions(logs, org, root.fork('planted'));
  const traffic = new Actions(logs, org, root.fork('traffic'));
  const bg = new Background(traffic);
  const start = (opts.start?.getTime() ?? DEFAULT_START) * US_PER_MS;
  const days = historyDays + liveDays;
  const learningEnd = start + historyDays * US_PER_DAY;

  // Planted sources first, so background traffic keeps away from their ranges.
  const plantBg = new Background(planting);
  const procs = procedures(planting, liveDays);
  const benigns = benign(planting, plantBg, liveDays);
  for (const r of planting.reserved) traffic.reserved.add(r);
  for (const b of benigns) {
    if (b.replaces === undefined) continue;
    const d = historyDays + b.day;
    bg.replaced.set(d, new Set([...(bg.replaced.get(d) ?? []), b.replaces]));
  }
  bg.planTrips(historyDays);

  const dayContext = (d: number): { start: number; index: number; weekend: boolean; scale: number } => {
    const dayStart = start + d * US_PER_DAY;
    const dow = new Date(dayStart / US_PER_MS).getUTCDay();
    return { start: dayStart, index: d, weekend: dow === 0 || dow === 6, scale };
  };
  // Day by day, so what a labelled event changes (a rotated key, a new home) holds for the days after it.
  const times = new Map<string, number>();
  const planted = [...procs, ...benigns];
  for (let d = 0; d < days; d++) {
    const ctx = dayContext(d);
    bg.day(ctx);
    for (const p of planted.filter((x) => historyDays + x.day === d)) {
      const t = ctx.start + p.hour * US_PER_H + planting.prng.int(0, 40) * US_PER_MIN;
      times.set(p.id, t);
      p.plant(ctx, t);
    }
  }

  const files = logs.out.render();
  const procedureLabels: ProcedureLabel[] = procs.map((p) => {
    const records = recordsOf(files, p.id);
    const label: ProcedureLabel = {
      id: p.id,
      subTechnique: p.subTechnique,
      description: p.description,
      expected: p.expected,
      minSeverity: p.minSeverity,
      incident: true,
      source: p.source,
      sourceRange: networkOf(p.source, 24, 48) ?? p.source,
      asn: p.network.asn,
      asnOwner: p.network.owner,
      window: windowOf(records, times.get(p.id) ?? start),
      records,
    };
    if (p.identity !== undefined) label.identity = p.identity;
    if (p.credential !== undefined) label.credential = p.credential;
    return label;
  });
  const benignLabels: BenignLabel[] = benigns.map((b) => {
    const records = recordsOf(files, b.id);
    const label: BenignLabel = {
      id: b.id,
      kind: b.kind,
      description: b.description,
      maxSeverity: b.maxSeverity,
      source: b.source,
      sourceRange: networkOf(b.source, 24, 48) ?? b.source,
      identity: b.identity,
      window: windowOf(records, times.get(b.id) ?? start),
      records,
    };
    if (!b.source.startsWith('198.51.100.') && !b.source.startsWith('192.0.2.')) {
      label.asn = b.network.asn;
      label.asnOwner = b.network.owner;
    }
    if (b.credential !== undefined) label.credential = b.credential;
    return label;
  });

  const labels: Labels = {
    version: 1,
    profile: 'realistic',
    scale,
    seed: opts.seed,
    days,
    start: rfc3339Z(start),
    end: rfc3339Z(start + days * US_PER_DAY),
    learningPeriod: `${historyDays}d`,
    learningPeriodMs: historyDays * 86_400_000,
    learningEnd: rfc3339Z(learningEnd),
    files: files.map((f) => ({ path: f.path, kind: f.kind, records: f.records })),
    procedures: procedureLabels,
    benign: benignLabels,
    surface: surfaceOf(org),
  };
  return { files, config: realisticConfig(historyDays), labels };
}
