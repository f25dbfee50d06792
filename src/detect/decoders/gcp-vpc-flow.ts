/**
 * Google Cloud VPC Flow Logs and firewall rules logging: Cloud Logging LogEntry JSON (one per line,
 * or a `gcloud logging read --format=json` array) with the record in jsonPayload.
 */
import type { FlowEvent, RecordRef } from '../../model/event.js';
import type { DecodeResult, Decoder } from '../types.js';
import { num, obj, str } from './util/json.js';
import { JsonRecordDecoder } from './util/json-stream.js';
import { reject } from './util/result.js';
import { ianaProtocol, isIpLiteral, parseIsoTime } from './util/text.js';

/** Exported for tests: one LogEntry → flow events. */
export function decodeGcpEntry(entry: unknown, ref: RecordRef): DecodeResult {
  const p = obj(entry, 'jsonPayload');
  const c = obj(p, 'connection');
  if (!p || !c) return reject('not a VPC flow or firewall LogEntry (no jsonPayload.connection)');
  const src = str(c, 'src_ip');
  const dst = str(c, 'dest_ip');
  if (src === undefined || !isIpLiteral(src)) return reject('jsonPayload.connection.src_ip is not an IP address');
  if (dst === undefined || !isIpLiteral(dst)) return reject('jsonPayload.connection.dest_ip is not an IP address');
  const proto = num(c, 'protocol');
  if (proto === undefined || !Number.isInteger(proto) || proto < 0 || proto > 255) return reject('jsonPayload.connection.protocol is not an IANA protocol number');
  // ICMP and other port-less protocols carry no ports.
  const dstPort = num(c, 'dest_port') ?? 0;
  const srcPort = num(c, 'src_port');
  if (!validPort(dstPort) || (srcPort !== undefined && !validPort(srcPort))) return reject('jsonPayload.connection port out of range');

  const disposition = str(p, 'disposition');
  const isFirewall = disposition !== undefined;
  const timeText = (isFirewall ? undefined : str(p, 'start_time')) ?? str(entry, 'timestamp');
  const time = timeText === undefined ? undefined : parseIsoTime(timeText);
  if (time === undefined) return reject(isFirewall ? 'timestamp missing or not RFC 3339' : 'jsonPayload.start_time missing or not RFC 3339');

  const ev: FlowEvent = { kind: 'flow', time, ref, src, dst, dstPort, protocol: ianaProtocol(proto), action: 'accept' };
  if (srcPort !== undefined) ev.srcPort = srcPort;
  if (isFirewall) {
    if (disposition !== 'ALLOWED' && disposition !== 'DENIED') return reject(`jsonPayload.disposition ${JSON.stringify(disposition)} is not ALLOWED or DENIED`);
    ev.action = disposition === 'ALLOWED' ? 'accept' : 'reject';
    const dir = str(obj(p, 'rule_details'), 'direction');
    if (dir === 'INGRESS') ev.direction = 'inbound';
    else if (dir === 'EGRESS') ev.direction = 'outbound';
    const vm = str(obj(p, 'instance'), 'vm_name');
    if (vm !== undefined) ev.observer = vm;
    return [ev];
  }
  // VPC flow logs record traffic that happened (denied traffic is the firewall log's business).
  // Direction is relative to the reporting endpoint.
  const reporter = str(p, 'reporter');
  if (reporter === 'DEST' || reporter === 'DEST_GATEWAY') ev.direction = 'inbound';
  else if (reporter === 'SRC' || reporter === 'SRC_GATEWAY') ev.direction = 'outbound';
  const vm = str(obj(p, reporter?.startsWith('DEST') ? 'dest_instance' : 'src_instance'), 'vm_name');
  const observer = vm ?? str(obj(obj(entry, 'resource'), 'labels'), 'subnetwork_name');
  if (observer !== undefined) ev.observer = observer;
  const bytes = num(p, 'bytes_sent');
  if (bytes !== undefined && bytes >= 0) ev.bytes = bytes;
  const packets = num(p, 'packets_sent');
  if (packets !== undefined && packets >= 0) ev.packets = packets;
  return [ev];
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 65535;
}

export const gcpVpcFlowDecoder: Decoder = {
  id: 'gcp-vpc-flow',
  description: 'Google Cloud VPC Flow Logs and firewall rules logging (Cloud Logging JSON)',
  sniff(sample) {
    const j = sample.join('\n');
    if (!/"connection"\s*:\s*\{/.test(j) || !/"src_ip"\s*:/.test(j)) return 0;
    if (/compute\.googleapis\.com%2F(vpc_flows|firewall)/.test(j)) return 1;
    return /"jsonPayload"\s*:/.test(j) ? 0.8 : 0;
  },
  open() {
    return new JsonRecordDecoder(decodeGcpEntry);
  },
};
