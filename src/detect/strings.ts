/**
 * V8 keeps a whole parent string alive behind any substring of 13+ characters (a "sliced string").
 * Lines are slices of 64 KiB chunk strings, so anything kept beyond the current batch (baseline
 * keys, alert evidence) is copied first; short strings are already copies.
 */
export function flatCopy(s: string): string {
  if (s.length < 13) return s;
  // UTF-16 round trip: exact for every JS string (lone surrogates included) and always a fresh string.
  return Buffer.from(s, 'utf16le').toString('utf16le');
}
