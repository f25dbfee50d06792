/**
 * Conformance of the log decoders against third-party samples (never copied into the repo).
 * For every file: each line goes through the decoder the format belongs to; records of the kinds
 * the decoder supports must all decode (0 rejected); kinds it deliberately does not support must
 * be rejected with the expected reason. The sniffer must also pick the right decoder.
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DrawbridgeEvent } from '../src/model/event.js';
import type { Decoder } from '../src/detect/types.js';
import { isRejection } from '../src/detect/types.js';
import { awsVpcFlowDecoder } from '../src/detect/decoders/aws-vpc-flow.js';
import { gcpVpcFlowDecoder } from '../src/detect/decoders/gcp-vpc-flow.js';
import { azureFlowDecoder } from '../src/detect/decoders/azure-flow.js';
import { zeekDecoder } from '../src/detect/decoders/zeek.js';
import { k8sAuditDecoder } from '../src/detect/decoders/k8s-audit.js';
import { dockerEventsDecoder } from '../src/detect/decoders/docker-events.js';
import { nginxAccessDecoder } from '../src/detect/decoders/nginx-access.js';
import { awsAlbDecoder } from '../src/detect/decoders/aws-alb.js';
import { DECODERS, sniffFormat } from '../src/detect/decoders/index.js';

const ROOT = resolve(process.cwd(), process.env.DRAWBRIDGE_REAL_DATA ?? '../shared/data/real');

interface Case {
  file: string;
  decoder: Decoder;
  /** Minimum events expected from the file (guards against "decoded" meaning "ignored"). */
  minEvents: number;
  /** Rejections whose reason matches are an unsupported record kind, not a failure. */
  unsupported?: RegExp;
  /** Rewrites applied to each line before decoding (e.g. undoing a test harness's masking). */
  rewrite?: (line: string) => string;
}

// Zeek's btest canonifier masks timestamps; give them a fixed time so the rest of the row is tested.
const unmaskZeekTs = (l: string): string => l.replace(/^XXXXXXXXXX\.XXXXXX\t/, '1700000000.000000\t');

const CASES: Case[] = [
  { file: 'elastic-beats/aws-vpcflow/accept-reject-traffic.log', decoder: awsVpcFlowDecoder, minEvents: 4 },
  // A NAT-gateway custom format without ports, protocol, action or times: no flow event can be built.
  { file: 'elastic-beats/aws-vpcflow/custom-nat-gateway.log', decoder: awsVpcFlowDecoder, minEvents: 0, unsupported: /field list lacks/ },
  { file: 'elastic-beats/aws-vpcflow/ipv6.log', decoder: awsVpcFlowDecoder, minEvents: 1 },
  { file: 'elastic-beats/aws-vpcflow/no-data-skip-data.log', decoder: awsVpcFlowDecoder, minEvents: 0 },
  { file: 'elastic-beats/aws-vpcflow/tcp-flag-sequence.log', decoder: awsVpcFlowDecoder, minEvents: 1 },
  { file: 'elastic-integrations/aws-vpcflow/test-extra-samples.log', decoder: awsVpcFlowDecoder, minEvents: 5 },
  { file: 'elastic-integrations/aws-vpcflow/test-v5-all-fields.log', decoder: awsVpcFlowDecoder, minEvents: 1 },
  { file: 'elastic-beats/gcp-vpcflow/vpc-flow-log-entries.first14.json.log', decoder: gcpVpcFlowDecoder, minEvents: 14 },
  { file: 'elastic-integrations/azure-nsg-flow/test-nsg.log', decoder: azureFlowDecoder, minEvents: 1 },
  { file: 'elastic-integrations/azure-vnet-flow/test-vnet.log', decoder: azureFlowDecoder, minEvents: 2 },
  { file: 'zed-sample-data/ssh.log', decoder: zeekDecoder, minEvents: 7 },
  { file: 'zed-sample-data/ssh.json', decoder: zeekDecoder, minEvents: 7 },
  { file: 'elastic-beats/zeek/conn.log', decoder: zeekDecoder, minEvents: 2 },
  { file: 'elastic-beats/zeek/http-json.log', decoder: zeekDecoder, minEvents: 2 },
  { file: 'elastic-beats/zeek/ssh-json.log', decoder: zeekDecoder, minEvents: 0 },
  { file: 'zeek-btest-baselines/opt.basic/conn.log', decoder: zeekDecoder, minEvents: 5, rewrite: unmaskZeekTs },
  { file: 'zeek-btest-baselines/scripts.base.protocols.http.http-basic-auth-colon/http.log', decoder: zeekDecoder, minEvents: 1, rewrite: unmaskZeekTs },
  { file: 'zeek-btest-baselines/scripts.base.protocols.http.http-connect/conn.log', decoder: zeekDecoder, minEvents: 1, rewrite: unmaskZeekTs },
  { file: 'zeek-btest-baselines/scripts.base.protocols.http.http-connect/http.log', decoder: zeekDecoder, minEvents: 1, rewrite: unmaskZeekTs },
  { file: 'zeek-btest-baselines/scripts.base.protocols.http.http-methods/http.log', decoder: zeekDecoder, minEvents: 40, rewrite: unmaskZeekTs },
  { file: 'zeek-btest-baselines/scripts.base.protocols.ssh.basic/conn.log', decoder: zeekDecoder, minEvents: 5, rewrite: unmaskZeekTs },
  { file: 'zeek-btest-baselines/scripts.base.protocols.ssh.basic/ssh.log', decoder: zeekDecoder, minEvents: 3, rewrite: unmaskZeekTs },
  { file: 'zeek-btest-baselines/scripts.base.protocols.ssh.half-duplex-server/ssh.log', decoder: zeekDecoder, minEvents: 0, rewrite: unmaskZeekTs },
  { file: 'audit2rbac/demo.log', decoder: k8sAuditDecoder, minEvents: 37 },
  { file: 'elastic-integrations/kubernetes-audit/test-audit.log', decoder: k8sAuditDecoder, minEvents: 5 },
  { file: 'elastic-integrations/kubernetes-audit/test-kube-audit.log', decoder: k8sAuditDecoder, minEvents: 1 },
  { file: 'docker-cli/docker-events-json.golden', decoder: dockerEventsDecoder, minEvents: 4 },
  { file: 'elastic-integrations/nginx-access/test-access.log', decoder: nginxAccessDecoder, minEvents: 14 },
  { file: 'elastic-integrations/nginx-access/test-test-with-host.log', decoder: nginxAccessDecoder, minEvents: 10 },
  { file: 'elastic-integrations/aws-elb/test-alb.log', decoder: awsAlbDecoder, minEvents: 8 },
];

