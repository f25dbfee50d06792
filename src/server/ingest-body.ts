/**
 * Turning an ingest request body into spool records (one per line). Pure functions, so every shape a
 * sender may use is tested without a server: gzip, a Kubernetes `EventList`, an `Event` per line, or
 * text lines of any supported log format.
 */
import { gunzipSync } from 'node:zlib';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** The body as bytes, decompressed when the sender says it is gzip; never more than `limit` bytes out. */
export function decodeBody(body: Buffer, contentEncoding: string | undefined, limit: number): Buffer {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip') throw new BodyError(415, `unsupported Content-Encoding "${enc}" (gzip or identity)`);
  try {
    return gunzipSync(body, { maxOutputLength: limit });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyError(413, `decompressed body exceeds ${limit} bytes`);
    throw new BodyError(400, `body is not valid gzip: ${(e as Error).message}`);
  }
}

/** Records as the spool stores them: one per line, each line ending in "\n". */
export interface SpoolRecords {
  bytes: Buffer;
  count: number;
}

/** Records given as strings (none holds a line break). */
export function spoolLines(records: readonly string[]): SpoolRecords {
  return { bytes: records.length === 0 ? Buffer.alloc(0) : Buffer.from(records.join('\n') + '\n', 'utf8'), count: records.length };
}

