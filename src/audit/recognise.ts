/**
 * Recognising audit inputs by content. Every auditor describes its kind as data (file-name hints and
 * content signals, each with a confidence); the engine hands a text to the auditor that is most sure.
 * Names are hints only: `x.txt` holding a Kubernetes manifest, or standard input, is recognised by
 * what it says.
 */
/** Recognition reads at most this much of a file: the distinctive keys of every kind sit near the top. */
export const RECOGNITION_HEAD = 64 * 1024;

export interface ContentSignal {
  /** What the signal looks for, in words (shown when a file is skipped). */
  what: string;
  /** 0–1: how sure the signal alone makes the auditor. */
  confidence: number;
  test(head: string): boolean;
}

export interface Recogniser {
  /** Path patterns (tested against the path with `/` separators) that hint at the kind. */
  names?: readonly RegExp[];
  /** Confidence from a name hint alone; absent: a name is never enough without a content signal. */
  nameAlone?: number;
  signals: readonly ContentSignal[];
}

/**
 * Source code and documents quote configs (in strings, in code blocks) without being one: a folder
 * walk over a repository must not audit its tests and READMEs.
 */
const NOT_CONFIG = /\.(?:[cm]?[jt]sx?|py|go|rs|java|kt|rb|php|c|cc|cpp|h|hpp|cs|swift|scala|sh|bash|zsh|ps1|md|markdown|rst|adoc|html?|css|svg|lock)$/i;

/** Added to a content signal when the name agrees. */
const NAME_BONUS = 0.05;

/** How sure a recogniser is that `text` (named `name`) is its kind: 0 means not at all. */
export function recognition(r: Recogniser, text: string, name: string): number {
  const head = text.length > RECOGNITION_HEAD ? text.slice(0, RECOGNITION_HEAD) : text;
  const path = name.replace(/\\/g, '/');
  if (NOT_CONFIG.test(path)) return 0;
  const named = (r.names ?? []).some((p) => p.test(path));
  let best = 0;
  for (const s of r.signals) if (s.confidence > best && s.test(head)) best = s.confidence;
  if (best > 0) return Math.min(1, best + (named ? NAME_BONUS : 0));
  return named ? (r.nameAlone ?? 0) : 0;
}

/** A JSON key anywhere (`"key":`, minified JSON included) or a YAML key at the start of a line (`key:`). */
export function hasKey(head: string, key: string): boolean {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`"${k}"\\s*:|^\\s*(?:-\\s+)?${k}\\s*:`, 'm').test(head);
}
