/**
 * Zeek conn.log, http.log and ssh.log, in the ASCII writer's TSV (with #separator/#fields headers)
 * or its JSON form (one object per line, dotted keys). conn → flow, http → api, ssh → auth; other
 * Zeek logs are recognised and yield nothing.
 */
import type { AuthEvent, FlowEvent, RecordRef } from '../../model/event.js';
import type { DecodeResult, Decoder, RecordDecoder } from '../types.js';
import { httpApiEvent } from './util/http.js';
import { isObject, tryParse, type JsonObject } from './util/json.js';
import { reject, sniffFraction } from './util/result.js';
import { excerpt, isIpLiteral, own, parseEpochSeconds, parseIsoTime } from './util/text.js';

/** Field access common to a TSV row and a JSON object; undefined = unset or absent. */
interface ZeekRecord {
  str(name: string): string | undefined;
  num(name: string): number | undefined;
  bool(name: string): boolean | undefined;
  time(): number | undefined;
}

/** Undo the ASCII writer's \xHH escaping (separators and non-printable bytes inside values). */
export function unescapeZeek(s: string): string {
  if (s.indexOf('\\x') < 0) return s;
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

class TsvRow implements ZeekRecord {
  constructor(
    private readonly cols: readonly string[],
    private readonly index: ReadonlyMap<string, number>,
    private readonly unset: string,
    private readonly empty: string,
  ) {}
  private raw(name: string): string | undefined {
    const i = this.index.get(name);
    if (i === undefined) return undefined;
    const v = this.cols[i];
    return v === undefined || v === this.unset ? undefined : v;
  }
  str(name: string): string | undefined {
    const v = this.raw(name);
    return v === undefined ? undefined : v === this.empty ? '' : unescapeZeek(v);
  }
  num(name: string): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    return v !== '' && Number.isFinite(n) ? n : undefined;
  }
  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    return v === 'T' ? true : v === 'F' ? false : undefined;
  }
  time(): number | undefined {
    const v = this.raw('ts');
    return v === undefined ? undefined : parseEpochSeconds(v);
  }
}

class JsonRow implements ZeekRecord {
  constructor(private readonly o: JsonObject) {}
  str(name: string): string | undefined {
    const v = this.o[name];
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }
  num(name: string): number | undefined {
    const v = this.o[name];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }
  bool(name: string): boolean | undefined {
    const v = this.o[name];
    return typeof v === 'boolean' ? v : undefined;
  }
  time(): number | undefined {
    const v = this.o['ts'];
    if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * 1000) : undefined;
    return typeof v === 'string' ? (parseIsoTime(v) ?? parseEpochSeconds(v)) : undefined;
  }
}

/** conn_state values where the responder never completed a handshake. */
const NOT_ESTABLISHED = new Set(['S0', 'REJ', 'RSTOS0', 'SH']);

function endpoints(r: ZeekRecord): { src: string; srcPort: number; dst: string; dstPort: number } | string {
  const src = r.str('id.orig_h');
  const dst = r.str('id.resp_h');
  if (src === undefined || !isIpLiteral(src)) return `id.orig_h ${excerpt(src ?? '-')} is not an IP address`;
  if (dst === undefined || !isIpLiteral(dst)) return `id.resp_h ${excerpt(dst ?? '-')} is not an IP address`;
  const srcPort = r.num('id.orig_p');
  const dstPort = r.num('id.resp_p');
  if (srcPort === undefined || !validPort(srcPort)) return 'id.orig_p is not a port';
  if (dstPort === undefined || !validPort(dstPort)) return 'id.resp_p is not a port';
  return { src: own(src), srcPort, dst: own(dst), dstPort };
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 65535;
}

function decodeConn(r: ZeekRecord, time: number, ref: RecordRef): DecodeResult {
  const e = endpoints(r);
  if (typeof e === 'string') return reject(e);
  const proto = r.str('proto');
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp' && proto !== 'unknown_transport') return reject(`proto ${excerpt(proto ?? '-')} is not tcp, udp or icmp`);
  const state = r.str('conn_state');
  if (state === undefined) return reject('conn_state is unset');
  const ev: FlowEvent = { kind: 'flow', time, ref, ...e, protocol: proto === 'unknown_transport' ? 'other' : proto, action: NOT_ESTABLISHED.has(state) ? 'reject' : 'accept' };
  const lo = r.bool('local_orig');
  const lr = r.bool('local_resp');
  if (lo === false && lr === true) ev.direction = 'inbound';
  else if (lo === true && lr === false) ev.direction = 'outbound';
  const ob = r.num('orig_bytes');
  const rb = r.num('resp_bytes');
  if (ob !== undefined || rb !== undefined) ev.bytes = (ob ?? 0) + (rb ?? 0);
  const op = r.num('orig_pkts');
  const rp = r.num('resp_pkts');
  if (op !== undefined || rp !== undefined) ev.packets = (op ?? 0) + (rp ?? 0);
  return [ev];
}

