/**
 * Azure Network Watcher flow logs: NSG flow logs v1/v2 (properties.flows[].flows[].flowTuples) and
 * VNet flow logs (flowRecords.flows[].flowGroups[].flowTuples). Blobs are whole JSON documents
 * ({"records":[…]}, often pretty-printed); single flat records per line are accepted too.
 */
import type { FlowEvent, RecordRef } from '../../model/event.js';
import type { DecodeResult, Decoder } from '../types.js';
import { arr, num, obj, str } from './util/json.js';
import { JsonRecordDecoder } from './util/json-stream.js';
import { decodeItems, reject } from './util/result.js';
import { excerpt, isIpLiteral, parsePort, parseUint } from './util/text.js';

type Kind = 'nsg' | 'vnet';

/** One flow tuple → a flow event, or a reason. Exported for tests. */
export function decodeTuple(tuple: string, kind: Kind, ref: RecordRef, observer?: string): FlowEvent | string {
  const f = tuple.split(',');
  if (f.length < 8) return `tuple has ${f.length} fields, expected at least 8: ${excerpt(tuple)}`;
  const [ts, src, dst, sp, dp, proto, dir] = f as [string, string, string, string, string, string, string];
  // Seconds per the NSG docs; VNet samples carry milliseconds (13 digits): decide by length.
  const t = parseUint(ts);
  if (t === undefined) return `timestamp ${excerpt(ts)} is not a Unix time`;
  const time = ts.length >= 12 ? t : t * 1000;
  if (!isIpLiteral(src)) return `source ${excerpt(src)} is not an IP address`;
  if (!isIpLiteral(dst)) return `destination ${excerpt(dst)} is not an IP address`;
  const srcPort = parsePort(sp);
  const dstPort = parsePort(dp);
  if (srcPort === undefined || dstPort === undefined) return `ports ${excerpt(`${sp},${dp}`)} are not ports`;
  const protocol = proto === 'T' || proto === '6' ? 'tcp' : proto === 'U' || proto === '17' ? 'udp' : proto === '1' ? 'icmp' : undefined;
  if (protocol === undefined && parseUint(proto) === undefined) return `protocol ${excerpt(proto)} is not T, U or a number`;
  if (dir !== 'I' && dir !== 'O') return `direction ${excerpt(dir)} is not I or O`;
  // NSG: …,dir,decision[,state,counters×4]; VNet: …,dir,state,encryption,counters×4 (deny = state D).
  let action: 'accept' | 'reject';
  if (kind === 'nsg') {
    const decision = f[7];
    if (decision !== 'A' && decision !== 'D') return `decision ${excerpt(decision ?? '')} is not A or D`;
    action = decision === 'A' ? 'accept' : 'reject';
  } else {
    const state = f[7];
    if (state !== 'B' && state !== 'C' && state !== 'E' && state !== 'D') return `flow state ${excerpt(state ?? '')} is not B, C, E or D`;
    action = state === 'D' ? 'reject' : 'accept';
  }
  const counters = 9;
  const ev: FlowEvent = { kind: 'flow', time, ref, src, srcPort, dst, dstPort, protocol: protocol ?? 'other', direction: dir === 'I' ? 'inbound' : 'outbound', action };
  if (observer !== undefined) ev.observer = observer;
  // Counters (v2/VNet) are deltas since the previous tuple of the flow; empty on B.
  if (f.length >= counters + 4 && f[counters] !== '') {
    ev.packets = (parseUint(f[counters] ?? '') ?? 0) + (parseUint(f[counters + 2] ?? '') ?? 0);
    ev.bytes = (parseUint(f[counters + 1] ?? '') ?? 0) + (parseUint(f[counters + 3] ?? '') ?? 0);
  }
  return ev;
}

function tuplesOf(group: unknown, kind: Kind, ref: RecordRef, observer: string | undefined): DecodeResult {
  const tuples = arr(group, 'flowTuples');
  if (!tuples) return reject('no flowTuples array');
  const out: FlowEvent[] = [];
  for (let i = 0; i < tuples.length; i++) {
    const t = tuples[i];
    if (typeof t !== 'string') return reject(`flowTuples[${i}] is not a string`);
    const r = decodeTuple(t, kind, ref, observer);
    if (typeof r === 'string') return reject(`flowTuples[${i}]: ${r}`);
    out.push(r);
  }
  return out;
}

/** One Azure record (NSG or VNet) → flow events. Exported for tests. */
export function decodeAzureRecord(rec: unknown, ref: RecordRef): DecodeResult {
  const records = arr(rec, 'records');
  if (records) return decodeItems(records, 'records', (r) => decodeAzureRecord(r, ref));
  const props = obj(rec, 'properties');
  const nsgFlows = arr(props, 'flows');
  if (nsgFlows) {
    const version = num(props, 'Version');
    if (version !== undefined && version !== 1 && version !== 2) return reject(`properties.Version ${version} is not 1 or 2`);
    const nsg = str(rec, 'resourceId')?.split('/').pop();
    return decodeItems(nsgFlows, 'properties.flows', (rule) =>
      decodeItems(arr(rule, 'flows') ?? [], 'flows', (g) => {
        const mac = str(g, 'mac');
        return tuplesOf(g, 'nsg', ref, nsg ?? mac);
      }),
    );
  }
  const vnetFlows = arr(obj(rec, 'flowRecords'), 'flows');
  if (vnetFlows) {
    const target = str(rec, 'targetResourceID')?.split('/').pop() ?? str(rec, 'macAddress');
    return decodeItems(vnetFlows, 'flowRecords.flows', (acl) => decodeItems(arr(acl, 'flowGroups') ?? [], 'flowGroups', (g) => tuplesOf(g, 'vnet', ref, target)));
  }
  return reject('not an NSG or VNet flow log record (no properties.flows or flowRecords.flows)');
}

export const azureFlowDecoder: Decoder = {
  id: 'azure-flow',
  description: 'Azure NSG flow logs (v1/v2) and VNet flow logs (JSON blobs or one record per line)',
  sniff(sample) {
    const j = sample.join('\n');
    if (/"(NetworkSecurityGroupFlowEvent|FlowLogFlowEvent)"/.test(j)) return 1;
    if (/"flowTuples"\s*:/.test(j)) return 0.9;
    if (/^\s*\{\s*$/.test(sample[0] ?? '') && /"records"\s*:\s*\[/.test(j) && /"(systemId|flowLogGUID|macAddress)"/.test(j)) return 0.6;
    return 0;
  },
  open() {
    return new JsonRecordDecoder(decodeAzureRecord);
  },
};
