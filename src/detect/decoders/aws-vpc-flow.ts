/**
 * AWS VPC Flow Logs: space-separated records, default v2 format or a custom field list taken from
 * the S3 header line or DecodeContext.fields; also CloudWatch Logs JSON exports whose
 * events[].message / logEvents[].message hold the records.
 */
import type { DrawbridgeEvent, FlowEvent, RecordRef } from '../../model/event.js';
import { isRejection, type DecodeContext, type DecodeResult, type Decoder, type RecordDecoder } from '../types.js';
import { arr, isObject, str } from './util/json.js';
import { JsonDocReader } from './util/json-doc.js';
import { decodeItems, lineNo, reject, sniffFraction } from './util/result.js';
import { excerpt, ianaProtocol, isIpLiteral, isIpLiteralAt, own, parsePort, parseUint } from './util/text.js';

/** Every field in the order of the documentation's "available fields" table (v2 … v5). */
const ALL_FIELDS = [
  // v2 (the default format, in this order)
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status',
  // v3
  'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr',
  // v4
  'region', 'az-id', 'sublocation-type', 'sublocation-id',
  // v5
  'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path',
] as const;
const FIELD_COUNT_UP_TO_VERSION: Record<string, number> = { '2': 14, '3': 21, '4': 25, '5': 29 };
/** Names that may appear in a header line; later versions add more, accepted by shape below. */
const KNOWN = new Set<string>([...ALL_FIELDS, 'ecs-cluster-arn', 'ecs-cluster-name', 'ecs-container-instance-arn', 'ecs-container-instance-id', 'ecs-container-id', 'ecs-second-container-id', 'ecs-service-name', 'ecs-task-definition-arn', 'ecs-task-arn', 'ecs-task-id', 'reject-reason']);

export const DEFAULT_V2_FIELDS: readonly string[] = ALL_FIELDS.slice(0, 14);

/** Column positions compiled once per field list (-1 = absent). */
interface Layout {
  count: number;
  iface: number;
  src: number;
  dst: number;
  pktSrc: number;
  pktDst: number;
  srcPort: number;
  dstPort: number;
  protocol: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: number;
  status: number;
  tcpFlags: number;
  direction: number;
  /** Why this layout can never yield a flow event, if it cannot. */
  unusable?: string;
}

export function compileLayout(fields: readonly string[]): Layout {
  const at = (n: string): number => fields.indexOf(n);
  const l: Layout = {
    count: fields.length,
    iface: at('interface-id'),
    src: at('srcaddr'),
    dst: at('dstaddr'),
    pktSrc: at('pkt-srcaddr'),
    pktDst: at('pkt-dstaddr'),
    srcPort: at('srcport'),
    dstPort: at('dstport'),
    protocol: at('protocol'),
    packets: at('packets'),
    bytes: at('bytes'),
    start: at('start'),
    end: at('end'),
    action: at('action'),
    status: at('log-status'),
    tcpFlags: at('tcp-flags'),
    direction: at('flow-direction'),
  };
  const missing: string[] = [];
  if (l.src < 0 && l.pktSrc < 0) missing.push('srcaddr');
  if (l.dst < 0 && l.pktDst < 0) missing.push('dstaddr');
  if (l.dstPort < 0) missing.push('dstport');
  if (l.protocol < 0) missing.push('protocol');
  if (l.action < 0) missing.push('action');
  if (l.start < 0 && l.end < 0) missing.push('start');
  if (missing.length > 0) l.unusable = `the field list lacks ${missing.join(', ')}, needed for a flow event`;
  return l;
}

const DEFAULT_LAYOUT = compileLayout(DEFAULT_V2_FIELDS);
const VERSION_LAYOUTS = new Map<string, Layout>(
  Object.entries(FIELD_COUNT_UP_TO_VERSION).map(([v, n]) => [v, compileLayout(ALL_FIELDS.slice(0, n))]),
);

/** A header line: every token a field name (known, or kebab-case as later versions add). */
export function isHeaderLine(tokens: readonly string[]): boolean {
  if (tokens.length === 0) return false;
  let known = 0;
  for (const t of tokens) {
    if (KNOWN.has(t)) known++;
    else if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(t)) return false;
  }
  return known > 0;
}

/**
 * The layout a record is read with: the header's or --fields'; else the default v2 format, or (an
 * assumption) a record carrying every field up to its version in the documented order, recognised by
 * its field count.
 */
