/**
 * Writes the binary ASN tables (asn-table-file.ts) next to the compiled ASN module, from the installed
 * @ip-location-db/asn CSVs. Run by `npm run build`: `node dist/intel/asn-table-build.js`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ASN_CSV, asnSourceStamp, defaultAsnDir, defaultAsnTableDir, parseAsnV4Csv, parseAsnV6Csv, type AsnLoadStats } from './asn.js';
import { asnTableFileName, encodeAsnTable, type Family } from './asn-table-file.js';

/** Build both tables from the CSVs in `dir` into `outDir`; returns the files written with their rows. */
export function buildAsnTables(dir: string = defaultAsnDir(), outDir: string = defaultAsnTableDir()): { file: string; rows: number; bytes: number }[] {
  const out: { file: string; rows: number; bytes: number }[] = [];
  for (const family of [4, 6] as Family[]) {
    const stats: AsnLoadStats = { rows: 0, skipped: 0 };
    const csv = readFileSync(join(dir, ASN_CSV[family]));
    const table = family === 4 ? parseAsnV4Csv(csv, stats) : parseAsnV6Csv(csv, stats);
    const bin = encodeAsnTable(table, family, asnSourceStamp(dir, family), stats.skipped);
    const file = join(outDir, asnTableFileName(family));
    // Written aside and renamed: a run reading the table never sees half a file.
    writeFileSync(`${file}.tmp`, bin);
    renameSync(`${file}.tmp`, file);
    out.push({ file, rows: table.size, bytes: bin.length });
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const t of buildAsnTables()) console.log(`${t.file}: ${t.rows} rows, ${(t.bytes / 2 ** 20).toFixed(1)} MiB`);
}
