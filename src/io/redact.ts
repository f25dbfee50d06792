/**
 * Text from untrusted input on its way to a person or into a report: masked when it may be a secret,
 * cut when it is long, and never able to drive the terminal.
 */

/** A word that can only be a misspelt keyword, never a credential: letters only, short. */
export function isPlainWord(s: string): boolean {
  return /^[A-Za-z]{1,32}$/.test(s);
}

/**
 * How an unrecognised word is shown: in full when it is a plain word, else its first three characters
 * and its length, so that an included secret file (a shadow line, a token) is not printed.
 */
export function redactedExcerpt(s: string): string {
  if (isPlainWord(s)) return `"${s}"`;
  const head = escapeControl([...s].slice(0, 3).join(''));
  return `"${head}…" (${s.length} characters, not shown)`;
}

/**
 * C0 and C1 control characters (ESC, BEL, CSI, DEL, …) and the bidirectional overrides as visible
 * escapes: a log field must not move the cursor, retitle the window or reorder a line on screen.
 * Tab is kept; newlines are escaped so one record stays one line.
 */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export const CUT_MARK = '…[cut]';

/** At most `max` characters; a cut value ends with a mark that says so. Surrogate pairs are not split. */
export function capText(s: string, max: number): { text: string; cut: boolean } {
  if (s.length <= max) return { text: s, cut: false };
  let end = Math.max(0, max - CUT_MARK.length);
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return { text: s.slice(0, end) + CUT_MARK, cut: true };
}
