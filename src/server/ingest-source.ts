/**
 * Named ingest sources (`POST /v1/ingest/{format}?source=NAME`): two logs of one format posted under
 * different names are two sources for detection, each with its own event-time order, checkpoint and spool
 * file, as two followed files are. The name goes into a file name, so it is kept to a safe alphabet.
 */

/** Longest source name. */
export const SOURCE_MAX_LENGTH = 64;
/** Letters, digits, ".", "_" and "-", starting with a letter or digit (no hidden or relative file names). */
export const SOURCE_PATTERN = `^[A-Za-z0-9][A-Za-z0-9._-]{0,${SOURCE_MAX_LENGTH - 1}}$`;
const SOURCE_RE = new RegExp(SOURCE_PATTERN);

/** What is wrong with a `source` value, or undefined when it is a valid name. */
export function sourceNameProblem(value: unknown): string | undefined {
  if (Array.isArray(value)) return 'give it once';
  if (typeof value !== 'string') return 'must be a string';
  if (value === '') return 'must not be empty (leave it out for the default source)';
  if (value.length > SOURCE_MAX_LENGTH) return `is ${value.length} characters long; at most ${SOURCE_MAX_LENGTH}`;
  if (!SOURCE_RE.test(value)) return `"${value.replace(/[^\x20-\x7e]/g, '?')}" may hold only letters, digits, ".", "_" and "-", and must start with a letter or digit`;
  return undefined;
}

/** The spool file name of a format's records from a source (the default source keeps the plain name). */
export function spoolFileName(format: string, source?: string): string {
  return source === undefined ? `${format}.log` : `${format}@${source}.log`;
}

/** The format and source of a spool file name, if it is one ("nginx-access@gw-a.log"). */
export function parseSpoolFileName(name: string): { format: string; source?: string } | undefined {
  const m = /^([a-z0-9-]+)(?:@(.+))?\.log$/.exec(name);
  if (!m) return undefined;
  if (m[2] === undefined) return { format: m[1]! };
  return sourceNameProblem(m[2]) === undefined ? { format: m[1]!, source: m[2] } : undefined;
}
