/**
 * The ASN tables in a compact binary form, written once (at build, `npm run build`) from the
 * @ip-location-db/asn CSVs and read per run as one buffer with typed-array views over it (or searched in
 * place while a run has looked up few addresses, asn-table-paged.ts): no parse, no per-row objects. Parsing the 21 MB v4 CSV costs about a second of a cold start; reading this
 * file costs milliseconds.
 *
 * Layout (little-endian, every section 4-byte aligned):
 *   header   8 × u32: magic, format version, family (4|6), rows, distinct orgs, org bytes, stamp bytes, skipped CSV lines
 *   stamp    the source it was built from (`<package version>:<CSV bytes>`), padded to 4 bytes
 *   starts   rows × u32 (v4) or rows × 4 × u32 (v6, most significant word first)
 *   ends     likewise
 *   asns     rows × u32
 *   org id   rows × u32, an index into the org table
 *   bounds   (orgs + 1) × u32, byte offsets of each org name in the text
 *   text     the org names, UTF-8, each once
 * A file whose stamp is not the installed CSV's is stale and ignored (the CSV is parsed instead).
 */
import { AsnTableV4, AsnTableV6, type AsnLoadStats } from './asn.js';

const MAGIC = 0x4e534244; // "DBSN"
const FORMAT = 1;
const HEADER_WORDS = 8;

export type Family = 4 | 6;

export function asnTableFileName(family: Family): string {
  return family === 4 ? 'asn-ipv4.bin' : 'asn-ipv6.bin';
}

/** The binary form of a parsed table. */
export function encodeAsnTable(table: AsnTableV4 | AsnTableV6, family: Family, stamp: string, skipped = 0): Buffer {
  const rows = table.size;
  const ids = new Uint32Array(rows);
  const byName = new Map<string, number>();
  const names: Buffer[] = [];
  for (let i = 0; i < rows; i++) {
    const org = table.orgOf(i);
    let id = byName.get(org);
    if (id === undefined) {
      id = names.length;
      byName.set(org, id);
      names.push(Buffer.from(org, 'utf8'));
    }
    ids[i] = id;
  }
  const bounds = new Uint32Array(names.length + 1);
  let textBytes = 0;
  names.forEach((n, k) => {
    bounds[k] = textBytes;
    textBytes += n.length;
  });
  bounds[names.length] = textBytes;
  const stampBytes = Buffer.from(stamp, 'utf8');
  const header = Uint32Array.of(MAGIC, FORMAT, family, rows, names.length, textBytes, stampBytes.length, skipped);
  const parts = [u8(header), pad4(stampBytes), u8(table.starts), u8(table.ends), u8(table.asns), u8(ids), u8(bounds), Buffer.concat(names)];
  return Buffer.concat(parts);
}

/** Where each section of a binary table starts (byte offsets), once its header has been checked. */
export interface AsnTableLayout {
  rows: number;
  orgs: number;
  skipped: number;
  starts: number;
  ends: number;
  asns: number;
  index: number;
  bounds: number;
  text: number;
  textBytes: number;
}

/**
 * The sections of a binary table from its first bytes (`head`, the header and stamp at least) and its
 * total size; undefined when it is not one, is of the other family, is stale or has the wrong size.
 */
export function asnTableLayout(head: Buffer, family: Family, stamp: string, size: number): AsnTableLayout | undefined {
  if (head.length < HEADER_WORDS * 4) return undefined;
  // Native byte order, as the table was written from typed arrays.
  const header = new Uint32Array(Uint8Array.from(head.subarray(0, HEADER_WORDS * 4)).buffer);
  const word = (i: number): number => header[i] as number;
  if (word(0) !== MAGIC || word(1) !== FORMAT || word(2) !== family) return undefined;
  const [rows, orgs, textBytes, stampBytes, skipped] = [word(3), word(4), word(5), word(6), word(7)];
  let at = HEADER_WORDS * 4;
  if (head.length < at + stampBytes || head.toString('utf8', at, at + stampBytes) !== stamp) return undefined;
  at += align4(stampBytes);
  const width = family === 4 ? 1 : 4;
  if (size !== at + 4 * (2 * rows * width + 2 * rows + orgs + 1) + textBytes) return undefined;
  const starts = at;
  const ends = starts + 4 * rows * width;
  const asns = ends + 4 * rows * width;
  const index = asns + 4 * rows;
  const bounds = index + 4 * rows;
  return { rows, orgs, skipped, starts, ends, asns, index, bounds, text: bounds + 4 * (orgs + 1), textBytes };
}

/** The table a binary file holds, or undefined when it is not one, is of the other family, or is stale. */
export function decodeAsnTable(buf: Buffer, family: Family, stamp: string, stats?: AsnLoadStats): AsnTableV4 | AsnTableV6 | undefined {
  const layout = asnTableLayout(buf, family, stamp, buf.length);
  if (!layout) return undefined;
  // Typed-array views need an aligned offset; a buffer from readFileSync starts at 0 of its own memory.
  const aligned = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
  const width = family === 4 ? 1 : 4;
  const words = (at: number, n: number): Uint32Array => new Uint32Array(aligned.buffer, aligned.byteOffset + at, n);
  const { rows } = layout;
  const starts = words(layout.starts, rows * width);
  const ends = words(layout.ends, rows * width);
  const asns = words(layout.asns, rows);
  const index = words(layout.index, rows);
  const bounds = words(layout.bounds, layout.orgs + 1);
  const text = aligned.subarray(layout.text, layout.text + layout.textBytes);
  if (stats) {
    stats.rows += rows;
    stats.skipped += layout.skipped;
  }
  const names = { text, bounds, index };
  return family === 4 ? new AsnTableV4(starts, ends, asns, names) : new AsnTableV6(starts, ends, asns, names);
}

function u8(a: Uint32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function pad4(b: Buffer): Buffer {
  return b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(align4(b.length) - b.length)]);
}
