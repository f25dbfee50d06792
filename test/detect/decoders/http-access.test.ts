import { describe, expect, it } from 'vitest';
import { nginxAccessDecoder, parseTimeLocal } from '../../../src/detect/decoders/nginx-access.js';
import { awsAlbDecoder } from '../../../src/detect/decoders/aws-alb.js';
import { dockerCall } from '../../../src/detect/decoders/util/http.js';
import { bare, decodeText, fixture } from './helpers.js';

describe('nginx-access decoder', () => {
  it('decodes combined lines, a vhost prefix, Docker API paths and garbage request lines', () => {
    const r = decodeText(nginxAccessDecoder, fixture('nginx-access/nginx-access.log'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'api', service: 'http', time: 1741079702000, actor: '-', src: '198.51.100.4', verb: 'GET', method: 'GET', resource: '/wp-login.php', status: 404, userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' },
      { kind: 'api', service: 'docker', time: 1741079702000, actor: 'admin', src: '10.0.0.5', verb: 'create', method: 'POST', resource: 'containers', name: 'x1', status: 201, userAgent: 'Docker-Client/27.3.1 (linux)' },
      { kind: 'api', service: 'http', time: 1741079704000, actor: '-', src: '203.0.113.9', verb: '-', resource: '', status: 400, host: 'api.example.com' },
    ]);
  });

  it('decodes JSON log_format lines, reads Docker HostConfig from a logged body, tolerates unquoted "-"', () => {
    const r = decodeText(nginxAccessDecoder, fixture('nginx-access/nginx-access.jsonl'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'api', service: 'docker', time: 1741079705000, actor: '-', src: '203.0.113.9', verb: 'create', method: 'POST', resource: 'containers', status: 201, userAgent: 'python-requests/2.32', privileged: ['privileged', 'hostPID', 'cap:SYS_ADMIN', 'hostPath:/'] },
      { kind: 'api', service: 'http', time: 1741079706000, actor: '-', src: '198.51.100.4', verb: 'GET', method: 'GET', resource: '/metrics' },
    ]);
  });

  it('parses $time_local with its offset', () => {
    expect(parseTimeLocal('04/Mar/2025:10:15:02 +0100')).toBe(Date.UTC(2025, 2, 4, 9, 15, 2));
    expect(parseTimeLocal('04/Foo/2025:10:15:02 +0100')).toBeUndefined();
  });

  it('rejects malformed lines with a reason', () => {
    const text = ['hello world', '198.51.100.4 - - [04/Mar/2025:09:15:02 +0000] "GET / HTTP/1.1" abc 1', '198.51.100.4 - - [4/Mar/2025:09:15:02 +0000] "GET / HTTP/1.1" 200 1', '198.51.100.4 - - [04/Mar/2025:09:15:02 +0000] "GET / HTTP/1.1 200 1', '{"remote_addr":"198.51.100.4"}'].join('\n');
    const r = decodeText(nginxAccessDecoder, text);
    expect(r.events).toEqual([]);
    expect(r.rejections.map((x) => x.reason)).toEqual([
      'no [time_local] field',
      'status "abc" is not an HTTP status',
      'time "4/Mar/2025:09:15:02 +0000" is not dd/Mon/yyyy:HH:MM:SS +zzzz',
      'expected "request" status bytes after the time',
      'no time_iso8601, time_local or msec time',
    ]);
  });
});

