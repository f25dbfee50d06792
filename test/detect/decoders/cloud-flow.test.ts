import { describe, expect, it } from 'vitest';
import { gcpVpcFlowDecoder } from '../../../src/detect/decoders/gcp-vpc-flow.js';
import { azureFlowDecoder } from '../../../src/detect/decoders/azure-flow.js';
import { bare, decodeText, fixture } from './helpers.js';

describe('gcp-vpc-flow decoder', () => {
  it('decodes VPC flow entries (direction from the reporter) and firewall entries (disposition)', () => {
    const r = decodeText(gcpVpcFlowDecoder, fixture('gcp-vpc-flow/gcp-vpc-flow.jsonl'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'flow', time: 1741079702481, src: '203.0.113.9', srcPort: 50122, dst: '10.128.0.5', dstPort: 22, protocol: 'tcp', action: 'accept', direction: 'inbound', observer: 'bastion', bytes: 1776, packets: 7 },
      { kind: 'flow', time: 1741079820500, src: '198.51.100.7', srcPort: 40110, dst: '10.128.0.5', dstPort: 6443, protocol: 'tcp', action: 'reject', direction: 'inbound', observer: 'k8s-cp-1' },
    ]);
  });

  it('reads a pretty-printed gcloud JSON array of entries', () => {
    const entries = fixture('gcp-vpc-flow/gcp-vpc-flow.jsonl').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    const r = decodeText(gcpVpcFlowDecoder, JSON.stringify(entries, null, 2));
    expect(r.rejections).toEqual([]);
    expect(r.events.map((e) => (e.kind === 'flow' ? e.dstPort : 0))).toEqual([22, 6443]);
  });

  it('rejects entries that are not flow records', () => {
    const r = decodeText(gcpVpcFlowDecoder, ['{"jsonPayload":{"message":"hi"},"timestamp":"2025-03-04T09:15:02Z"}', '{"jsonPayload":{"connection":{"src_ip":"x","dest_ip":"198.51.100.1","protocol":6}}}', '{"jsonPayload":'].join('\n'));
    expect(r.rejections.map((x) => x.reason)).toEqual([
      'not a VPC flow or firewall LogEntry (no jsonPayload.connection)',
      'jsonPayload.connection.src_ip is not an IP address',
      'truncated JSON record: the line ends before the document does',
    ]);
  });
});

describe('azure-flow decoder', () => {
  it('decodes a pretty-printed NSG v2 blob: decision, direction, summed counters', () => {
    const r = decodeText(azureFlowDecoder, fixture('azure-flow/azure-nsg.json'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'flow', time: 1741079702000, src: '203.0.113.9', srcPort: 50122, dst: '10.0.0.4', dstPort: 22, protocol: 'tcp', direction: 'inbound', action: 'reject', observer: 'WEB-NSG' },
      { kind: 'flow', time: 1741079703000, src: '198.51.100.7', srcPort: 40110, dst: '10.0.0.4', dstPort: 3389, protocol: 'tcp', direction: 'inbound', action: 'accept', observer: 'WEB-NSG', packets: 22, bytes: 11151 },
    ]);
  });

  it('decodes VNet flow records: millisecond times, IANA protocol, deny as state D', () => {
    const r = decodeText(azureFlowDecoder, fixture('azure-flow/azure-vnet.jsonl'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'flow', time: 1741079702481, src: '10.0.0.4', srcPort: 40110, dst: '198.51.100.7', dstPort: 443, protocol: 'tcp', direction: 'outbound', action: 'accept', observer: 'prod-vnet', packets: 22, bytes: 11151 },
      { kind: 'flow', time: 1741079702500, src: '203.0.113.9', srcPort: 50122, dst: '10.0.0.4', dstPort: 2375, protocol: 'tcp', direction: 'inbound', action: 'reject', observer: 'prod-vnet' },
    ]);
  });

  it('decodes NSG v1 tuples (8 fields, no counters)', () => {
    const rec = { category: 'NetworkSecurityGroupFlowEvent', resourceId: '/X/NSG1', properties: { Version: 1, flows: [{ rule: 'r', flows: [{ mac: 'M', flowTuples: ['1741079702,203.0.113.9,10.0.0.4,50122,22,T,I,A'] }] }] } };
    const r = decodeText(azureFlowDecoder, JSON.stringify(rec));
    expect(bare(r.events)).toEqual([{ kind: 'flow', time: 1741079702000, src: '203.0.113.9', srcPort: 50122, dst: '10.0.0.4', dstPort: 22, protocol: 'tcp', direction: 'inbound', action: 'accept', observer: 'NSG1' }]);
  });

  it('rejects a record with a bad tuple, naming the tuple', () => {
    const rec = { properties: { Version: 2, flows: [{ rule: 'r', flows: [{ mac: 'M', flowTuples: ['1741079702,203.0.113.9,10.0.0.4,50122,22,T,X,A,B,,,,'] }] }] } };
    const r = decodeText(azureFlowDecoder, `${JSON.stringify(rec)}\n{"foo":1}\n`);
    expect(r.rejections.map((x) => x.reason)).toEqual([
      'properties.flows[0]: flows[0]: flowTuples[0]: direction "X" is not I or O',
      'not an NSG or VNet flow log record (no properties.flows or flowRecords.flows)',
    ]);
  });
});
