/**
 * Observations: what unauthenticated first-seen sources did when they did nothing (Internet scanners,
 * brute force that never succeeded). They are not alerts: each is folded into a digest per service and
 * period — how many, from how many ranges, the top ranges and ASNs, first and last seen — written to the
 * output beside the alerts. A source that later logs in or writes turns into an alert (DS0029).
 */
import type { AsnLookup } from '../intel/asn.js';

export interface ObservationInput {
  time: number;
  /** Catalogue service (or services, "a|b") reached. */
  service: string;
  /** host:port (or API) reached. */
  target: string;
  src: string;
  range: string;
  /** A connection or request with nothing after it; a refused login. */
  what: 'connection' | 'failed-login' | 'request';
}

export interface RangeCount {
  range: string;
  count: number;
}

export interface AsnCount {
  asn: number;
  org: string;
  count: number;
}

export interface Observation {
  kind: 'observation';
  service: string;
  /** The period, [start, end) in UTC. */
  start: string;
  end: string;
  /** Events folded in, by what they were. */
  connections: number;
  failedLogins: number;
  requests: number;
  /** Distinct source ranges (and targets) in the period. */
  ranges: number;
  targets: number;
  topRanges: RangeCount[];
  topAsns: AsnCount[];
  firstSeen: string;
  lastSeen: string;
}

/** Ranges tracked per bucket; beyond it only the totals grow (a flood must not eat memory). */
const MAX_RANGES = 50_000;
const MAX_TARGETS = 10_000;
const TOP = 5;

interface Bucket {
  service: string;
  start: number;
  counts: Record<ObservationInput['what'], number>;
  ranges: Map<string, number>;
  targets: Set<string>;
  first: number;
  last: number;
}

/** A bucket as JSON, for a digest kept across restarts (the server's). */
export interface SavedBucket {
  service: string;
  start: number;
  counts: Bucket['counts'];
  ranges: [string, number][];
  targets: string[];
  first: number;
  last: number;
}

export class ObservationDigest {
  private readonly buckets = new Map<string, Bucket>();
  /** Buckets changed since the last `takeChanged`. */
  private readonly changed = new Set<string>();

  constructor(private readonly period: number) {}

  add(o: ObservationInput): void {
    const start = Math.floor(o.time / this.period) * this.period;
    const key = `${o.service}\u0000${start}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { service: o.service, start, counts: { connection: 0, 'failed-login': 0, request: 0 }, ranges: new Map(), targets: new Set(), first: o.time, last: o.time };
      this.buckets.set(key, b);
    }
    b.counts[o.what]++;
    const n = b.ranges.get(o.range);
    if (n !== undefined) b.ranges.set(o.range, n + 1);
    else if (b.ranges.size < MAX_RANGES) b.ranges.set(o.range, 1);
    if (b.targets.size < MAX_TARGETS) b.targets.add(o.target);
    if (o.time < b.first) b.first = o.time;
    if (o.time > b.last) b.last = o.time;
    this.changed.add(key);
  }

  /** The buckets changed since the last call, keyed, to be saved. */
  takeChanged(): { key: string; bucket: SavedBucket }[] {
    const out: { key: string; bucket: SavedBucket }[] = [];
    for (const key of this.changed) {
      const b = this.buckets.get(key)!;
      out.push({ key, bucket: { service: b.service, start: b.start, counts: { ...b.counts }, ranges: [...b.ranges], targets: [...b.targets], first: b.first, last: b.last } });
    }
    this.changed.clear();
    return out;
  }

  /** Take back saved buckets (before anything is added). */
  restore(saved: Iterable<SavedBucket>): void {
    for (const b of saved) {
      this.buckets.set(`${b.service}\u0000${b.start}`, { service: b.service, start: b.start, counts: { ...b.counts }, ranges: new Map(b.ranges), targets: new Set(b.targets), first: b.first, last: b.last });
    }
  }

  get size(): number {
    return this.buckets.size;
  }

  /** The digest, by period then service; ASNs looked up once per range, here rather than per event. */
  list(asn?: AsnLookup): Observation[] {
    const out: Observation[] = [];
    for (const b of this.buckets.values()) {
      const byCount = (a: [string, number], c: [string, number]): number => c[1] - a[1] || (a[0] < c[0] ? -1 : 1);
      const topRanges = [...b.ranges].sort(byCount).slice(0, TOP).map(([range, count]) => ({ range, count }));
      const asns = new Map<number, AsnCount>();
      if (asn) {
        for (const [range, count] of b.ranges) {
          const info = asn.lookup(range.slice(0, range.indexOf('/')));
          if (!info) continue;
          const a = asns.get(info.asn) ?? { asn: info.asn, org: info.org, count: 0 };
          a.count += count;
          asns.set(info.asn, a);
        }
      }
      out.push({
        kind: 'observation',
        service: b.service,
        start: new Date(b.start).toISOString(),
        end: new Date(b.start + this.period).toISOString(),
        connections: b.counts.connection,
        failedLogins: b.counts['failed-login'],
        requests: b.counts.request,
        ranges: b.ranges.size,
        targets: b.targets.size,
        topRanges,
        topAsns: [...asns.values()].sort((x, y) => y.count - x.count || x.asn - y.asn).slice(0, TOP),
        firstSeen: new Date(b.first).toISOString(),
        lastSeen: new Date(b.last).toISOString(),
      });
    }
    return out.sort((a, b) => (a.start === b.start ? (a.service < b.service ? -1 : 1) : a.start < b.start ? -1 : 1));
  }
}

/** One line per observation, for terminals and the demo. */
export function observationLine(o: Observation): string {
  const events = o.connections + o.failedLogins + o.requests;
  const what = [o.connections ? `${o.connections} connections` : '', o.failedLogins ? `${o.failedLogins} failed logins` : '', o.requests ? `${o.requests} requests` : ''].filter(Boolean).join(', ');
  const top = o.topAsns.length > 0 ? `; top ASNs ${o.topAsns.slice(0, 3).map((a) => `AS${a.asn} ${a.org} (${a.count})`).join(', ')}` : o.topRanges.length > 0 ? `; top ranges ${o.topRanges.slice(0, 3).map((r) => `${r.range} (${r.count})`).join(', ')}` : '';
  return `${o.start.slice(0, 10)} ${o.service}: ${events} events (${what}) from ${o.ranges} new ranges that did nothing else, ${o.firstSeen.slice(11, 16)}–${o.lastSeen.slice(11, 16)} UTC${top}`;
}
