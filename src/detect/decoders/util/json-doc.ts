/**
 * Reassembles JSON documents from lines: one compact value per line (NDJSON) or a pretty-printed
 * document spanning many lines (Azure PT1H.json blobs, a Kubernetes EventList, `gcloud … --format
 * json` arrays, CloudWatch `filter-log-events` output).
 *
 * A document ends when its brackets balance (counted outside strings). JSON strings never hold a
 * raw newline, so a line that ends inside a string means the document is broken; a line starting
 * with `{` or `[` in column 0 while a document is open means the open one was truncated (pretty
 * printers indent nested values). Either way the open document is rejected and not allowed to
 * swallow the rest of the stream.
 */
import { tryParse } from './json.js';

export type JsonLineOutcome =
  | { kind: 'value'; value: unknown; startLine: number }
  | { kind: 'error'; reason: string }
  | { kind: 'pending' }
  /** The line is not JSON at all (does not start with `{` or `[`); the caller decides. */
  | { kind: 'text' };

const DEFAULT_MAX_CHARS = 256 * 1024 * 1024;

export class JsonDocReader {
  private parts: string[] = [];
  private chars = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private startLine = 0;
  private topIsArray = false;
  /** A whole document has come on one line: the stream is NDJSON, one record per line. */
  private oneRecordPerLine = false;

  constructor(private readonly maxChars = DEFAULT_MAX_CHARS) {}

  get pending(): boolean {
    return this.parts.length > 0;
  }

  /** A whole document has come on one line: the stream is NDJSON. */
  get ndjson(): boolean {
    return this.oneRecordPerLine;
  }

  /** Feed one line (1-based number `lineNo`, used in reasons). */
  push(line: string, lineNo: number): JsonLineOutcome {
    if (this.parts.length === 0) return this.first(line, lineNo);
    const c0 = line.charCodeAt(0);
    // Elements of a top-level array may sit unindented, one per line; anywhere else a column-0
    // bracket means a new document.
    const arrayElement = this.topIsArray && this.depth === 1 && !this.inString;
    if ((c0 === 123 || c0 === 91) && !arrayElement) {
      const truncated = this.startLine;
      this.reset();
      const next = this.first(line, lineNo);
      if (next.kind === 'value')
        return { kind: 'error', reason: `JSON document starting at line ${truncated} is truncated (a new one starts at line ${lineNo}, which was not decoded)` };
      return { kind: 'error', reason: `JSON document starting at line ${truncated} is truncated (a new one starts at line ${lineNo})` };
    }
    return this.scan(line);
  }

  /** End of stream: an open document is incomplete. */
  end(): JsonLineOutcome | undefined {
    if (this.parts.length === 0) return undefined;
    const start = this.startLine;
    this.reset();
    return { kind: 'error', reason: `JSON document starting at line ${start} is incomplete at end of stream` };
  }

  private first(line: string, lineNo: number): JsonLineOutcome {
    let i = 0;
    while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    const c = line.charCodeAt(i);
    if (c !== 123 && c !== 91) return { kind: 'text' };
    let j = line.length - 1;
    while (j > i && (line.charCodeAt(j) === 32 || line.charCodeAt(j) === 9 || line.charCodeAt(j) === 13)) j--;
    const last = line.charCodeAt(j);
    // Fast path: a whole value on one line (NDJSON). A failed parse here is a broken record, not
    // the start of a multi-line document.
    if ((c === 123 && last === 125) || (c === 91 && last === 93)) {
      const r = tryParse(line);
      if (r.ok) {
        this.oneRecordPerLine = true;
        return { kind: 'value', value: r.value, startLine: lineNo };
      }
      return { kind: 'error', reason: `invalid JSON: ${r.error}` };
    }
    // In NDJSON a record that does not end on its own line is cut short: reject that line alone, so
    // that it cannot swallow the intact records after it. (Pretty printers open with a bare bracket.)
    if (this.oneRecordPerLine && j > i) return { kind: 'error', reason: 'truncated JSON record: the line ends before the document does' };
    this.startLine = lineNo;
    this.topIsArray = c === 91;
    return this.scan(line);
  }

  private scan(line: string): JsonLineOutcome {
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) {
          const rest = line.slice(i + 1).trim();
          if (rest !== '' && rest !== ',') return this.fail(`unexpected text after the JSON document: ${rest.slice(0, 40)}`);
          this.parts.push(line.slice(0, i + 1));
          const text = this.parts.join('\n');
          const start = this.startLine;
          this.reset();
          const r = tryParse(text);
          return r.ok ? { kind: 'value', value: r.value, startLine: start } : { kind: 'error', reason: `invalid JSON document starting at line ${start}: ${r.error}` };
        }
        if (depth < 0) return this.fail('unbalanced closing bracket');
      }
    }
    if (inString) return this.fail('line ends inside a JSON string');
    this.chars += line.length + 1;
    if (this.chars > this.maxChars) return this.fail(`JSON document exceeds ${this.maxChars} characters`);
    this.parts.push(line);
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return { kind: 'pending' };
  }

  private fail(why: string): JsonLineOutcome {
    const start = this.startLine;
    this.reset();
    return { kind: 'error', reason: `JSON document starting at line ${start}: ${why}` };
  }

  private reset(): void {
    this.parts = [];
    this.chars = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}
