/**
 * The realistic profile, checked from the outside: the generated logs are decoded with the
 * registered decoders and the noise families are counted in what the decoders read; labels.json is
 * checked against the lines it points at.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { openAsnDatabase } from '../../src/intel/asn.js';
import { buildRealisticScenario } from '../../src/emulate/realistic/scenario.js';
import { REALISTIC_PATHS } from '../../src/emulate/realistic/logs.js';
import type { ApiEvent, AuthEvent, DrawbridgeEvent, FlowEvent } from '../../src/model/event.js';
import { decodeText, lines } from './helpers.js';

const SCALE = 0.02;
const scenario = buildRealisticScenario({ seed: 11, scale: SCALE });
const { labels } = scenario;
const linesOf = new Map(scenario.files.map((f) => [f.path, lines(f.text)]));
const asn = openAsnDatabase();
const DAY = 86_400_000;

const decoded = new Map(scenario.files.map((f) => [f.path, decodeText(f.path, f.text)]));
function events<K extends DrawbridgeEvent['kind']>(path: string, kind: K): Extract<DrawbridgeEvent, { kind: K }>[] {
  return (decoded.get(path)?.events ?? []).filter((e): e is Extract<DrawbridgeEvent, { kind: K }> => e.kind === kind);
}
const flows = events(REALISTIC_PATHS.vpcFlow, 'flow') as FlowEvent[];
const sshd = events(REALISTIC_PATHS.authLog, 'auth') as AuthEvent[];
const edge = events(REALISTIC_PATHS.edge, 'api') as ApiEvent[];
const kongProxy = events(REALISTIC_PATHS.kongProxy, 'api') as ApiEvent[];
const kongAdmin = events(REALISTIC_PATHS.kongAdmin, 'api') as ApiEvent[];
const audit = events(REALISTIC_PATHS.k8sAudit, 'api') as ApiEvent[];

const start = Date.parse(labels.start);
const liveStart = Date.parse(labels.learningEnd);
const dayOf = (t: number): number => Math.floor((t - start) / DAY);
const slash24 = (ip: string): string => ip.slice(0, ip.lastIndexOf('.'));
const internal = (ip: string): boolean => ip.startsWith('10.');
const asnOf = (ip: string): number | undefined => asn.lookup(ip)?.asn;

/** Per day, the /24s of `items` never seen on an earlier day. */
function newRangesPerDay<T extends { time: number; src: string }>(items: T[]): number[] {
  const seen = new Set<string>();
  const perDay = Array.from({ length: labels.days }, () => new Set<string>());
  for (const e of [...items].sort((a, b) => a.time - b.time)) {
    const r = slash24(e.src);
    if (seen.has(r)) continue;
    seen.add(r);
    perDay[dayOf(e.time)]?.add(r);
  }
  return perDay.map((s) => s.size);
}