describe('aws-alb decoder', () => {
  it('decodes ALB entries: target, SNI host, absolute-form request, Docker paths', () => {
    const r = decodeText(awsAlbDecoder, fixture('aws-alb/aws-alb.log'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'api', service: 'http', time: 1741079702481, actor: '-', src: '203.0.113.9', dst: '10.0.1.20', dstPort: 8080, verb: 'POST', method: 'POST', resource: '/script', status: 200, host: 'jenkins.example.com', userAgent: 'curl/8.5.0', observer: 'app/admin-alb/50dc6c495c0c9188' },
      { kind: 'api', service: 'docker', time: 1741079703000, actor: '-', src: '198.51.100.7', verb: 'list', method: 'GET', resource: 'containers', status: 403, host: '203.0.113.200:80', userAgent: 'Go-http-client/1.1', observer: 'app/admin-alb/50dc6c495c0c9188' },
    ]);
  });

  it('decodes NLB TLS entries as flows and mTLS connection-log entries as certificate auth', () => {
    const text = [
      'tls 2.0 2025-03-04T09:15:02 net/admin-nlb/c6e77e28c25b2234 g3d4b5e8bb8464cd 203.0.113.9:50122 10.0.1.20:6443 5 2 98 246 - arn:aws:acm:eu-west-1:123456789012:certificate/x - ECDHE-RSA-AES128-SHA tlsv12 - admin.example.com - - - 2025-03-04T09:15:00',
      '2025-03-04T09:15:02.481337Z 203.0.113.9 50122 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 4.036 "CN=ops-laptop,O=Example" NotBefore=2025-01-01T00:00:00Z;NotAfter=2026-01-01T00:00:00Z 0A1B2C3D Failed:ClientCertUntrusted TID_1',
    ].join('\n');
    const r = decodeText(awsAlbDecoder, text);
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'flow', time: 1741079702000, src: '203.0.113.9', srcPort: 50122, dst: '10.0.1.20', dstPort: 6443, protocol: 'tcp', direction: 'inbound', action: 'accept', observer: 'net/admin-nlb/c6e77e28c25b2234', bytes: 344 },
      { kind: 'auth', service: 'other', time: 1741079702481, user: 'CN=ops-laptop,O=Example', method: 'certificate', credentialKind: 'certificate', credential: '0A1B2C3D', src: '203.0.113.9', srcPort: 50122, dstPort: 443, success: false },
    ]);
  });

  it('rejects malformed entries with a reason', () => {
    const text = ['https 2025-03-04T09:15:02.481337Z app/a/1 203.0.113.9:50122 - -1 -1 -1 200 - 1 1 "GET / HTTP/1.1', 'https 2025-03-04T09:15:02Z app/a/1 nothere - -1 -1 -1 200 - 1 1 "GET / HTTP/1.1" "-"', 'gopher 1 2'].join('\n');
    const r = decodeText(awsAlbDecoder, text);
    expect(r.rejections.map((x) => x.reason)).toEqual(['unterminated quoted field', 'client:port "nothere" is not an address', 'entry type "gopher" is not an ALB, NLB or connection-log entry']);
  });
});

describe('Docker API paths', () => {
  it('maps requests to resource, verb and name', () => {
    expect(dockerCall('POST', '/v1.45/containers/create', 'name=x1')).toEqual({ resource: 'containers', verb: 'create', name: 'x1' });
    expect(dockerCall('POST', '/containers/7c5f/start')).toEqual({ resource: 'containers', verb: 'start', name: '7c5f' });
    expect(dockerCall('POST', '/v1.45/containers/7c5f/exec')).toEqual({ resource: 'containers', verb: 'exec', name: '7c5f' });
    expect(dockerCall('POST', '/v1.45/exec/e1/start')).toEqual({ resource: 'exec', verb: 'start', name: 'e1' });
    expect(dockerCall('GET', '/v1.45/containers/7c5f/json')).toEqual({ resource: 'containers', verb: 'inspect', name: '7c5f' });
    expect(dockerCall('DELETE', '/v1.45/containers/7c5f')).toEqual({ resource: 'containers', verb: 'delete', name: '7c5f' });
    expect(dockerCall('GET', '/_ping')).toEqual({ resource: '_ping', verb: 'get' });
    // Ordinary web paths are not Docker calls without the /vX.Y prefix.
    expect(dockerCall('GET', '/info')).toBeUndefined();
    expect(dockerCall('GET', '/version')).toBeUndefined();
    expect(dockerCall('GET', '/v1.45/info')).toEqual({ resource: 'info', verb: 'get' });
  });

  it('does not read versioned APIs of other products as Docker calls', () => {
    // Kong's token endpoint, OpenAI-style and other /v1, /v2 APIs: Docker's API version always has a minor.
    expect(dockerCall('POST', '/v1/auth/token')).toBeUndefined();
    expect(dockerCall('POST', '/v2/containers/create')).toBeUndefined();
    expect(dockerCall('GET', '/v1/images/logo/png')).toBeUndefined();
    expect(dockerCall('DELETE', '/v1/volumes/7')).toBeUndefined();
    // Docker's leaf endpoints take no further path segment.
    expect(dockerCall('POST', '/v1.45/auth/token')).toBeUndefined();
    expect(dockerCall('GET', '/v1.45/version/x')).toBeUndefined();
    expect(dockerCall('POST', '/v1.45/auth')).toEqual({ resource: 'auth', verb: 'post' });
    expect(dockerCall('GET', '/v1.45/system/df')).toBeDefined();
  });
});
