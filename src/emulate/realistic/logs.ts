/**
 * The realistic profile's log files: a central auth.log (rsyslog, RFC 3339) of every host, one VPC
 * flow log (v2) of every interface, the edge nginx's access log ($host-prefixed combined), Kong's
 * proxy and admin access logs (combined) and the Kubernetes audit log — part of it re-serialised
 * with sorted keys by a log pipeline, as some shippers do.
 */
import { Output } from '../output.js';
import type { Prng } from '../prng.js';
import { auditRecord, awsV2Records, ngx, type Flow } from '../telemetry.js';
import { nginxTime, rfc3339Offset } from '../time.js';
import type { Organisation } from './organisation.js';

export const REALISTIC_PATHS = {
  authLog: 'logs/syslog/auth.log',
  vpcFlow: 'logs/aws/vpc-flow.log',
  edge: 'logs/gateway/edge-nginx.access.log',
  kongProxy: 'logs/gateway/kong-proxy.access.log',
  kongAdmin: 'logs/gateway/kong-admin.access.log',
  k8sAudit: 'logs/kubernetes/audit.log',
} as const;

export type HttpLog = 'edge' | 'kongProxy' | 'kongAdmin';

export interface HttpRequest {
  time: number;
  src: string;
  /** Virtual host (the edge log writes it first on the line). */
  host?: string;
  method: string;
  path: string;
  status: number;
  bytes: number;
  userAgent: string;
  referer?: string;
  user?: string;
}

/** Keys sorted at every depth: what a pipeline that re-serialises JSON (jq -S, some shippers) writes. */
export function sortedJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
  return out;
}

export class RealisticLogs {
  readonly out = new Output();
  private readonly eniByIp: Map<string, string>;
  private readonly defaultEni: string;

  constructor(
    readonly org: Organisation,
    private readonly prng: Prng,
  ) {
    this.eniByIp = new Map(org.hosts.map((h) => [h.ip, h.eni]));
    this.defaultEni = org.nodes[0]?.eni ?? 'eni-0';
  }

  /** A flow as the VPC flow log of the destination's interface records it (and the reply). */
  flow(f: Flow, mark?: string): void {
    const file = this.out.file(REALISTIC_PATHS.vpcFlow, 'aws-vpc-flow-v2');
    for (const line of awsV2Records(this.org.account, this.eniByIp.get(f.dst) ?? this.defaultEni, f)) file.add(f.time, line, mark);
  }

  /** One line of the central auth.log: `2026-10-05T09:15:02.123456+00:00 host program[pid]: message`. */
  syslog(host: string, time: number, program: string, pid: number, message: string, mark?: string): void {
    this.out.file(REALISTIC_PATHS.authLog, 'sshd-syslog').add(time, `${rfc3339Offset(time)} ${host} ${program}[${pid}]: ${message}`, mark);
  }

  sshd(host: string, time: number, pid: number, message: string, mark?: string): void {
    this.syslog(host, time, 'sshd', pid, message, mark);
  }

  http(log: HttpLog, r: HttpRequest, mark?: string): void {
    const head = log === 'edge' ? `${r.host ?? '-'} ${r.src}` : r.src;
    const line = `${head} - ${r.user ?? '-'} [${nginxTime(r.time)}] "${ngx(`${r.method} ${r.path} HTTP/1.1`)}" ${r.status} ${r.bytes} "${ngx(r.referer ?? '-')}" "${ngx(r.userAgent)}"`;
    this.out.file(REALISTIC_PATHS[log], 'nginx-combined').add(r.time, line, mark);
  }

  /** A raw request line (a TLS hello on a plain port, a scanner's junk) as nginx logs it. */
  httpRaw(log: HttpLog, r: { time: number; src: string; host?: string; request: string; status: number }, mark?: string): void {
    const head = log === 'edge' ? `${r.host ?? '-'} ${r.src}` : r.src;
    const line = `${head} - - [${nginxTime(r.time)}] "${ngx(r.request)}" ${r.status} 157 "-" "-"`;
    this.out.file(REALISTIC_PATHS[log], 'nginx-combined').add(r.time, line, mark);
  }

  audit(time: number, event: Record<string, unknown>, sorted: boolean, mark?: string): void {
    const rec = auditRecord(this.prng, time, event);
    this.out.file(REALISTIC_PATHS.k8sAudit, 'kubernetes-audit').add(time, sorted ? sortedJson(rec) : JSON.stringify(rec), mark);
  }
}
