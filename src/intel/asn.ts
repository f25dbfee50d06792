/**
 * IP → autonomous system lookup over the offline @ip-location-db/asn CSVs.
 * The v4 table (asn-ipv4-num.csv: start,end,asn,org with integer addresses) and the v6 table
 * (asn-ipv6.csv: start,end,asn,org with textual addresses) are parsed byte by byte into typed
 * arrays on first use and searched by bisection. Organisation names stay in the file buffer and are
 * decoded only for the ranges a lookup returns.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import { parseIp } from './ranges.js';
import { asnTableFileName } from './asn-table-file.js';
import { PagedAsnTable } from './asn-table-paged.js';

export interface AsnInfo {
  asn: number;
  org: string;
}

export interface AsnLookup {
  /** The AS announcing `ip`, or undefined when the address is in no table row (private, unrouted, not an IP). */
  lookup(ip: string): AsnInfo | undefined;
}

/** One row for a hand-made table (tests, fixtures): addresses as text, inclusive range. */
export interface AsnRow {
  start: string;
  end: string;
  asn: number;
  org: string;
}

export interface AsnLoadStats {
  rows: number;
  /** Lines that were not start,end,asn,org; counted rather than fatal (the table is third-party data). */
  skipped: number;
}

/**
 * Org names: strings, byte offsets of the 4th CSV field inside a kept file buffer, or (binary tables,
 * asn-table-file.ts) an org id per row into one UTF-8 text.
 */
type Orgs = { strings: string[] } | { buf: Buffer; offsets: Uint32Array } | { text: Buffer; bounds: Uint32Array; index: Uint32Array };

function orgAt(orgs: Orgs, i: number): string {
  if ('strings' in orgs) return orgs.strings[i] ?? '';
  if ('text' in orgs) {
    const k = orgs.index[i] as number;
    return orgs.text.toString('utf8', orgs.bounds[k], orgs.bounds[k + 1]);
  }
  const { buf, offsets } = orgs;
  let p = offsets[i] as number;
  if (buf[p] === 0x22 /* " */) {
    // Quoted CSV field: "" stands for one quote.
    let out = '';
    let from = p + 1;
    for (p = from; p < buf.length; p++) {
      if (buf[p] !== 0x22) continue;
      if (buf[p + 1] === 0x22) {
        out += buf.toString('utf8', from, p + 1);
        p++;
        from = p + 1;
      } else break;
    }
    return out + buf.toString('utf8', from, p);
  }
  let end = p;
  while (end < buf.length && buf[end] !== 0x0a && buf[end] !== 0x0d) end++;
  return buf.toString('utf8', p, end);
}

/** IPv4 ranges as uint32. */
export class AsnTableV4 {
  constructor(
    readonly starts: Uint32Array,
    readonly ends: Uint32Array,
    readonly asns: Uint32Array,
    private readonly orgs: Orgs,
  ) {}

  get size(): number {
    return this.starts.length;
  }

  /** The org name of row i. */
  orgOf(i: number): string {
    return orgAt(this.orgs, i);
  }

  find(ip: number): AsnInfo | undefined {
    const { starts } = this;
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] as number) <= ip) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0 || ip > (this.ends[at] as number)) return undefined;
    return { asn: this.asns[at] as number, org: orgAt(this.orgs, at) };
  }
}

/** IPv6 ranges as four uint32 words per address (most significant first). */
export class AsnTableV6 {
  constructor(
    readonly starts: Uint32Array,
    readonly ends: Uint32Array,
    readonly asns: Uint32Array,
    private readonly orgs: Orgs,
  ) {}

  get size(): number {
    return this.asns.length;
  }

  /** The org name of row i. */
  orgOf(i: number): string {
    return orgAt(this.orgs, i);
  }

  find(ip: Uint32Array): AsnInfo | undefined {
    let lo = 0;
    let hi = this.asns.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp128(this.starts, mid, ip) <= 0) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0 || cmp128(this.ends, at, ip) < 0) return undefined;
    return { asn: this.asns[at] as number, org: orgAt(this.orgs, at) };
  }
}

