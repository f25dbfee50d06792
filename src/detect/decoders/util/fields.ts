/**
 * Splits space-separated records whose fields may be double-quoted (ALB, the tail of nginx
 * combined). Quoted fields may contain spaces and backslash escapes; quotes are removed and
 * `\"` / `\\` unescaped. A quoted field ends at a quote followed by a space or the end of line.
 */
export function splitQuotedFields(line: string, from = 0): string[] | undefined {
  const out: string[] = [];
  const n = line.length;
  let i = from;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    if (line.charCodeAt(i) === 34) {
      let j = i + 1;
      let hasEscape = false;
      for (;;) {
        if (j >= n) return undefined; // unterminated quote
        const c = line.charCodeAt(j);
        if (c === 92 && j + 1 < n) {
          hasEscape = true;
          j += 2;
          continue;
        }
        if (c === 34 && (j + 1 === n || line.charCodeAt(j + 1) === 32)) break;
        j++;
      }
      const raw = line.slice(i + 1, j);
      out.push(hasEscape ? raw.replace(/\\(["\\])/g, '$1') : raw);
      i = j + 1;
    } else {
      let j = line.indexOf(' ', i);
      if (j < 0) j = n;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** nginx's default escaping writes `"`, `\` and control bytes as \xHH; turn them back for display. */
export function unescapeHex(s: string): string {
  if (s.indexOf('\\x') < 0) return s;
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}
