import { describe, expect, it } from 'vitest';
import { unescapeZeek, zeekDecoder } from '../../../src/detect/decoders/zeek.js';
import { bare, decodeText, fixture } from './helpers.js';

describe('zeek decoder', () => {
  it('decodes conn.log TSV: conn_state decides accept/reject, local_* decide direction', () => {
    const r = decodeText(zeekDecoder, fixture('zeek/zeek-conn.log'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'flow', time: 1741079702481, src: '203.0.113.9', srcPort: 50122, dst: '10.0.0.4', dstPort: 22, protocol: 'tcp', action: 'accept', direction: 'inbound', bytes: 5170, packets: 45 },
      { kind: 'flow', time: 1741079703000, src: '203.0.113.9', srcPort: 50123, dst: '10.0.0.4', dstPort: 2375, protocol: 'tcp', action: 'reject', direction: 'inbound', packets: 2 },
    ]);
  });

  it('decodes http.log TSV into api events, Docker API paths as service docker', () => {
    const r = decodeText(zeekDecoder, fixture('zeek/zeek-http.log'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'api', service: 'docker', time: 1741079704250, actor: '-', src: '203.0.113.9', dst: '10.0.0.4', dstPort: 2375, verb: 'create', method: 'POST', resource: 'containers', name: 'x1', status: 201, host: '10.0.0.4:2375', userAgent: 'Docker-Client/27.3.1 (linux)' },
      { kind: 'api', service: 'http', time: 1741079705000, actor: 'alice', src: '198.51.100.7', dst: '10.0.0.4', dstPort: 8080, verb: 'GET', method: 'GET', resource: '/search', status: 200, host: 'admin.example.com', userAgent: 'curl/8.5.0' },
    ]);
  });

  it('decodes ssh JSON lines into auth events; unknown auth_success yields nothing', () => {
    const r = decodeText(zeekDecoder, fixture('zeek/zeek-ssh.jsonl'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'auth', service: 'ssh', time: 1741079706500, user: '', method: 'other', src: '203.0.113.9', srcPort: 50125, dst: '10.0.0.4', dstPort: 22, success: false, clientSoftware: 'SSH-2.0-libssh_0.9.6', serverSoftware: 'SSH-2.0-OpenSSH_9.6p1 Debian-4' },
      { kind: 'auth', service: 'ssh', time: 1741079708000, user: '', method: 'other', src: '192.0.2.10', srcPort: 53211, dst: '10.0.0.4', dstPort: 22, success: true, clientSoftware: 'SSH-2.0-OpenSSH_9.8', serverSoftware: 'SSH-2.0-OpenSSH_9.6p1 Debian-4' },
    ]);
  });

  it('ignores logs it does not use (dns.log) and honours a custom #unset_field', () => {
    const text = ['#separator \\x09', '#unset_field\tNA', '#path\tdns', '#fields\tts\tuid\tquery', '1741079702.0\tC1\texample.com', '#path\tconn', '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state\tlocal_orig', '1741079702.0\tC2\t203.0.113.9\t1\t10.0.0.4\t22\ttcp\tS0\tNA'].join('\n');
    const r = decodeText(zeekDecoder, text);
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([{ kind: 'flow', time: 1741079702000, src: '203.0.113.9', srcPort: 1, dst: '10.0.0.4', dstPort: 22, protocol: 'tcp', action: 'reject' }]);
  });

  it('unescapes \\xHH sequences', () => {
    expect(unescapeZeek('a\\x09b\\x5cc')).toBe('a\tb\\c');
  });

  it('rejects malformed rows with a reason', () => {
    const text = ['1741079702.0\tC1\t203.0.113.9', '#separator \\x09', '#path\tconn', '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state', 'XXXX\tC1\t203.0.113.9\t1\t10.0.0.4\t22\ttcp\tSF', '1741079702.0\tC1\t203.0.113.9\t70000\t10.0.0.4\t22\ttcp\tSF', '{"uid":"C1","id.orig_h":"1.2.3.4"', '{"hello":1}'].join('\n');
    const r = decodeText(zeekDecoder, text);
    expect(r.events).toEqual([]);
    expect(r.rejections).toEqual([
      { line: 1, reason: 'TSV record before any #fields header' },
      { line: 5, reason: 'ts "XXXX" is not a time' },
      { line: 6, reason: 'id.orig_p is not a port' },
      { line: 7, reason: expect.stringMatching(/^invalid JSON/) as unknown as string },
      { line: 8, reason: 'JSON object is not a Zeek conn, http or ssh record' },
    ]);
  });
});
