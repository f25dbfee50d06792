/**
 * One emulation as pure data: environment, days of normal traffic, planted procedures, the rendered
 * log files, drawbridge.yaml and labels.json. No I/O; the same seed always gives the same bytes.
 */
import { Activity, rangeKey } from './activity.js';
import { procedures } from './attacks.js';
import { buildEnvironment, ORG_ASN, ORG_V4, ORG_V6 } from './environment.js';
import type { Labels, ProcedureLabel } from './labels.js';
import { network, NETWORKS } from './networks.js';
import { normalDay } from './normal.js';
import type { RenderedFile } from './output.js';
import { Prng } from './prng.js';
import { Telemetry } from './telemetry.js';
import { rfc3339Z, US_PER_DAY, US_PER_H, US_PER_MS } from './time.js';

export interface ScenarioOptions {
  seed: number;
  /** Days of telemetry (default 7, at least 2). */
  days?: number;
  /** First day, UTC midnight (default Monday 2 November 2026). */
  start?: Date;
}

export interface Scenario {
  files: RenderedFile[];
  config: string;
  labels: Labels;
}

export const DEFAULT_DAYS = 7;
const DEFAULT_START = Date.UTC(2026, 10, 2);

/** Days the baselines learn: a little over half the period, so the rest can be attacked. */
export function learningDays(days: number): number {
  return Math.max(1, Math.min(days - 1, Math.round((days * 4) / 7)));
}

export function buildScenario(opts: ScenarioOptions): Scenario {
  const days = opts.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 2 || days > 366) throw new RangeError(`days must be an integer from 2 to 366, got ${days}`);
  if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  const root = new Prng(opts.seed);
  const env = buildEnvironment(root.fork('environment'));
  const telemetry = new Telemetry(env, root.fork('format'));
  const act = new Activity(telemetry, env, root.fork('traffic'));
  const start = (opts.start?.getTime() ?? DEFAULT_START) * US_PER_MS;
  const end = start + days * US_PER_DAY;
  const learnDays = learningDays(days);
  const learningEnd = start + learnDays * US_PER_DAY;

  // Attack sources come from ranges that normal traffic never uses.
  const seen = new Set<string>([...env.officeV4, ...env.officeV6, ...env.ciRunners, env.bobHome, ...env.scanners].map(rangeKey));
  const attackPrng = root.fork('attacks');
  const pickSource = (id: string): string => {
    for (;;) {
      const ip = act.address(network(id));
      const key = rangeKey(ip);
      if (!seen.has(key)) {
        seen.add(key);
        act.reserved.add(key);
        return ip;
      }
    }
  };
  const attackAct = new Activity(telemetry, env, attackPrng);
  const planted = procedures(attackAct, pickSource);
  for (const r of act.reserved) attackAct.reserved.add(r);

  for (let d = 0; d < days; d++) normalDay(act, start + d * US_PER_DAY, d);

  // Spread the procedures over the time after learning, away from its edges.
  const from = learningEnd + 2 * US_PER_H;
  const span = end - 2 * US_PER_H - from;
  const times = planted.map((p, i) => {
    const slot = span / planted.length;
    const t = Math.floor(from + i * slot + attackPrng.next() * slot * 0.6);
    p.plant(attackAct, t);
    return t;
  });

  const files = telemetry.out.render();
  const procLabels: ProcedureLabel[] = planted.map((p, i) => {
    const records = files.flatMap((f) => (f.marks.get(p.id) ?? []).map((m) => ({ file: f.path, line: m.line, time: m.time })));
    records.sort((a, b) => a.time - b.time || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    const first = records[0]?.time ?? times[i] ?? start;
    const last = records[records.length - 1]?.time ?? first;
    const net = network(p.networkId);
    const label: ProcedureLabel = {
      id: p.id,
      subTechnique: p.subTechnique,
      description: p.description,
      expected: p.expected,
      incident: true,
      source: p.source,
      sourceRange: rangeKey(p.source),
      asn: net.asn,
      asnOwner: net.owner,
      window: { start: rfc3339Z(first), end: rfc3339Z(last) },
      records: records.map((r) => ({ file: r.file, line: r.line, time: rfc3339Z(r.time) })),
    };
    if (p.identity !== undefined) label.identity = p.identity;
    if (p.credential !== undefined) label.credential = p.credential;
    return label;
  });

  const orgAsns = [ORG_ASN, NETWORKS.find((n) => n.id === 'aws')?.asn ?? 16509];
  const config = [
    '# Emulated organisation (drawbridge emulate). Office and VPN egress use documentation ranges;',
    '# CI runs on the cloud provider whose ASN is listed as the organisation\'s own.',
    'organisation:',
    '  name: example-corp',
    '  allowedRanges:',
    `    - ${ORG_V4}`,
    `    - ${ORG_V6}`,
    `  asns: [${orgAsns.join(', ')}]`,
    'detect:',
    `  learningPeriod: ${learnDays}d`,
    '',
  ].join('\n');

  const labels: Labels = {
    version: 1,
    profile: 'basic',
    seed: opts.seed,
    days,
    start: rfc3339Z(start),
    end: rfc3339Z(end),
    learningPeriod: `${learnDays}d`,
    learningPeriodMs: learnDays * 86_400_000,
    learningEnd: rfc3339Z(learningEnd),
    files: files.map((f) => ({ path: f.path, kind: f.kind, records: f.records })),
    procedures: procLabels,
  };
  return { files, config, labels };
}