export function layoutFor(parts: readonly string[], fixed: Layout | undefined): Layout {
  if (fixed !== undefined) return fixed;
  const v = parts[0] ?? '';
  const n = FIELD_COUNT_UP_TO_VERSION[v];
  return (n !== undefined && parts.length === n ? VERSION_LAYOUTS.get(v) : undefined) ?? DEFAULT_LAYOUT;
}

function field(parts: readonly string[], i: number): string | undefined {
  if (i < 0) return undefined;
  const v = parts[i];
  return v === undefined || v === '-' ? undefined : v;
}

/** Decode one record's tokens with a layout. Exported for the fixtures tests. */
export function decodeRecord(parts: readonly string[], layout: Layout, ref: RecordRef): DecodeResult {
  if (parts.length < layout.count) return reject(`expected ${layout.count} fields, got ${parts.length}`);
  const status = field(parts, layout.status);
  if (status === 'NODATA' || status === 'SKIPDATA') return [];
  if (layout.unusable) return reject(layout.unusable);
  if (status !== undefined && status !== 'OK') return reject(`log-status ${excerpt(status)} is not OK, NODATA or SKIPDATA`);
  const src = field(parts, layout.pktSrc) ?? field(parts, layout.src);
  const dst = field(parts, layout.pktDst) ?? field(parts, layout.dst);
  if (src === undefined || !isIpLiteral(src)) return reject(`srcaddr ${excerpt(src ?? '-')} is not an IP address`);
  if (dst === undefined || !isIpLiteral(dst)) return reject(`dstaddr ${excerpt(dst ?? '-')} is not an IP address`);
  const dstPort = parsePort(field(parts, layout.dstPort) ?? '');
  if (dstPort === undefined) return reject(`dstport ${excerpt(parts[layout.dstPort] ?? '')} is not a port`);
  const srcPortText = field(parts, layout.srcPort);
  const srcPort = srcPortText === undefined ? undefined : parsePort(srcPortText);
  if (srcPortText !== undefined && srcPort === undefined) return reject(`srcport ${excerpt(srcPortText)} is not a port`);
  const proto = parseUint(field(parts, layout.protocol) ?? '');
  if (proto === undefined || proto > 255) return reject(`protocol ${excerpt(parts[layout.protocol] ?? '')} is not an IANA protocol number`);
  const action = field(parts, layout.action);
  if (action !== 'ACCEPT' && action !== 'REJECT') return reject(`action ${excerpt(action ?? '-')} is not ACCEPT or REJECT`);
  const secs = parseUint(field(parts, layout.start) ?? field(parts, layout.end) ?? '');
  if (secs === undefined) return reject('start/end is not a Unix time');

  const ev: FlowEvent = {
    kind: 'flow',
    time: secs * 1000,
    ref,
    src: own(src),
    dst: own(dst),
    dstPort,
    protocol: ianaProtocol(proto),
    action: action === 'ACCEPT' ? 'accept' : 'reject',
  };
  if (srcPort !== undefined) ev.srcPort = srcPort;
  const iface = field(parts, layout.iface);
  if (iface !== undefined) ev.observer = own(iface);
  const bytes = parseUint(field(parts, layout.bytes) ?? '');
  if (bytes !== undefined) ev.bytes = bytes;
  const packets = parseUint(field(parts, layout.packets) ?? '');
  if (packets !== undefined) ev.packets = packets;
  const flags = parseUint(field(parts, layout.tcpFlags) ?? '');
  if (flags !== undefined) ev.tcpFlags = flags;
  // v2 alone cannot tell direction (srcaddr/dstaddr are not relative to the ENI); v5 says it.
  const dir = field(parts, layout.direction);
  if (dir === 'ingress') ev.direction = 'inbound';
  else if (dir === 'egress') ev.direction = 'outbound';
  return [ev];
}

/** What a record the run's detectors cannot use decodes to (shared: such a record costs no allocation). */
const NOTHING = Object.freeze([]) as unknown as DrawbridgeEvent[];

/** Whether the run's detectors can use a flow (DecodeContext.flowPorts; none given: every flow). */
export function flowMatters(ports: Uint8Array | undefined, accept: boolean, dstPort: number): boolean {
  return ports === undefined || (accept && ports[dstPort] === 1);
}

/** Field boundaries of the line readRecordInPlace is reading (reused: no allocation per line). */
const STARTS = new Int32Array(64);
const ENDS = new Int32Array(64);