function decodeHttp(r: ZeekRecord, time: number, ref: RecordRef): DecodeResult {
  const e = endpoints(r);
  if (typeof e === 'string') return reject(e);
  const method = r.str('method');
  const ev = httpApiEvent({ time, ref, src: e.src, dst: e.dst, dstPort: e.dstPort, method, target: r.str('uri'), status: r.num('status_code'), actor: r.str('username'), host: r.str('host'), userAgent: r.str('user_agent') });
  return [ev];
}

function decodeSsh(r: ZeekRecord, time: number, ref: RecordRef): DecodeResult {
  const e = endpoints(r);
  if (typeof e === 'string') return reject(e);
  // auth_success is a size heuristic; unset means Zeek could not tell, so there is no outcome to report.
  const success = r.bool('auth_success');
  if (success === undefined) return [];
  const ev: AuthEvent = { kind: 'auth', service: 'ssh', time, ref, user: '', method: 'other', src: e.src, srcPort: e.srcPort, dst: e.dst, dstPort: e.dstPort, success };
  const client = r.str('client');
  if (client !== undefined) ev.clientSoftware = own(client);
  const server = r.str('server');
  if (server !== undefined) ev.serverSoftware = own(server);
  return [ev];
}

type Path = 'conn' | 'http' | 'ssh';

function decodeByPath(path: string | undefined, r: ZeekRecord, ref: RecordRef): DecodeResult {
  if (path !== 'conn' && path !== 'http' && path !== 'ssh') return [];
  const time = r.time();
  if (time === undefined) return reject(`ts ${excerpt(r.str('ts') ?? '-')} is not a time`);
  return path === 'conn' ? decodeConn(r, time, ref) : path === 'http' ? decodeHttp(r, time, ref) : decodeSsh(r, time, ref);
}

/** JSON lines rarely carry _path; infer the log from fields only that log has. */
function inferPath(o: JsonObject): Path | string | undefined {
  const p = o['_path'];
  if (typeof p === 'string') return p;
  if ('conn_state' in o || 'history' in o) return 'conn';
  if ('method' in o || 'status_code' in o || 'trans_depth' in o) return 'http';
  if ('auth_success' in o || 'auth_attempts' in o || ('client' in o && 'server' in o)) return 'ssh';
  return undefined;
}

class ZeekRecordDecoder implements RecordDecoder {
  private sep = '\t';
  private unset = '-';
  private empty = '(empty)';
  private path: string | undefined;
  private index: Map<string, number> | undefined;

  line(text: string, ref: RecordRef): DecodeResult {
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t === '') return [];
    const c = t.charCodeAt(0);
    if (c === 35) return this.meta(t);
    if (c === 123) return this.json(t, ref);
    if (!this.index) return reject('TSV record before any #fields header');
    return decodeByPath(this.path, new TsvRow(t.split(this.sep), this.index, this.unset, this.empty), ref);
  }

  private meta(t: string): DecodeResult {
    if (t.startsWith('#separator ')) {
      this.sep = unescapeZeek(t.slice(11).trim()) || '\t';
      return [];
    }
    const i = t.indexOf(this.sep);
    const key = i < 0 ? t : t.slice(0, i);
    const value = i < 0 ? '' : t.slice(i + this.sep.length);
    switch (key) {
      case '#unset_field':
        this.unset = value;
        break;
      case '#empty_field':
        this.empty = value;
        break;
      case '#path':
        this.path = value;
        break;
      case '#fields':
        this.index = new Map(value.split(this.sep).map((f, n) => [f, n]));
        break;
      // #set_separator (sets are not used), #open, #close, #types and comments such as test-harness banners carry nothing to decode.
    }
    return [];
  }

  private json(t: string, ref: RecordRef): DecodeResult {
    const r = tryParse(t);
    if (!r.ok) return reject(`invalid JSON: ${r.error}`);
    if (!isObject(r.value)) return reject('JSON value is not an object');
    const path = inferPath(r.value);
    if (path === undefined) return reject('JSON object is not a Zeek conn, http or ssh record');
    return decodeByPath(path, new JsonRow(r.value), ref);
  }
}

export const zeekDecoder: Decoder = {
  id: 'zeek',
  description: 'Zeek conn.log, http.log and ssh.log (TSV with headers, or JSON lines)',
  sniff(sample) {
    if (sample.some((l) => l.startsWith('#separator ')) && sample.some((l) => l.startsWith('#fields\t') || l.startsWith('#fields'))) return 1;
    return 0.9 * sniffFraction(sample, (l) => l.startsWith('{') && /"uid"\s*:\s*"C/.test(l) && /"id\.orig_h"\s*:/.test(l));
  },
  open() {
    return new ZeekRecordDecoder();
  },
};
