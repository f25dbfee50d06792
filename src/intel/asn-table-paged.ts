/**
 * A binary ASN table (asn-table-file.ts) searched in the file itself, a few positioned reads per lookup,
 * until enough lookups have come to pay for reading it whole (about 8 MiB for IPv4, which alone cost a
 * cold start tens of milliseconds). A short run looks up a handful of addresses and reads a few KiB; a
 * long one reads the table once, as before. Answers are those of the whole table, row for row.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AsnTableV4, AsnTableV6, type AsnInfo, type AsnLoadStats } from './asn.js';
import { asnTableLayout, decodeAsnTable, type AsnTableLayout, type Family } from './asn-table-file.js';

/** Lookups answered from the file before it is read whole. */
export const PAGED_LOOKUPS = 256;

export class PagedAsnTable<F extends Family> {
  private whole?: AsnTableV4 | AsnTableV6;
  private lookups = 0;
  private readonly word = Buffer.alloc(16);

  private constructor(
    private fd: number | undefined,
    private readonly layout: AsnTableLayout,
    private readonly family: F,
    private readonly stamp: string,
    private readonly limit: number,
  ) {}

  /** The table in `file` when it is one of `family` built from `stamp`; undefined otherwise (as decodeAsnTable). */
  static open<F extends Family>(file: string, family: F, stamp: string, stats?: AsnLoadStats, limit = PAGED_LOOKUPS): PagedAsnTable<F> | undefined {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return undefined;
    }
    const head = Buffer.alloc(4096);
    const got = readSync(fd, head, 0, head.length, 0);
    const layout = asnTableLayout(head.subarray(0, got), family, stamp, fstatSync(fd).size);
    if (!layout) {
      closeSync(fd);
      return undefined;
    }
    if (stats) {
      stats.rows += layout.rows;
      stats.skipped += layout.skipped;
    }
    return new PagedAsnTable(fd, layout, family, stamp, limit);
  }

  find(ip: F extends 4 ? number : Uint32Array): AsnInfo | undefined {
    if (this.whole) return this.whole.find(ip as number & Uint32Array);
    if (++this.lookups > this.limit && this.fd !== undefined) {
      const buf = Buffer.alloc(fstatSync(this.fd).size);
      readSync(this.fd, buf, 0, buf.length, 0);
      this.close();
      const table = decodeAsnTable(buf, this.family, this.stamp);
      if (table) {
        this.whole = table;
        return table.find(ip as number & Uint32Array);
      }
    }
    return this.search(ip);
  }

  /** Bisection over the starts section, then the row's end, AS number and organisation, each read in place. */
  private search(ip: number | Uint32Array): AsnInfo | undefined {
    const { layout } = this;
    const width = this.family === 4 ? 1 : 4;
    const cmp = (section: number, row: number): number => {
      const words = this.words(section + row * 4 * width, width);
      if (typeof ip === 'number') return (words[0] as number) - ip;
      for (let k = 0; k < 4; k++) if (words[k] !== ip[k]) return (words[k] as number) < (ip[k] as number) ? -1 : 1;
      return 0;
    };
    let lo = 0;
    let hi = layout.rows - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(layout.starts, mid) <= 0) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0 || cmp(layout.ends, at) < 0) return undefined;
    const asn = this.words(layout.asns + at * 4, 1)[0] as number;
    const org = this.words(layout.index + at * 4, 1)[0] as number;
    const [from, to] = this.words(layout.bounds + org * 4, 2) as unknown as [number, number];
    const text = Buffer.alloc(to - from);
    this.read(text, layout.text + from);
    return { asn, org: text.toString('utf8') };
  }

  private words(at: number, n: number): Uint32Array {
    const view = this.word.subarray(0, 4 * n);
    this.read(view, at);
    return new Uint32Array(view.buffer, view.byteOffset, n);
  }

  private read(into: Buffer, at: number): void {
    if (this.fd === undefined || readSync(this.fd, into, 0, into.length, at) !== into.length) throw new Error(`ASN table: short read at byte ${at}`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