/** The records of spool bytes as strings (for tests and tools; the server never splits them again). */
export function recordLines(r: SpoolRecords): string[] {
  const text = r.bytes.toString('utf8');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

/** Non-empty lines of a text body (CRLF or LF), without a byte-order mark. */
export function textRecords(body: Buffer): SpoolRecords {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return spoolLines(text.split(/\r?\n/).filter((l) => l.trim() !== ''));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Kubernetes audit events from a webhook body: an `audit.k8s.io/v1` `EventList` (what the API server's
 * webhook backend sends, in batch and blocking mode alike), a single `Event`, or one event per line.
 * Each event becomes one line; an EventList's items are kept as sent (no parse, no re-serialising). The
 * body is taken over: a compact EventList is turned into its records in place.
 */
export function k8sAuditRecords(body: Buffer): SpoolRecords {
  const ranges = eventListRanges(body);
  if (ranges) return itemsAsLines(body, ranges);
  const text = body.toString('utf8').replace(/^\uFEFF/, '').trim();
  if (text === '') return spoolLines([]);
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (isObject(whole)) {
    if (whole.kind === 'EventList') {
      if (!Array.isArray(whole.items)) throw new BodyError(400, 'EventList without an items array');
      return spoolLines(
        whole.items.map((item, i) => {
          if (!isObject(item)) throw new BodyError(400, `EventList items[${i}] is not an object`);
          return JSON.stringify(item);
        }),
      );
    }
    return spoolLines([JSON.stringify(whole)]);
  }
  // Not one JSON document: an event per line.
  return spoolLines(
    text.split(/\r?\n/).flatMap((line, i) => {
      if (line.trim() === '') return [];
      let ev: unknown;
      try {
        ev = JSON.parse(line);
      } catch {
        throw new BodyError(400, `line ${i + 1}: not JSON`);
      }
      if (!isObject(ev)) throw new BodyError(400, `line ${i + 1}: not a JSON object`);
      return [JSON.stringify(ev)];
    }),
  );
}

// Bytes the scanner looks at (all ASCII: UTF-8 continuation bytes never equal them).
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === LF || c === CR || c === 0x09;
}

/** End (exclusive) of the JSON string starting at `i` (a quote), or -1. */
function stringEnd(b: Buffer, i: number): number {
  for (let j = i + 1; ; ) {
    const q = b.indexOf(QUOTE, j);
    if (q < 0) return -1;
    // Escaped when preceded by an odd number of backslashes.
    let k = q - 1;
    while (b[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** End (exclusive) of the JSON value starting at `i` (brackets and strings balanced), or -1. */
function valueEnd(b: Buffer, i: number): number {
  const first = b[i];
  if (first === QUOTE) return stringEnd(b, i);
  if (first !== LBRACE && first !== LBRACKET) {
    let j = i;
    while (j < b.length && b[j] !== COMMA && b[j] !== RBRACE && b[j] !== RBRACKET && !isSpace(b[j]!)) j++;
    return j > i ? j : -1;
  }
  let depth = 0;
  for (let j = i; j < b.length; j++) {
    const c = b[j]!;
    if (c === QUOTE) {
      j = stringEnd(b, j) - 1;
      if (j < 0) return -1;
    } else if (c === LBRACE || c === LBRACKET) depth++;
    else if (c === RBRACE || c === RBRACKET) {
      if (--depth === 0) return j + 1;
    }
  }
  return -1;
}

function skipSpace(b: Buffer, i: number): number {
  while (i < b.length && isSpace(b[i]!)) i++;
  return i;
}

/**
 * The items at `ranges` (start, end pairs), a newline after each. A compact list (items one comma
 * apart, no line break in them: what the API server sends) becomes its records in place, each comma and
 * the closing bracket overwritten by a newline; any other layout is copied, and line breaks inside an
 * item, which can only be JSON whitespace (inside strings they are escaped), become spaces.
 */
function itemsAsLines(body: Buffer, ranges: readonly number[]): SpoolRecords {
  const count = ranges.length / 2;
  if (count === 0) return spoolLines([]);
  const first = ranges[0]!;
  const end = ranges[ranges.length - 1]!;
  const breaks = [LF, CR].some((c) => {
    const at = body.indexOf(c, first);
    return at >= 0 && at < end;
  });
  let adjacent = !breaks;
  for (let k = 2; adjacent && k < ranges.length; k += 2) adjacent = ranges[k]! === ranges[k - 1]! + 1;
  if (adjacent) {
    for (let k = 1; k < ranges.length; k += 2) body[ranges[k]!] = LF;
    return { bytes: body.subarray(first, end + 1), count };
  }
  let size = 0;
  for (let k = 0; k < ranges.length; k += 2) size += ranges[k + 1]! - ranges[k]! + 1;
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    const from = p;
    p += body.copy(out, p, ranges[k]!, ranges[k + 1]!);
    if (breaks) for (let i = from; i < p; i++) if (out[i] === LF || out[i] === CR) out[i] = 0x20;
    out[p++] = LF;
  }
  return { bytes: out, count };
}

/**
 * Where the items of an `EventList` body are (start and end offsets, in pairs), so they can be handed on
 * as sent, without parsing each event and writing it again (detection parses every record anyway): a
 * scan that follows strings and brackets only. Undefined when
 * the body is not a well-formed top-level object with `"kind":"EventList"` and an `items` array of
 * objects; the caller then parses it whole, which names what is wrong. An item that scans but is not
 * valid JSON is rejected by the decoder and kept in the dead letter, as in a log file.
 */
export function eventListRanges(body: Buffer): number[] | undefined {
  let i = skipSpace(body, body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0);
  if (body[i] !== LBRACE) return undefined;
  i = skipSpace(body, i + 1);
  let kind: string | undefined;
  let items: number[] | undefined;
  while (body[i] !== RBRACE) {
    if (body[i] !== QUOTE) return undefined;
    const keyEnd = stringEnd(body, i);
    if (keyEnd < 0) return undefined;
    const key = body.toString('utf8', i + 1, keyEnd - 1);
    i = skipSpace(body, keyEnd);
    if (body[i] !== COLON) return undefined;
    i = skipSpace(body, i + 1);
    if (key === 'items') {
      if (body[i] !== LBRACKET) return undefined;
      items = [];
      i = skipSpace(body, i + 1);
      while (body[i] !== RBRACKET) {
        if (body[i] !== LBRACE) return undefined;
        const end = valueEnd(body, i);
        if (end < 0) return undefined;
        items.push(i, end);
        i = skipSpace(body, end);
        if (body[i] === COMMA) i = skipSpace(body, i + 1);
        else if (body[i] !== RBRACKET) return undefined;
      }
      i++;
    } else {
      const end = valueEnd(body, i);
      if (end < 0) return undefined;
      if (key === 'kind') kind = body.toString('utf8', i, end);
      i = end;
    }
    i = skipSpace(body, i);
    if (body[i] === COMMA) i = skipSpace(body, i + 1);
    else if (body[i] !== RBRACE) return undefined;
  }
  if (skipSpace(body, i + 1) !== body.length) return undefined;
  return kind === '"EventList"' && items ? items : undefined;
}
