/**
 * The order in which a folder of logs is read: by folder and log name, and within one log's rotated
 * generations oldest first (`auth.log.3.gz`, `auth.log.2.gz`, `auth.log.1`, `auth.log`), as logrotate
 * numbers them (a higher number is older) or dates them (`auth.log-20250304`, with `dateext`).
 */
import { basename, dirname } from 'node:path';

interface Generation {
  base: string;
  /** Larger is older. */
  age: number;
}

const NUMBERED = /^(.*)\.(\d{1,4})(\.gz)?$/;
const DATED = /^(.*)-(\d{8}(?:\d{2})?)(\.gz)?$/;

export function rotationGeneration(file: string): Generation {
  const name = basename(file);
  const n = NUMBERED.exec(name);
  if (n) return { base: n[1]!, age: Number(n[2]) };
  const d = DATED.exec(name);
  // Dates grow with time: the older the date, the larger the age; any dated file is older than the live one.
  if (d) return { base: d[1]!, age: 1e12 - Number(d[2]!.slice(0, 8)) };
  return { base: name.endsWith('.gz') ? name.slice(0, -3) : name, age: 0 };
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Files in reading order: folder, then log name, then oldest generation first. */
export function inReadingOrder(files: readonly string[]): string[] {
  const keyed = files.map((f) => ({ f, dir: dirname(f), ...rotationGeneration(f) }));
  keyed.sort((x, y) => byteOrder(x.dir, y.dir) || byteOrder(x.base, y.base) || y.age - x.age || byteOrder(x.f, y.f));
  return keyed.map((k) => k.f);
}
