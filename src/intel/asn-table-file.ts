/**
 * The ASN tables in a compact binary form, written once (at build, `npm run build`) from the
 * @ip-location-db/asn CSVs and read per run as one buffer with typed-array views over it: no parse,
 * no per-row objects. Parsing the 21 MB v4 CSV costs about a second of a cold start; reading this
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

/** The table a binary file holds, or undefined when it is not one, is of the other family, or is stale. */
export function decodeAsnTable(buf: Buffer, family: Family, stamp: string, stats?: AsnLoadStats): AsnTableV4 | AsnTableV6 | undefined {
  if (buf.length < HEADER_WORDS * 4) return undefined;
  // Typed-array views need an aligned offset; a buffer from readFileSync starts at 0 of its own memory.
  const aligned = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
  const head = new Uint32Array(aligned.buffer, aligned.byteOffset, HEADER_WORDS);
  const [magic, format, fam, rows, orgs, textBytes, stampBytes, skipped] = head as unknown as number[];
  if (magic !== MAGIC || format !== FORMAT || fam !== family) return undefined;
  let at = HEADER_WORDS * 4;
  if (aligned.toString('utf8', at, at + stampBytes!) !== stamp) return undefined;
  at += align4(stampBytes!);
  const width = family === 4 ? 1 : 4;
  const expected = at + 4 * (2 * rows! * width + 2 * rows! + orgs! + 1) + textBytes!;
  if (aligned.length !== expected) return undefined;
  const words = (n: number): Uint32Array => {
    const v = new Uint32Array(aligned.buffer, aligned.byteOffset + at, n);
    at += 4 * n;
    return v;
  };
  const starts = words(rows! * width);
  const ends = words(rows! * width);
  const asns = words(rows!);
  const index = words(rows!);
  const bounds = words(orgs! + 1);
  const text = aligned.subarray(at, at + textBytes!);
  if (stats) {
    stats.rows += rows!;
    stats.skipped += skipped!;
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
