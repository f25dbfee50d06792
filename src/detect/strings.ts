/**
 * V8 keeps a whole parent string alive behind any substring of 13+ characters (a "sliced string").
 * Lines are slices of 64 KiB chunk strings, so anything kept beyond the current batch (baseline
 * keys, alert evidence) is copied first; short strings are already copies.
 */
export function flatCopy(s: string): string {
  if (s.length < 13) return s;
  // Slicing a concatenation flattens it into a new string first, so the result points into that copy,
  // never into `s`'s parent. Exact for every JS string, and far cheaper than a Buffer round trip.
  return (' ' + s).slice(1);
}
