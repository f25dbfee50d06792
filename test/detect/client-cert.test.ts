import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { runDetect } from '../../src/detect/engine.js';
import { MemoryStateStore } from '../../src/detect/state/memory.js';
import { nginxAccessDecoder } from '../../src/detect/decoders/nginx-access.js';
import { asnLookupFromRows } from '../../src/intel/asn.js';
import type { ApiEvent } from '../../src/model/event.js';

// nginx terminating mTLS in front of the Docker Engine API, with a JSON log_format that records
// $ssl_client_verify, $ssl_client_s_dn and $ssl_client_fingerprint (nginx ngx_http_ssl_module variables).
const CERT_A = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const CERT_B = '0f1e2d3c4b5a69788796a5b4c3d2e1f001234567';
function line(time: string, ip: string, req: string, status: number, verify: string, fp: string, dn: string): string {
  return JSON.stringify({ time_iso8601: time, remote_addr: ip, request: `${req} HTTP/1.1`, status, body_bytes_sent: 2, ssl_client_verify: verify, ssl_client_s_dn: dn, ssl_client_fingerprint: fp, server_port: '2376', host: 'docker-1' });
}

describe('client certificates verified by a proxy are DS0002 credentials', () => {
  it('decodes the certificate only when the proxy verified it', () => {
    const dec = nginxAccessDecoder.open('x', {});
    const ref = { source: 'x', offset: 0, line: 1 };
    const ok = dec.line(line('2026-11-02T09:00:00+00:00', '10.0.0.5', 'GET /v1.45/containers/json', 200, 'SUCCESS', CERT_A.toUpperCase(), 'CN=ci'), ref) as ApiEvent[];
    expect(ok[0]).toMatchObject({ service: 'docker', credential: `x509-sha1:${CERT_A}`, actor: 'CN=ci' });
    const failed = dec.line(line('2026-11-02T09:00:00+00:00', '10.0.0.5', 'GET /v1.45/containers/json', 400, 'FAILED:certificate has expired', CERT_A, 'CN=ci'), ref) as ApiEvent[];
    expect(failed[0]!.credential).toBeUndefined();
  });

  it('a certificate never seen before, after learning, alerts; the known one does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-mtls-'));
    const file = join(dir, 'docker-proxy.log');
    const lines = [
      line('2026-11-02T09:00:00+00:00', '10.0.0.5', 'GET /v1.45/containers/json', 200, 'SUCCESS', CERT_A, 'CN=ci'),
      line('2026-11-03T09:00:00+00:00', '10.0.0.5', 'GET /v1.45/containers/json', 200, 'SUCCESS', CERT_A, 'CN=ci'),
      line('2026-11-04T09:00:00+00:00', '10.0.0.5', 'POST /v1.45/containers/create', 201, 'SUCCESS', CERT_A, 'CN=ci'),
      line('2026-11-04T10:00:00+00:00', '203.0.113.9', 'POST /v1.45/containers/create', 201, 'SUCCESS', CERT_B, 'CN=ci'),
    ];
    writeFileSync(file, lines.join('\n') + '\n');
    const config = ConfigSchema.parse({ stateDir: join(dir, 'state'), organisation: { asns: [64500] }, detect: { learningPeriod: '1d' } });
    const asn = asnLookupFromRows([{ start: '203.0.113.0', end: '203.0.113.255', asn: 64501, org: 'Elsewhere' }]);
    const r = await runDetect([file], { config, store: new MemoryStateStore(), asn, deadLetter: false, format: 'nginx-access' });
    const unseen = r.alerts.filter((a) => a.rule === 'unseen-credential');
    expect(unseen).toHaveLength(1);
    expect(unseen[0]!.asset).toBe('CN=ci@docker-1');
    expect(JSON.stringify(unseen[0]!.evidence)).toContain(`x509-sha1:${CERT_B}`);
    expect(unseen[0]!.location.offset).toBe(lines.slice(0, 3).join('\n').length + 1);
  });
});
