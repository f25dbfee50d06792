/**
 * Command lines of containers (command + args) as flags with the line each came from. Handles the
 * three shapes seen in manifests: one flag per list item, `--flag value` pairs, and a whole command
 * in one `sh -c` string.
 */
import { asArray, asText } from '../yaml-positions.js';
import { lineAt, type ContainerRef, type K8sObject } from './k8s-objects.js';

export interface Token {
  text: string;
  line: number;
}

export interface Flag {
  /** Without leading dashes: `anonymous-auth`, `api.insecure`. */
  name: string;
  /** `true` for a bare boolean flag. */
  value: string;
  line: number;
}

export interface CommandLine {
  tokens: Token[];
  flags: Flag[];
  /** Line of the container's command/args block, where a missing flag should be added. */
  anchorLine: number;
}

/** Split a shell-ish string on whitespace, honouring simple single/double quotes. */
export function splitWords(s: string): string[] {
  // Most items are one flag or a path: without quotes the words are the runs between whitespace.
  if (!s.includes('"') && !s.includes("'")) return s.split(/\s+/).filter((w) => w !== '');
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(word); // an unclosed quote keeps what it has rather than dropping it
  return out;
}

/**
 * Parse flags out of tokens. A bare `--flag` takes the next token as its value unless that token is
 * itself a flag or the flag is a known boolean.
 */
export function parseFlags(tokens: readonly Token[], booleans: ReadonlySet<string> = new Set()): Flag[] {
  const flags: Flag[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t || !/^--?[A-Za-z]/.test(t.text)) continue;
    const body = t.text.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) {
      flags.push({ name: body.slice(0, eq), value: body.slice(eq + 1), line: t.line });
      continue;
    }
    const next = tokens[i + 1];
    if (!booleans.has(body) && next && !next.text.startsWith('-')) {
      flags.push({ name: body, value: next.text, line: t.line });
      i++;
    } else {
      flags.push({ name: body, value: 'true', line: t.line });
    }
  }
  return flags;
}

export function commandLineOf(o: K8sObject, c: ContainerRef, booleans?: ReadonlySet<string>): CommandLine {
  const tokens: Token[] = [];
  for (const field of ['command', 'args'] as const) {
    asArray(c.container[field]).forEach((item, i) => {
      const text = asText(item);
      if (text === undefined) return;
      const line = lineAt(o, [...c.path, field, i]);
      for (const word of splitWords(text)) tokens.push({ text: word, line });
    });
  }
  const hasArgs = Array.isArray(c.container.args);
  const hasCommand = Array.isArray(c.container.command);
  const anchorField = hasCommand && !hasArgs ? 'command' : hasArgs ? 'args' : 'image';
  return { tokens, flags: parseFlags(tokens, booleans), anchorLine: lineAt(o, [...c.path, anchorField]) };
}

/** The words of commandLineOf without their lines (enough to tell which binary a container runs). */
export function commandWords(c: ContainerRef): { text: string }[] {
  const words: { text: string }[] = [];
  for (const field of ['command', 'args'] as const) {
    for (const item of asArray(c.container[field])) {
      const text = asText(item);
      if (text === undefined) continue;
      for (const word of splitWords(text)) words.push({ text: word });
    }
  }
  return words;
}

/** The last occurrence wins, as in the Go flag package. */
export function flagValue(flags: readonly Flag[], name: string): Flag | undefined {
  let found: Flag | undefined;
  for (const f of flags) if (f.name === name) found = f;
  return found;
}

export function basename(p: string): string {
  const parts = p.split('/');
  return parts[parts.length - 1] ?? p;
}

/** Boolean flag values as Go's strconv.ParseBool reads them. */
export function isFalse(v: string): boolean {
  return ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v);
}
export function isTrue(v: string): boolean {
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}