describe('realistic profile: shape', () => {
  it('covers 21 days of history and 7 live days, configured as drawbridge.yaml says', () => {
    expect(labels.profile).toBe('realistic');
    expect(labels.days).toBe(28);
    expect(liveStart - start).toBe(21 * DAY);
    const config = parseConfig(scenario.config, 'drawbridge.yaml');
    expect(config.detect.learningPeriod).toBe(labels.learningPeriodMs);
    expect(config.organisation.allowedRanges).toEqual(['198.51.100.0/24', '192.0.2.0/24']);
    expect(scenario.config).toMatch(/^# surface:/m);
  });

  it('decodes every record of every file', () => {
    for (const [path, d] of decoded) {
      expect(d.decoder, path).toBeDefined();
      expect(d.rejections, path).toEqual([]);
    }
  });
});

describe('realistic profile: noise families, as the decoders read them', () => {
  it('Internet scanning: hundreds of new /24s a day per thousand of scale on the exposed ports, from hosting and residential ASNs', () => {
    const exposed = flows.filter((f) => f.action === 'accept' && !internal(f.src) && f.packets === 2 && [22, 443, 80, 8444, 6443].includes(f.dstPort));
    const perDay = newRangesPerDay(exposed);
    // About 850 scanners a day at scale 1, nearly all of them in a /24 never seen before.
    for (const n of perDay.slice(21)) expect(n).toBeGreaterThan(600 * SCALE);
    const ports = new Set(exposed.map((f) => f.dstPort));
    expect([...ports].sort((a, b) => a - b)).toEqual([22, 80, 443, 6443, 8444]);
    const asns = new Set(exposed.slice(0, 400).map((f) => asnOf(f.src)));
    for (const scanner of [14061, 4134, 45899, 132203]) expect(asns.has(scanner) || exposed.some((f) => asnOf(f.src) === scanner), `AS${scanner}`).toBe(true);
    // Refused probes of closed ports too.
    expect(flows.some((f) => f.action === 'reject')).toBe(true);
    // Guessing on the bastions that never succeeds.
    expect(sshd.filter((e) => !e.success && e.method === 'password').length).toBeGreaterThan(200);
  });

  it('the edge gateway carries a busy public web site, POST-heavy, next to its /admin route', () => {
    const posts = edge.filter((e) => e.method === 'POST' && e.host === 'www.example-corp.com' && !e.resource.startsWith('/admin'));
    expect(new Set(posts.map((e) => e.resource))).toEqual(new Set(['/contact', '/newsletter/subscribe', '/cart/items', '/login', '/checkout', '/api/search']));
    // Many new consumer ranges post in the live days (about 150 a day at scale 1).
    const live = newRangesPerDay(posts).slice(21);
    expect(live.reduce((a, b) => a + b, 0)).toBeGreaterThan(50 * SCALE * live.length);
    const admin = edge.filter((e) => e.resource.startsWith('/admin/') && e.actor !== '-');
    expect(admin.some((e) => e.method === 'POST' || e.method === 'PUT')).toBe(true);
  });

  it('Kong carries a public API (POST /v1/orders from new consumer ranges) and has a separate admin port', () => {
    const orders = kongProxy.filter((e) => e.method === 'POST' && e.resource === '/v1/orders');
    expect(new Set(orders.map((e) => slash24(e.src))).size).toBeGreaterThan(100 * SCALE * 28);
    const adminFlows = flows.filter((f) => f.dstPort === 8444 && f.packets !== undefined && f.packets > 2);
    expect(adminFlows.length).toBeGreaterThan(0);
    expect(kongAdmin.some((e) => e.method === 'PUT' && e.actor === 'ci-deck')).toBe(true);
  });

  it('hosted CI reaches the cluster from rotating cloud ranges, and the deployer creates pods every day', () => {
    const deployer = audit.filter((e) => e.actor === 'system:serviceaccount:ci:deployer');
    const ranges = new Set(deployer.map((e) => slash24(e.src)));
    expect(ranges.size).toBeGreaterThan(100);
    for (const e of deployer.slice(0, 50)) expect([8075, 16509]).toContain(asnOf(e.src));
    const creationDays = new Set(deployer.filter((e) => e.verb === 'create' && e.resource === 'pods').map((e) => dayOf(e.time)));
    for (let d = 0; d < labels.days; d++) expect(creationDays.has(d), `day ${d}`).toBe(true);
  });

  it('employees log in from headquarters, the branch office, home ISPs and, some weeks, hotels abroad', () => {
    const logins = sshd.filter((e) => e.success && e.method === 'publickey' && !internal(e.src));
    const where = new Set(logins.map((e) => (e.src.startsWith('198.51.100.') ? 'hq' : e.src.startsWith('192.0.2.') ? 'vpn' : String(asnOf(e.src)))));
    expect(where.has('hq')).toBe(true);
    expect(where.has('vpn')).toBe(true);
    expect(where.has('2856')).toBe(true); // branch office line (BT)
    // Home broadband: several consumer ISPs.
    expect([7922, 3320, 7018, 21928, 3215, 20115, 701].filter((a) => where.has(String(a))).length).toBeGreaterThanOrEqual(4);
    // A trip in the history: Telefónica or Telecom Italia.
    expect(logins.some((e) => e.time < liveStart && [3352, 3269].includes(asnOf(e.src) ?? 0))).toBe(true);
  });

  it('in-cluster service-account tokens rotate hourly (a new token id every hour)', () => {
    const byAccount = new Map<string, Set<string>>();
    for (const e of audit) {
      if (!e.actor.startsWith('system:serviceaccount:') || e.actor.includes(':ci:') || !internal(e.src) || e.credential === undefined) continue;
      byAccount.set(e.actor, (byAccount.get(e.actor) ?? new Set()).add(e.credential));
    }
    expect(byAccount.size).toBeGreaterThanOrEqual(5);
    for (const [who, creds] of byAccount) expect(creds.size, who).toBe(labels.days * 24);
  });

  it('east-west traffic between internal hosts, and one auth.log for forty hosts', () => {
    const eastWest = flows.filter((f) => internal(f.src) && internal(f.dst) && f.dstPort < 32768);
    expect(new Set(eastWest.map((f) => f.dstPort))).toEqual(new Set([22, 5432, 6379, 10250, 6443, 9100]));
    expect(new Set(sshd.map((e) => e.observer)).size).toBeGreaterThanOrEqual(38);
    expect(sshd.some((e) => e.success && e.src === '10.20.4.5')).toBe(true);
  });

  it('part of the Kubernetes audit log is re-serialised with sorted keys (annotations first), and decodes', () => {
    const raw = linesOf.get(REALISTIC_PATHS.k8sAudit) ?? [];
    const sorted = raw.filter((l) => l.startsWith('{"annotations":'));
    expect(sorted.length).toBeGreaterThan(raw.length * 0.2);
    expect(sorted.length).toBeLessThan(raw.length * 0.4);
    expect(audit.length).toBe(raw.length);
  });
});

describe('realistic profile: labels', () => {
  const all = [...labels.procedures.map((p) => ({ ...p, benign: false })), ...(labels.benign ?? []).map((b) => ({ ...b, benign: true }))];

  it('plants every sub-technique, the issue\'s procedures, and each benign kind, with the severity each must get', () => {
    expect(new Set(labels.procedures.map((p) => p.subTechnique))).toEqual(new Set(['exposed-gateway', 'exposed-kubernetes-api', 'ssh-access', 'unauthenticated-admin-interface']));
    for (const id of ['ci-first-privileged-pod', 'ssh-brute-force-success', 'ssh-password-spray-success', 'ssh-new-key-hosting-night']) expect(labels.procedures.map((p) => p.id)).toContain(id);
    for (const p of labels.procedures) expect(['high', 'critical']).toContain(p.minSeverity);
    expect(new Set(labels.benign?.map((b) => b.kind))).toEqual(new Set(['new-hire', 'key-rotation', 'certificate-renewal', 'new-home-isp', 'travelling-admin']));
    for (const b of labels.benign ?? []) expect(b.maxSeverity).toBe('medium');
  });

  it.each(all.map((x) => [x.id, x] as const))('%s: its records are in the logs, within its window and the live days', (_id, x) => {
    expect(x.records.length).toBeGreaterThan(0);
    for (const r of x.records) {
      expect(linesOf.has(r.file), r.file).toBe(true);
      const text = linesOf.get(r.file)?.[r.line - 1] ?? '';
      // Every labelled record names the source's /24 (a spray uses neighbours of the source).
      expect(text, `${r.file}:${r.line}`).toContain(`${slash24(x.source)}.`);
      const t = Date.parse(r.time);
      expect(t).toBeGreaterThanOrEqual(Date.parse(x.window.start));
      expect(t).toBeLessThanOrEqual(Date.parse(x.window.end));
      expect(t).toBeGreaterThanOrEqual(liveStart);
    }
    if (x.asn !== undefined) expect(asnOf(x.source)).toBe(x.asn);
  });

  it('plants each attack from a /24 that appears nowhere else in the logs', () => {
    for (const p of labels.procedures) {
      const marked = new Set(p.records.map((r) => `${r.file}:${r.line}`));
      const prefix = new RegExp(`(?<![0-9.])${slash24(p.source).replace(/\./g, '\\.')}\\.\\d`);
      for (const [path, text] of linesOf) {
        text.forEach((l, i) => {
          if (prefix.test(l)) expect(marked.has(`${path}:${i + 1}`), `${p.id} ${path}:${i + 1}`).toBe(true);
        });
      }
    }
  });

  it('plants the benign events where an organisation would: known networks for the new hire and the rotated key and certificate', () => {
    const history = (src: string, user?: string): boolean => sshd.some((e) => e.success && e.time < liveStart && e.src === src && (user === undefined || e.user === user));
    const b = new Map((labels.benign ?? []).map((x) => [x.kind, x]));
    const hire = b.get('new-hire');
    // The branch office line the new hire starts from is where colleagues logged in from all month.
    expect(hire && history(hire.source)).toBe(true);
    const rotation = b.get('key-rotation');
    expect(rotation && history(rotation.source, rotation.identity)).toBe(true);
    // The new home ISP is one a colleague already worked from.
    const isp = b.get('new-home-isp');
    expect(isp && sshd.some((e) => e.success && e.time < liveStart && asnOf(e.src) === isp.asn)).toBe(true);
  });
});