interface Outcome {
  ok: number;
  rejected: { line: number; reason: string }[];
  unsupported: number;
  events: DrawbridgeEvent[];
}

function run(c: Case, text: string): Outcome {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const dec = c.decoder.open(c.file, {});
  const out: Outcome = { ok: 0, rejected: [], unsupported: 0, events: [] };
  let offset = 0;
  const take = (r: ReturnType<typeof dec.line>, line: number): void => {
    if (isRejection(r)) {
      if (c.unsupported?.test(r.reject)) out.unsupported++;
      else out.rejected.push({ line, reason: r.reject });
    } else {
      out.ok++;
      out.events.push(...r);
    }
  };
  lines.forEach((raw, i) => {
    const l = c.rewrite ? c.rewrite(raw) : raw;
    take(dec.line(l, { source: c.file, offset, line: i + 1 }), i + 1);
    offset += Buffer.byteLength(raw) + 1;
  });
  if (dec.end) take(dec.end({ source: c.file, offset, line: lines.length }), lines.length);
  return out;
}

describe.skipIf(!existsSync(ROOT))('decoders against real samples', () => {
  for (const c of CASES) {
    it(`${c.decoder.id}: ${c.file}`, () => {
      const path = join(ROOT, c.file);
      if (!existsSync(path)) return;
      const text = readFileSync(path, 'utf8');
      const o = run(c, text);
      console.log(`${c.file}: ok ${o.ok}, rejected ${o.rejected.length}, unsupported ${o.unsupported}, events ${o.events.length}`);
      for (const r of o.rejected.slice(0, 3)) console.log(`  line ${r.line}: ${r.reason}`);
      expect(o.rejected).toEqual([]);
      expect(o.events.length).toBeGreaterThanOrEqual(c.minEvents);
      for (const e of o.events) expect(Number.isFinite(e.time)).toBe(true);
    });
  }

  it('the sniffer picks the right decoder for each file', () => {
    const wrong: string[] = [];
    for (const c of CASES) {
      const path = join(ROOT, c.file);
      if (!existsSync(path)) continue;
      const sample = readFileSync(path, 'utf8').split('\n').slice(0, 20);
      const best = sniffFormat(sample, DECODERS);
      if (best?.decoder.id !== c.decoder.id) wrong.push(`${c.file}: ${best?.decoder.id ?? 'none'} (${best?.score ?? 0})`);
    }
    expect(wrong).toEqual([]);
  });
});