/**
 * The common case without splitting the line into strings: a well-formed record (or a NODATA/
 * SKIPDATA one) read in place, numbers parsed from the characters, only the addresses and the
 * interface copied out. Anything else — a header, a rejection, an odd spacing — returns undefined
 * and goes the general way (split, isHeaderLine, decodeRecord), which gives every answer its
 * wording; on the records it does accept, this gives the same event decodeRecord would.
 *
 * With `ports` (DecodeContext.flowPorts) it is also the pre-check: a well-formed flow the detectors
 * cannot use (rejected, or to another port) is validated in place and answered with [], before any
 * string is cut from the line or any object built.
 */
export function readRecordInPlace(t: string, fixed: Layout | undefined, ref: RecordRef, ports?: Uint8Array): DecodeResult | undefined {
  const len = t.length;
  // Only untrimmed lines starting with a digit: never a header (its tokens start with a letter).
  const c0 = t.charCodeAt(0);
  if (!(c0 >= 48 && c0 <= 57) || t.charCodeAt(len - 1) <= 32) return undefined;
  const starts = STARTS;
  const ends = ENDS;
  let n = 0;
  let from = 0;
  for (let i = 0; i <= len; i++) {
    const c = i === len ? 32 : t.charCodeAt(i);
    if (c === 32) {
      if (i === from || n === starts.length) return undefined; // empty field (double space) or too many
      starts[n] = from;
      ends[n] = i;
      n++;
      from = i + 1;
    } else if (c < 33 || c > 126) return undefined; // tabs, other blanks that trim/split treat differently, non-ASCII
  }
  let layout = fixed;
  if (layout === undefined) {
    const v = t.slice(0, ends[0]);
    const vn = FIELD_COUNT_UP_TO_VERSION[v];
    layout = (vn !== undefined && n === vn ? VERSION_LAYOUTS.get(v) : undefined) ?? DEFAULT_LAYOUT;
  }
  if (n < layout.count) return undefined;
  if (has(t, layout.status)) {
    const st = text(t, layout.status);
    if (st === 'NODATA' || st === 'SKIPDATA') return [];
    if (st !== 'OK') return undefined;
  }
  if (layout.unusable) return undefined;
  const srcAt = has(t, layout.pktSrc) ? layout.pktSrc : has(t, layout.src) ? layout.src : -1;
  const dstAt = has(t, layout.pktDst) ? layout.pktDst : has(t, layout.dst) ? layout.dst : -1;
  if (srcAt < 0 || dstAt < 0 || !has(t, layout.dstPort) || !has(t, layout.protocol) || !has(t, layout.action)) return undefined;
  if (!isIpLiteralAt(t, STARTS[srcAt]!, ENDS[srcAt]!) || !isIpLiteralAt(t, STARTS[dstAt]!, ENDS[dstAt]!)) return undefined;
  const dstPort = uint(t, layout.dstPort);
  if (dstPort === undefined || dstPort > 65535) return undefined;
  let srcPort: number | undefined;
  if (has(t, layout.srcPort)) {
    srcPort = uint(t, layout.srcPort);
    if (srcPort === undefined || srcPort > 65535) return undefined;
  }
  const proto = uint(t, layout.protocol);
  if (proto === undefined || proto > 255) return undefined;
  const a = layout.action;
  const alen = ends[a]! - starts[a]!;
  const accept = alen === 6 && t.startsWith('ACCEPT', starts[a]);
  if (!accept && !(alen === 6 && t.startsWith('REJECT', starts[a]))) return undefined;
  const timeAt = has(t, layout.start) ? layout.start : has(t, layout.end) ? layout.end : -1;
  const secs = timeAt < 0 ? undefined : uint(t, timeAt);
  if (secs === undefined) return undefined;
  if (!flowMatters(ports, accept, dstPort)) return NOTHING;

  const ev: FlowEvent = {
    kind: 'flow',
    time: secs * 1000,
    ref,
    src: own(text(t, srcAt)),
    dst: own(text(t, dstAt)),
    dstPort,
    protocol: ianaProtocol(proto),
    action: accept ? 'accept' : 'reject',
  };
  if (srcPort !== undefined) ev.srcPort = srcPort;
  if (has(t, layout.iface)) ev.observer = own(text(t, layout.iface));
  const bytes = has(t, layout.bytes) ? uint(t, layout.bytes) : undefined;
  if (bytes !== undefined) ev.bytes = bytes;
  const packets = has(t, layout.packets) ? uint(t, layout.packets) : undefined;
  if (packets !== undefined) ev.packets = packets;
  const flags = has(t, layout.tcpFlags) ? uint(t, layout.tcpFlags) : undefined;
  if (flags !== undefined) ev.tcpFlags = flags;
  if (has(t, layout.direction)) {
    const dir = text(t, layout.direction);
    if (dir === 'ingress') ev.direction = 'inbound';
    else if (dir === 'egress') ev.direction = 'outbound';
  }
  return [ev];
}


