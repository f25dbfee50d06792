/**
 * nginx access logs: the predefined `combined` format (also `common`, a leading $host / vhost
 * and X-Forwarded-For prefixes, extra trailing quoted fields) and JSON log_format lines.
 * Each request → api event (service 'http', or 'docker' for Docker Engine API paths).
 */
import type { RecordRef } from '../../model/event.js';
import type { DecodeResult, Decoder, RecordDecoder } from '../types.js';
import { splitQuotedFields, unescapeHex } from './util/fields.js';
import { httpApiEvent, parseRequestLine, type HttpRecord } from './util/http.js';
import { isObject, num, str, tryParse, type JsonObject } from './util/json.js';
import { dockerCreateBits } from './util/privileged.js';
import { reject, sniffFraction } from './util/result.js';
import { excerpt, isIpLiteral, parseEpochSeconds, parseIsoTime, parseUint } from './util/text.js';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** "04/Mar/2025:09:15:02 +0000" ($time_local) → epoch ms. */
export function parseTimeLocal(s: string): number | undefined {
  if (s.length !== 26 || s[2] !== '/' || s[6] !== '/' || s[11] !== ':' || s[20] !== ' ') return undefined;
  const day = parseUint(s.slice(0, 2));
  const mon = MONTHS[s.slice(3, 6)];
  const year = parseUint(s.slice(7, 11));
  const h = parseUint(s.slice(12, 14));
  const m = parseUint(s.slice(15, 17));
  const sec = parseUint(s.slice(18, 20));
  const sign = s[21];
  const oh = parseUint(s.slice(22, 24));
  const om = parseUint(s.slice(24, 26));
  if (day === undefined || mon === undefined || year === undefined || h === undefined || m === undefined || sec === undefined || oh === undefined || om === undefined) return undefined;
  if ((sign !== '+' && sign !== '-') || day < 1 || day > 31 || h > 23 || m > 59 || sec > 60) return undefined;
  const offset = (oh * 60 + om) * 60_000 * (sign === '+' ? 1 : -1);
  return Date.UTC(year, mon, day, h, m, sec) - offset;
}

/** The client address as nginx writes $remote_addr: an IP, `unix:` for socket peers, or a name a realip setup put there. */
function validRemote(s: string): boolean {
  return isIpLiteral(s) || s === 'unix:' || /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(s);
}

/** One combined/common line → the fields of an HTTP request record. Exported for tests. */
export function parseCombined(line: string, ref: RecordRef): HttpRecord | string {
  const open = line.indexOf(' [');
  if (open < 0) return 'no [time_local] field';
  const close = line.indexOf(']', open);
  if (close < 0) return 'unterminated [time_local] field';
  const time = parseTimeLocal(line.slice(open + 2, close));
  if (time === undefined) return `time ${excerpt(line.slice(open + 2, close))} is not dd/Mon/yyyy:HH:MM:SS +zzzz`;
  // Head: [$host] [X-Forwarded-For…] $remote_addr - $remote_user
  const head = line.slice(0, open).split(' ').filter((t) => t !== '');
  if (head.length < 3) return 'expected "$remote_addr - $remote_user" before the time';
  const user = head[head.length - 1] as string;
  const src = head[head.length - 3] as string;
  if (!validRemote(src)) return `remote address ${excerpt(src)} is not an address`;
  const tail = splitQuotedFields(line, close + 1);
  if (!tail || tail.length < 3) return 'expected "request" status bytes after the time';
  const [request, statusText] = tail as [string, string];
  const status = parseUint(statusText);
  if (status === undefined || status < 100 || status > 999) return `status ${excerpt(statusText)} is not an HTTP status`;
  const rec: HttpRecord = { time, ref, src, status };
  if (user !== '-') rec.actor = unescapeHex(user);
  const first = head[0] as string;
  if (head.length > 3 && !first.endsWith(',')) rec.host = first;
  const rl = parseRequestLine(unescapeHex(request));
  if (rl) {
    rec.method = rl.method;
    rec.target = rl.target;
  }
  const ua = tail[4];
  if (ua !== undefined && ua !== '-') rec.userAgent = unescapeHex(ua);
  return rec;
}

function firstStr(o: JsonObject, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = str(o, k);
    if (v !== undefined && v !== '' && v !== '-') return v;
  }
  return undefined;
}

