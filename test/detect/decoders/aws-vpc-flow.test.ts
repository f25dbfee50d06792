import { describe, expect, it } from 'vitest';
import { awsVpcFlowDecoder } from '../../../src/detect/decoders/aws-vpc-flow.js';
import { bare, decodeText, fixture } from './helpers.js';

describe('aws-vpc-flow decoder', () => {
  it('decodes the default v2 format with its header; NODATA yields nothing', () => {
    const r = decodeText(awsVpcFlowDecoder, fixture('aws-vpc-flow/aws-vpc-flow.v2.log'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'flow', time: 1741079702000, src: '203.0.113.9', srcPort: 50122, dst: '10.0.1.20', dstPort: 22, protocol: 'tcp', action: 'reject', observer: 'eni-0a1b2c3d4e5f60718', bytes: 320, packets: 5 },
      { kind: 'flow', time: 1741079702000, src: '198.51.100.7', srcPort: 40110, dst: '10.0.1.20', dstPort: 6443, protocol: 'tcp', action: 'accept', observer: 'eni-0a1b2c3d4e5f60718', bytes: 2311, packets: 12 },
      { kind: 'flow', time: 1741079702000, src: '2001:db8::9', srcPort: 34892, dst: '2001:db8:1::20', dstPort: 22, protocol: 'tcp', action: 'accept', observer: 'eni-0a1b2c3d4e5f60718', bytes: 8855, packets: 54 },
    ]);
    expect(r.events.map((e) => e.ref.line)).toEqual([2, 3, 5]);
    // v2 cannot tell direction.
    expect(r.events.every((e) => e.kind === 'flow' && e.direction === undefined)).toBe(true);
  });

  it('uses a custom header: pkt-* addresses, tcp-flags and flow-direction', () => {
    const r = decodeText(awsVpcFlowDecoder, fixture('aws-vpc-flow/aws-vpc-flow.v5-custom.log'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'flow', time: 1741079702000, src: '203.0.113.9', srcPort: 50122, dst: '10.0.1.20', dstPort: 2375, protocol: 'tcp', action: 'reject', observer: 'eni-0a1b2c3d4e5f60718', bytes: 60, packets: 1, tcpFlags: 2, direction: 'inbound' },
      { kind: 'flow', time: 1741079702000, src: '10.0.1.20', srcPort: 40110, dst: '198.51.100.7', dstPort: 443, protocol: 'tcp', action: 'accept', observer: 'eni-0a1b2c3d4e5f60718', bytes: 4400, packets: 9, tcpFlags: 19, direction: 'outbound' },
    ]);
  });

  it('takes the field list from the context when there is no header', () => {
    const fields = ['srcaddr', 'dstaddr', 'dstport', 'protocol', 'action', 'start'];
    const r = decodeText(awsVpcFlowDecoder, '203.0.113.9 10.0.1.20 22 6 ACCEPT 1741079702\n', { fields });
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([{ kind: 'flow', time: 1741079702000, src: '203.0.113.9', dst: '10.0.1.20', dstPort: 22, protocol: 'tcp', action: 'accept' }]);
  });

  it('reads a pretty-printed CloudWatch Logs filter-log-events export', () => {
    const r = decodeText(awsVpcFlowDecoder, fixture('aws-vpc-flow/aws-vpc-flow.cloudwatch.json'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'flow', time: 1741079702000, src: '203.0.113.9', srcPort: 50122, dst: '10.0.1.20', dstPort: 22, protocol: 'tcp', action: 'reject', observer: 'eni-0a1b2c3d4e5f60718', bytes: 320, packets: 5 },
    ]);
  });

  it('rejects malformed records with a reason naming the field', () => {
    const text = [
      '2 123456789012 eni-0a 203.0.113.9 10.0.1.20 50122 99999 6 5 320 1741079702 1741079760 ACCEPT OK',
      '2 123456789012 eni-0a not-an-ip 10.0.1.20 50122 22 6 5 320 1741079702 1741079760 ACCEPT OK',
      '2 123456789012 eni-0a 203.0.113.9 10.0.1.20 50122 22 6 5 320 1741079702 1741079760 MAYBE OK',
      '2 123456789012 eni-0a 203.0.113.9',
    ].join('\n');
    const r = decodeText(awsVpcFlowDecoder, text);
    expect(r.events).toEqual([]);
    expect(r.rejections.map((x) => x.reason)).toEqual([
      'dstport "99999" is not a port',
      'srcaddr "not-an-ip" is not an IP address',
      'action "MAYBE" is not ACCEPT or REJECT',
      'expected 14 fields, got 4',
    ]);
  });

  it('rejects every record of a field list that cannot make a flow, saying what is missing', () => {
    const r = decodeText(awsVpcFlowDecoder, 'interface-id srcaddr dstaddr\neni-0a 10.0.0.1 10.0.0.2\n');
    expect(r.rejections).toEqual([{ line: 2, reason: 'the field list lacks dstport, protocol, action, start, needed for a flow event' }]);
  });
});
