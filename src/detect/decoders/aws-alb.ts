/**
 * AWS Elastic Load Balancing access logs. ALB request entries → api events (method, path, status,
 * client, target); NLB TLS entries (`tls 2.0 …`) → flow events; ALB connection-log entries with a
 * client certificate (mTLS) → auth events. Fields are space-separated, some quoted; fields AWS
 * appends later are ignored.
 */
import type { AuthEvent, FlowEvent, RecordRef } from '../../model/event.js';
import type { DecodeResult, Decoder, RecordDecoder } from '../types.js';
import { splitQuotedFields } from './util/fields.js';
import { httpApiEvent, parseRequestLine, type HttpRecord } from './util/http.js';
import { reject, sniffFraction } from './util/result.js';
import { excerpt, isIpLiteral, own, parseIsoTime, parseUint, splitHostPort } from './util/text.js';

const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);

function dash(s: string | undefined): string | undefined {
  return s === undefined || s === '-' ? undefined : s;
}

/** ALB request entry: type time elb client:port target:port t t t elb_status target_status rx tx "request" "ua" … */
export function decodeAlb(f: readonly string[], ref: RecordRef): DecodeResult {
  if (f.length < 14) return reject(`ALB entry has ${f.length} fields, expected at least 14`);
  const time = parseIsoTime(f[1] as string);
  if (time === undefined) return reject(`time ${excerpt(f[1] as string)} is not ISO 8601`);
  const client = splitHostPort(f[3] as string);
  if (!client || !isIpLiteral(client.host)) return reject(`client:port ${excerpt(f[3] as string)} is not an address`);
  const statusText = f[8] as string;
  const status = statusText === '-' ? undefined : parseUint(statusText);
  if (statusText !== '-' && (status === undefined || status < 100 || status > 999)) return reject(`elb_status_code ${excerpt(statusText)} is not an HTTP status`);
  const rec: HttpRecord = { time, ref, src: client.host, observer: f[2] as string };
  if (status !== undefined) rec.status = status;
  const target = dash(f[4]) === undefined ? undefined : splitHostPort(f[4] as string);
  if (target) {
    rec.dst = target.host;
    rec.dstPort = target.port;
  }
  const rl = parseRequestLine(f[12] as string);
  if (rl) {
    rec.method = rl.method;
    rec.target = rl.target;
  }
  const ua = dash(f[13]);
  if (ua !== undefined) rec.userAgent = ua;
  const domain = dash(f[18]);
  if (domain !== undefined) rec.host = domain;
  return [httpApiEvent(rec)];
}

/** NLB TLS entry: tls 2.0 time elb listener client:port destination:port conn_ms handshake_ms rx tx … */
export function decodeNlb(f: readonly string[], ref: RecordRef): DecodeResult {
  if (f.length < 11) return reject(`NLB entry has ${f.length} fields, expected at least 11`);
  // NLB times carry no zone; the documentation gives them in UTC [assumed].
  const t = f[2] as string;
  const time = parseIsoTime(/[Zz]$|[+-]\d\d:\d\d$/.test(t) ? t : `${t}Z`);
  if (time === undefined) return reject(`time ${excerpt(t)} is not ISO 8601`);
  const client = splitHostPort(f[5] as string);
  const dest = splitHostPort(f[6] as string);
  if (!client || !isIpLiteral(client.host)) return reject(`client:port ${excerpt(f[5] as string)} is not an address`);
  if (!dest || !isIpLiteral(dest.host)) return reject(`destination:port ${excerpt(f[6] as string)} is not an address`);
  const ev: FlowEvent = { kind: 'flow', time, ref, src: own(client.host), srcPort: client.port, dst: own(dest.host), dstPort: dest.port, protocol: 'tcp', direction: 'inbound', action: 'accept', observer: own(f[3] as string) };
  const rx = parseUint(f[9] as string);
  const tx = parseUint(f[10] as string);
  if (rx !== undefined || tx !== undefined) ev.bytes = (rx ?? 0) + (tx ?? 0);
  return [ev];
}

/**
 * ALB connection log: time client_ip client_port listener_port tls_protocol tls_cipher
 * handshake_latency "leaf_cert_subject" leaf_cert_validity leaf_cert_serial verify_status [trace]
 * (field order from published samples). With a client certificate it is an mTLS authentication.
 */
export function decodeAlbConnection(f: readonly string[], ref: RecordRef): DecodeResult {
  if (f.length < 11) return reject(`ALB connection-log entry has ${f.length} fields, expected at least 11`);
  const time = parseIsoTime(f[0] as string);
  if (time === undefined) return reject(`time ${excerpt(f[0] as string)} is not ISO 8601`);
  const src = f[1] as string;
  const srcPort = parseUint(f[2] as string);
  const dstPort = parseUint(f[3] as string);
  if (!isIpLiteral(src) || srcPort === undefined || dstPort === undefined) return reject('client_ip, client_port or listener_port malformed');
  const verify = f[10] as string;
  const subject = dash(f[7]);
  if (verify === '-' || subject === undefined) return []; // no client certificate: plain connection
  const ev: AuthEvent = { kind: 'auth', service: 'other', time, ref, user: own(subject), method: 'certificate', credentialKind: 'certificate', src: own(src), srcPort, dstPort, success: verify === 'Success' };
  const serial = dash(f[9]);
  if (serial !== undefined) ev.credential = own(serial);
  return [ev];
}

class AlbRecordDecoder implements RecordDecoder {
  line(text: string, ref: RecordRef): DecodeResult {
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() === '') return [];
    const f = splitQuotedFields(t);
    if (!f || f.length === 0) return reject('unterminated quoted field');
    const type = f[0] as string;
    if (ALB_TYPES.has(type)) return decodeAlb(f, ref);
    if (type === 'tls' && f[1] === '2.0') return decodeNlb(f, ref);
    if (/^\d{4}-\d\d-\d\dT/.test(type)) return decodeAlbConnection(f, ref);
    return reject(`entry type ${excerpt(type)} is not an ALB, NLB or connection-log entry`);
  }
}

const ALB_LINE = /^(https?|h2|grpcs|wss?) \d{4}-\d\d-\d\dT\S+ (app|net)\/\S+ \S+:\d+ /;
const NLB_LINE = /^tls 2\.0 \d{4}-\d\d-\d\dT\S+ net\//;

export const awsAlbDecoder: Decoder = {
  id: 'aws-alb',
  description: 'AWS ALB access logs (plus NLB TLS access logs and ALB connection logs)',
  sniff(sample) {
    return 0.95 * sniffFraction(sample, (l) => ALB_LINE.test(l) || NLB_LINE.test(l) || /^\d{4}-\d\d-\d\dT[\d:.]+Z \S+ \d+ \d+ (TLS|-)/.test(l));
  },
  open() {
    return new AlbRecordDecoder();
  },
};