/** A JSON log_format line (keys are user-chosen; the common names are tried in turn). */
export function parseJsonAccess(o: JsonObject, ref: RecordRef): HttpRecord | string {
  const tText = firstStr(o, ['time_iso8601', '@timestamp', 'timestamp', 'time']);
  const tLocal = firstStr(o, ['time_local']);
  const msec = num(o, 'msec');
  const time = tText !== undefined ? parseIsoTime(tText) : tLocal !== undefined ? parseTimeLocal(tLocal) : msec !== undefined ? parseEpochSeconds(String(msec)) : undefined;
  if (time === undefined) return 'no time_iso8601, time_local or msec time';
  const src = firstStr(o, ['remote_addr', 'client', 'client_ip', 'realip_remote_addr']);
  if (src === undefined || !validRemote(src)) return 'remote_addr missing or not an address';
  const status = num(o, 'status');
  const rec: HttpRecord = { time, ref, src };
  if (status !== undefined) rec.status = status;
  const method = firstStr(o, ['request_method', 'method']);
  const uri = firstStr(o, ['request_uri', 'uri']);
  if (method !== undefined && uri !== undefined) {
    rec.method = method;
    rec.target = uri;
  } else {
    const rl = parseRequestLine(firstStr(o, ['request']) ?? '');
    if (rl) {
      rec.method = rl.method;
      rec.target = rl.target;
    }
  }
  const user = firstStr(o, ['remote_user']);
  if (user !== undefined) rec.actor = user;
  const host = firstStr(o, ['host', 'http_host', 'server_name']);
  if (host !== undefined) rec.host = host;
  const ua = firstStr(o, ['http_user_agent', 'user_agent']);
  if (ua !== undefined) rec.userAgent = ua;
  // mTLS in front of an admin API (e.g. the Docker API on 2376 behind nginx): a certificate nginx verified
  // ($ssl_client_verify = SUCCESS) identifies the caller; $ssl_client_fingerprint is its SHA-1.
  const fp = firstStr(o, ['ssl_client_fingerprint']);
  if (fp !== undefined && /^[0-9a-f]{40}$/i.test(fp) && firstStr(o, ['ssl_client_verify']) === 'SUCCESS') {
    rec.credential = `x509-sha1:${fp.toLowerCase()}`;
    const dn = firstStr(o, ['ssl_client_s_dn']);
    if (rec.actor === undefined && dn !== undefined) rec.actor = dn;
  }
  return rec;
}

class NginxRecordDecoder implements RecordDecoder {
  line(text: string, ref: RecordRef): DecodeResult {
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() === '') return [];
    if (t.charCodeAt(0) === 123) return this.json(t, ref);
    const r = parseCombined(t, ref);
    return typeof r === 'string' ? reject(r) : [httpApiEvent(r)];
  }

  private json(t: string, ref: RecordRef): DecodeResult {
    let p = tryParse(t);
    // nginx prints '-' for an empty numeric variable written unquoted ("status":-): read it as null.
    if (!p.ok && t.includes(':-')) p = tryParse(t.replace(/:\s*-(?=\s*[,}])/g, ':null'));
    if (!p.ok) return reject(`invalid JSON: ${p.error}`);
    if (!isObject(p.value)) return reject('JSON value is not an object');
    const r = parseJsonAccess(p.value, ref);
    if (typeof r === 'string') return reject(r);
    const ev = httpApiEvent(r);
    // With body logging ($request_body, escape=json) a container create shows its HostConfig.
    const body = str(p.value, 'request_body');
    if (ev.service === 'docker' && ev.verb === 'create' && ev.resource === 'containers' && body !== undefined && body.includes('HostConfig')) {
      const b = tryParse(body);
      if (b.ok) ev.privileged = dockerCreateBits(b.value);
    }
    return [ev];
  }
}

const COMBINED = /^\S+( \S+)*? \S+ \S+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "/;

export const nginxAccessDecoder: Decoder = {
  id: 'nginx-access',
  description: 'nginx access logs (combined/common, with optional vhost prefix; JSON log_format)',
  sniff(sample) {
    const text = sniffFraction(sample, (l) => COMBINED.test(l));
    if (text > 0) return 0.9 * text;
    return 0.8 * sniffFraction(sample, (l) => l.startsWith('{') && /"remote_addr"\s*:/.test(l) && /"(request|request_uri|status)"\s*:/.test(l));
  },
  open() {
    return new NginxRecordDecoder();
  },
};
