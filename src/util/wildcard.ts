/** sshd's wildcard match: `*` any run, `?` one character, whole string. */
export function wildcardMatch(text: string, pattern: string): boolean {
  // Iterative matcher with one backtrack point (linear-ish, no regex built from input).
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '?' || (pc !== undefined && pc !== '*' && pc === text[t])) {
      t++;
      p++;
    } else if (pc === '*') {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
