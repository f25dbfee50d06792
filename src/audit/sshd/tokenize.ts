/**
 * Split one sshd_config line the way sshd does: the keyword ends at whitespace or a single '=',
 * arguments are whitespace-separated, single or double quotes group words, a backslash escapes a
 * quote, a backslash or (outside quotes) a space, and a word starting with '#' ends the line.
 */
export type Tokenized =
  | { kind: 'empty' }
  | { kind: 'directive'; keyword: string; args: string[] }
  | { kind: 'error'; message: string };

export function tokenizeLine(raw: string): Tokenized {
  const line = raw.replace(/[\s]+$/u, '');
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  if (i >= line.length || line[i] === '#') return { kind: 'empty' };
  const start = i;
  while (i < line.length && line[i] !== ' ' && line[i] !== '\t' && line[i] !== '=') i++;
  const keyword = line.slice(start, i);
  if (keyword === '') return { kind: 'error', message: 'line starts with "=" but has no keyword' };
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  if (line[i] === '=') {
    i++;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  }
  const split = splitArgs(line.slice(i));
  if ('error' in split) return { kind: 'error', message: split.error };
  return { kind: 'directive', keyword, args: split.args };
}

export function splitArgs(s: string): { args: string[] } | { error: string } {
  const args: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') break;
    let quote = '';
    let word = '';
    for (; i < s.length; i++) {
      const ch = s[i] as string;
      if (ch === '\\') {
        const next = s[i + 1];
        if (next === '"' || next === "'" || next === '\\' || (quote === '' && next === ' ')) {
          word += next;
          i++;
        } else {
          word += ch;
        }
      } else if (quote === '' && (ch === ' ' || ch === '\t')) {
        break;
      } else if (quote === '' && (ch === '"' || ch === "'")) {
        quote = ch;
      } else if (quote !== '' && ch === quote) {
        quote = '';
      } else {
        word += ch;
      }
    }
    if (quote !== '') return { error: `unterminated ${quote === '"' ? 'double' : 'single'} quote` };
    args.push(word);
  }
  return { args };
}