class VpcFlowRecordDecoder implements RecordDecoder {
  private layout: Layout | undefined;
  private readonly json = new JsonDocReader();
  private readonly ports: Uint8Array | undefined;

  constructor(ctx: DecodeContext) {
    if (ctx.fields && ctx.fields.length > 0) this.layout = compileLayout(ctx.fields);
    this.ports = ctx.flowPorts;
  }

  line(text: string, ref: RecordRef): DecodeResult {
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (this.json.pending || t.charCodeAt(0) === 123 || t.charCodeAt(0) === 91) {
      const o = this.json.push(t, lineNo(ref));
      if (o.kind === 'pending') return [];
      if (o.kind === 'error') return reject(o.reason);
      if (o.kind === 'value') return this.cloudWatch(o.value, ref);
    }
    if (t.trim() === '') return [];
    return this.text(t, ref);
  }

  end(): DecodeResult {
    const o = this.json.end();
    return o && o.kind === 'error' ? reject(o.reason) : [];
  }

  private text(t: string, ref: RecordRef): DecodeResult {
    const fast = readRecordInPlace(t, this.layout, ref, this.ports);
    if (fast !== undefined) return fast;
    const parts = t.trim().split(' ');
    if (isHeaderLine(parts)) {
      this.layout = compileLayout(parts);
      return [];
    }
    const r = decodeRecord(parts, layoutFor(parts, this.layout), ref);
    const ports = this.ports;
    if (ports === undefined || isRejection(r)) return r;
    return r.filter((e) => e.kind === 'flow' && flowMatters(ports, e.action === 'accept', e.dstPort));
  }


  /** CloudWatch Logs JSON: filter-log-events {events:[…]}, subscription {logEvents:[…]}, or one event. */
  private cloudWatch(v: unknown, ref: RecordRef): DecodeResult {
    const list = arr(v, 'events') ?? arr(v, 'logEvents') ?? (Array.isArray(v) ? v : isObject(v) && str(v, 'message') !== undefined ? [v] : undefined);
    if (list === undefined) return reject('JSON value is not a CloudWatch Logs export (no events[], logEvents[] or message)');
    return decodeItems(list, 'events', (e) => {
      const m = str(e, 'message');
      if (m === undefined) return reject('no message string');
      return this.text(m, ref);
    });
  }
}

// Field i of the line being read (no closures here: they cost an allocation per line).
/** Present and not "-" (as `field` reads it). */
function has(t: string, i: number): boolean {
  return i >= 0 && !(ENDS[i]! - STARTS[i]! === 1 && t.charCodeAt(STARTS[i]!) === 45);
}

function text(t: string, i: number): string {
  return t.slice(STARTS[i], ENDS[i]);
}

function uint(t: string, i: number): number | undefined {
  return uintAt(t, STARTS[i]!, ENDS[i]!);
}

/** parseUint over t[from, to) without slicing it out. */
function uintAt(t: string, from: number, to: number): number | undefined {
  const n = to - from;
  if (n === 0 || n > 15) return undefined;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v;
}

const RECORD_START = /^\d+ (\d{12}|unknown) eni-/;
const V2_LIKE = /^\d \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \d+ \d+ (ACCEPT|REJECT|-) (OK|NODATA|SKIPDATA)/;

export const awsVpcFlowDecoder: Decoder = {
  id: 'aws-vpc-flow',
  description: 'AWS VPC Flow Logs (default v2 and custom v3–v5 formats; S3 text or CloudWatch Logs JSON)',
  sniff(sample) {
    const first = sample.find((l) => l.trim() !== '') ?? '';
    if (isHeaderLine(first.trim().split(' ')) && first.includes('addr')) return 1;
    const joined = sample.join('\n');
    if (/"(events|logEvents|message)"\s*:/.test(joined) && /\beni-[0-9a-f]+ /.test(joined)) return 0.8;
    return 0.95 * sniffFraction(sample, (l) => RECORD_START.test(l) || V2_LIKE.test(l));
  },
  open(_source, ctx) {
    return new VpcFlowRecordDecoder(ctx);
  },
};
