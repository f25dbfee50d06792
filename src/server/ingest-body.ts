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

/** Non-empty lines of a text body (CRLF or LF), without a byte-order mark. */
export function textRecords(body: Buffer): string[] {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Kubernetes audit events from a webhook body: an `audit.k8s.io/v1` `EventList` (what the API server's
 * webhook backend sends, in batch and blocking mode alike), a single `Event`, or one event per line.
 * Each event becomes one compact JSON line.
 */
export function k8sAuditRecords(body: Buffer): string[] {
  const text = body.toString('utf8').replace(/^\uFEFF/, '').trim();
  if (text === '') return [];
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (isObject(whole)) {
    if (whole.kind === 'EventList') {
      if (!Array.isArray(whole.items)) throw new BodyError(400, 'EventList without an items array');
      return whole.items.map((item, i) => {
        if (!isObject(item)) throw new BodyError(400, `EventList items[${i}] is not an object`);
        return JSON.stringify(item);
      });
    }
    return [JSON.stringify(whole)];
  }
  // Not one JSON document: an event per line.
  return text.split(/\r?\n/).flatMap((line, i) => {
    if (line.trim() === '') return [];
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      throw new BodyError(400, `line ${i + 1}: not JSON`);
    }
    if (!isObject(ev)) throw new BodyError(400, `line ${i + 1}: not a JSON object`);
    return [JSON.stringify(ev)];
  });
}