function cmp128(words: Uint32Array, row: number, ip: Uint32Array): number {
  const base = row * 4;
  for (let k = 0; k < 4; k++) {
    const a = words[base + k] as number;
    const b = ip[k] as number;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** Dotted quad → uint32, or -1. Hand-rolled: this runs once per looked-up event. */
export function ipv4ToInt(s: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return n * 256 + part;
}

/** 16 address bytes → 4 big-endian words at out[at..at+3]. */
function bytesToWords(bytes: readonly number[], out: Uint32Array, at: number): void {
  for (let k = 0; k < 4; k++) out[at + k] = ((bytes[4 * k]! << 24) | (bytes[4 * k + 1]! << 16) | (bytes[4 * k + 2]! << 8) | bytes[4 * k + 3]!) >>> 0;
}

/** Row capacity guess from the shortest plausible row; arrays grow if a file beats it. */
function initialCapacity(bytes: number, minRow: number): number {
  return Math.ceil(bytes / minRow) + 16;
}

function grow(a: Uint32Array, size: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}

/** Index after the next newline (native search costs ~100 ns a call; rows are short, so scan). */
function afterNewline(u: Uint8Array, p: number, len: number): number {
  while (p < len && u[p] !== 0x0a) p++;
  return p + 1;
}

/** Skip a line that is not a row (blank lines are not counted as skipped). */
function skipLine(u: Uint8Array, p: number, lineStart: number, stats: AsnLoadStats): number {
  const next = afterNewline(u, p, u.length);
  const end = next - 1;
  if (end > lineStart && !(end === lineStart + 1 && u[lineStart] === 0x0d)) stats.skipped++;
  return next;
}

/**
 * Parse asn-ipv4-num.csv bytes: one forward scan, numbers accumulated digit by digit, the org
 * field skipped with a native newline search. Runs once per process on 21 MB, so it is kept tight.
 */
export function parseAsnV4Csv(buf: Buffer, stats: AsnLoadStats = { rows: 0, skipped: 0 }): AsnTableV4 {
  const u = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  // Shortest real row is about 25 bytes ("1.0.0.0/24" as integers plus a short org).
  let cap = initialCapacity(u.length, 20);
  let starts: Uint32Array<ArrayBuffer> = new Uint32Array(cap);
  let ends = new Uint32Array(cap);
  let asns = new Uint32Array(cap);
  let offsets = new Uint32Array(cap);
  const len = u.length;
  let n = 0;
  let sorted = true;
  let prev = 0;
  let p = 0;
  row: while (p < len) {
    const lineStart = p;
    let a = 0;
    let b = 0;
    let c = 0;
    for (let f = 0; f < 3; f++) {
      let v = 0;
      const from = p;
      let ch = u[p] as number;
      while (ch >= 48 && ch <= 57) {
        v = v * 10 + ch - 48;
        ch = u[++p] as number;
      }
      if (p === from || ch !== 0x2c || v > 0xffffffff) {
        p = skipLine(u, p, lineStart, stats);
        continue row;
      }
      p++;
      if (f === 0) a = v;
      else if (f === 1) b = v;
      else c = v;
    }
    if (n === cap) {
      cap *= 2;
      starts = grow(starts, cap);
      ends = grow(ends, cap);
      asns = grow(asns, cap);
      offsets = grow(offsets, cap);
    }
    starts[n] = a;
    ends[n] = b;
    asns[n] = c;
    offsets[n] = p;
    if (a < prev) sorted = false;
    prev = a;
    n++;
    p = afterNewline(u, p, len);
  }
  stats.rows += n;
  const t = new AsnTableV4(starts.subarray(0, n), ends.subarray(0, n), asns.subarray(0, n), { buf, offsets: offsets.subarray(0, n) });
  return sorted ? t : sortV4(t, buf, offsets.subarray(0, n));
}

function sortV4(t: AsnTableV4, buf: Buffer, offsets: Uint32Array): AsnTableV4 {
  const idx = Array.from({ length: t.size }, (_, i) => i).sort((a, b) => t.starts[a]! - t.starts[b]!);
  const pick = (a: Uint32Array): Uint32Array => Uint32Array.from(idx, (i) => a[i]!);
  return new AsnTableV4(pick(t.starts), pick(t.ends), pick(t.asns), { buf, offsets: pick(offsets) });
}

const hextets = new Uint16Array(8);

/**
 * One textual IPv6 address from bytes at p, ending at the next comma; writes 4 words at out[at..].
 * Returns the index after the comma, or -1 when malformed. (Dotted-quad tails are not used by the table.)
 */
function parseV6Bytes(buf: Uint8Array, p: number, out: Uint32Array, at: number): number {
  let count = 0;
  let gap = -1;
  if (buf[p] === 0x3a && buf[p + 1] === 0x3a) {
    gap = 0;
    p += 2;
  }
  for (;;) {
    let ch = buf[p] as number;
    if (ch === 0x2c) break;
    let v = 0;
    let digits = 0;
    for (;;) {
      const d = ch >= 48 && ch <= 57 ? ch - 48 : ch >= 97 && ch <= 102 ? ch - 87 : ch >= 65 && ch <= 70 ? ch - 55 : -1;
      if (d < 0) break;
      v = v * 16 + d;
      digits++;
      ch = buf[++p] as number;
    }
    if (digits === 0 || digits > 4 || count === 8) return -1;
    hextets[count++] = v;
    if (ch === 0x2c) break;
    if (ch !== 0x3a) return -1;
    p++;
    if (buf[p] === 0x3a) {
      if (gap >= 0) return -1;
      gap = count;
      p++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return -1;
  if (gap >= 0) {
    const shift = 8 - count;
    for (let k = count - 1; k >= gap; k--) hextets[k + shift] = hextets[k] as number;
    for (let k = gap; k < gap + shift; k++) hextets[k] = 0;
  }
  for (let k = 0; k < 4; k++) out[at + k] = ((hextets[2 * k]! << 16) | hextets[2 * k + 1]!) >>> 0;
  return p + 1;
}

/** Parse asn-ipv6.csv bytes (textual addresses), in the same single forward scan as v4. */
export function parseAsnV6Csv(buf: Buffer, stats: AsnLoadStats = { rows: 0, skipped: 0 }): AsnTableV6 {
  const u = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  let cap = initialCapacity(u.length, 40);
  let starts = new Uint32Array(cap * 4);
  let ends = new Uint32Array(cap * 4);
  let asns = new Uint32Array(cap);
  let offsets = new Uint32Array(cap);
  const len = u.length;
  let n = 0;
  let p = 0;
  while (p < len) {
    if (n === cap) {
      cap *= 2;
      starts = grow(starts, cap * 4);
      ends = grow(ends, cap * 4);
      asns = grow(asns, cap);
      offsets = grow(offsets, cap);
    }
    const lineStart = p;
    let q = parseV6Bytes(u, p, starts, n * 4);
    if (q > 0) q = parseV6Bytes(u, q, ends, n * 4);
    let v = 0;
    const from = q;
    if (q > 0) {
      let ch = u[q] as number;
      while (ch >= 48 && ch <= 57) {
        v = v * 10 + ch - 48;
        ch = u[++q] as number;
      }
      if (q === from || ch !== 0x2c || v > 0xffffffff) q = -1;
    }
    if (q < 0) {
      p = skipLine(u, lineStart, lineStart, stats);
      continue;
    }
    asns[n] = v;
    offsets[n] = q + 1;
    n++;
    p = afterNewline(u, q, len);
  }
  stats.rows += n;
  // The published table is sorted by start; a file that is not would break bisection, so say so.
  for (let i = 1; i < n; i++) {
    if (cmp128(starts, i, starts.subarray((i - 1) * 4, i * 4)) < 0) throw new Error(`asn-ipv6.csv: rows not sorted by start address (row ${i + 1})`);
  }
  return new AsnTableV6(starts.subarray(0, n * 4), ends.subarray(0, n * 4), asns.subarray(0, n), { buf, offsets: offsets.subarray(0, n) });
}

/** An AsnLookup over tables that load on first use of each address family. */
/** What AsnDatabase searches: a table in memory, or one searched in its file (asn-table-paged.ts). */
interface V4Search {
  find(ip: number): AsnInfo | undefined;
}
interface V6Search {
  find(ip: Uint32Array): AsnInfo | undefined;
}

export class AsnDatabase implements AsnLookup {
  private v4?: V4Search;
  private v6?: V6Search;
  private readonly v6Key = new Uint32Array(4);
  readonly stats: AsnLoadStats = { rows: 0, skipped: 0 };

  constructor(
    private readonly loadV4: (stats: AsnLoadStats) => V4Search,
    private readonly loadV6: (stats: AsnLoadStats) => V6Search,
  ) {}

  lookup(ip: string): AsnInfo | undefined {
    const n = ipv4ToInt(ip);
    if (n >= 0) return (this.v4 ??= this.loadV4(this.stats)).find(n);
    const a = parseIp(ip);
    if (!a) return undefined;
    if (a.kind() === 'ipv4') return (this.v4 ??= this.loadV4(this.stats)).find(ipv4ToInt(a.toString()));
    bytesToWords(a.toByteArray(), this.v6Key, 0);
    return (this.v6 ??= this.loadV6(this.stats)).find(this.v6Key);
  }
}

/** Folder of the installed @ip-location-db/asn package. */
export function defaultAsnDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@ip-location-db/asn/package.json'));
}

export const ASN_CSV = { 4: 'asn-ipv4-num.csv', 6: 'asn-ipv6.csv' } as const;

/** Where `npm run build` writes the binary tables: next to this module. */
export function defaultAsnTableDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/** What a binary table must have been built from: the installed package's version and the CSV's size. */
export function asnSourceStamp(dir: string, family: 4 | 6): string {
  let version = '?';
  try {
    version = String((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '?');
  } catch {
    // A folder of CSVs without package.json (air-gapped copies) is stamped by size alone.
  }
  return `${version}:${statSync(join(dir, ASN_CSV[family])).size}`;
}

/** The binary table for `family` when one built from the installed CSV is there, searched in place; undefined otherwise. */
function openTableFile<F extends 4 | 6>(tableDir: string | undefined, dir: string, family: F, stats: AsnLoadStats): PagedAsnTable<F> | undefined {
  if (tableDir === undefined) return undefined;
  return PagedAsnTable.open(join(tableDir, asnTableFileName(family)), family, asnSourceStamp(dir, family), stats);
}

/**
 * The offline ASN database; tables load on the first lookup of each address family, from the binary
 * form built at install (asn-table-file.ts) when it matches the installed CSVs, else from the CSVs.
 */
export function openAsnDatabase(dir: string = defaultAsnDir(), tableDir: string | undefined = defaultAsnTableDir()): AsnDatabase {
  return new AsnDatabase(
    (stats) => openTableFile(tableDir, dir, 4, stats) ?? parseAsnV4Csv(readFileSync(join(dir, ASN_CSV[4])), stats),
    (stats) => openTableFile(tableDir, dir, 6, stats) ?? parseAsnV6Csv(readFileSync(join(dir, ASN_CSV[6])), stats),
  );
}

/** A small in-memory table (tests, fixtures, air-gapped overrides). */
export function asnLookupFromRows(rows: readonly AsnRow[]): AsnLookup {
  const v4 = rows.filter((r) => ipv4ToInt(r.start) >= 0);
  const v6 = rows.filter((r) => ipv4ToInt(r.start) < 0);
  for (const r of v6) {
    if (!ipaddr.IPv6.isValid(r.start) || !ipaddr.IPv6.isValid(r.end)) throw new Error(`ASN row ${r.start}-${r.end}: not an IPv4 or IPv6 range`);
  }
  v4.sort((a, b) => ipv4ToInt(a.start) - ipv4ToInt(b.start));
  const t4 = new AsnTableV4(
    Uint32Array.from(v4, (r) => ipv4ToInt(r.start)),
    Uint32Array.from(v4, (r) => ipv4ToInt(r.end)),
    Uint32Array.from(v4, (r) => r.asn),
    { strings: v4.map((r) => r.org) },
  );
  const words = (which: 'start' | 'end'): Uint32Array => {
    const out = new Uint32Array(v6.length * 4);
    v6.forEach((r, i) => bytesToWords(ipaddr.IPv6.parse(r[which]).toByteArray(), out, i * 4));
    return out;
  };
  const order = v6.map((_, i) => i);
  const t6raw = new AsnTableV6(words('start'), words('end'), Uint32Array.from(v6, (r) => r.asn), { strings: v6.map((r) => r.org) });
  order.sort((a, b) => cmp128(t6raw.starts, a, t6raw.starts.subarray(b * 4, b * 4 + 4)));
  const t6 = new AsnTableV6(
    Uint32Array.from(order.flatMap((i) => Array.from(t6raw.starts.subarray(i * 4, i * 4 + 4)))),
    Uint32Array.from(order.flatMap((i) => Array.from(t6raw.ends.subarray(i * 4, i * 4 + 4)))),
    Uint32Array.from(order, (i) => v6[i]!.asn),
    { strings: order.map((i) => v6[i]!.org) },
  );
  return new AsnDatabase(
    () => t4,
    () => t6,
  );
}
