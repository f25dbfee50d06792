/**
 * Writes semantic events (a flow, an sshd message, an audit event, an HTTP request) into the log
 * files of the emulated environment, each in its documented format
 * (/work reference: log-formats.md §1–§8).
 */
import type { Environment } from './environment.js';
import { Output, type FileLayout, type LogFile } from './output.js';
import type { Prng } from './prng.js';
import { epochSeconds, epochSeconds6, hourParts, nginxTime, rfc3339Offset, rfc3339Z, US_PER_S, zeekStamp } from './time.js';

export type FlowView = 'aws-v2' | 'aws-v5' | 'gcp' | 'azure' | 'zeek';

export interface Flow {
  time: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  proto: 'tcp' | 'udp';
  accept: boolean;
  packets: number;
  bytes: number;
  /** Seconds the connection lasted. */
  duration: number;
  /** TCP flags OR-ed (FIN 1, SYN 2, RST 4, PSH 8, ACK 16). */
  tcpFlags: number;
  /** Zeek connection state and history. */
  zeek?: { state: string; history: string; service?: string };
}

export const PATHS = {
  authLog: 'logs/bastion-1/auth.log',
  journal: 'logs/bastion-2/journal.json',
  awsV2: 'logs/aws/vpcflow-bastion.log',
  awsV5: 'logs/aws/vpcflow-apps.log',
  gcp: 'logs/gcp/vpc_flows.json',
  azureDir: 'logs/azure/insights-logs-networksecuritygroupflowevent',
  zeekConn: 'logs/zeek/conn.log',
  zeekHttp: 'logs/zeek/http.log',
  zeekSsh: 'logs/zeek/ssh.log',
  k8sAudit: 'logs/kubernetes/audit.log',
  dockerEvents: 'logs/docker/events.json',
  nginx: 'logs/nginx/docker-proxy.access.log',
  nginxBody: 'logs/nginx/docker-proxy.create.json',
  alb: 'logs/alb/web-alb.log',
} as const;

const AWS_V5_FIELDS = [
  'version', 'vpc-id', 'subnet-id', 'instance-id', 'interface-id', 'account-id', 'type', 'srcaddr', 'dstaddr', 'srcport', 'dstport',
  'pkt-srcaddr', 'pkt-dstaddr', 'protocol', 'bytes', 'packets', 'start', 'end', 'action', 'tcp-flags', 'log-status',
  'region', 'az-id', 'flow-direction', 'traffic-path',
];

const ZEEK_FIELDS: Record<'conn' | 'http' | 'ssh', [string, string][]> = {
  conn: [
    ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
    ['proto', 'enum'], ['service', 'string'], ['duration', 'interval'], ['orig_bytes', 'count'], ['resp_bytes', 'count'],
    ['conn_state', 'string'], ['local_orig', 'bool'], ['local_resp', 'bool'], ['missed_bytes', 'count'], ['history', 'string'],
    ['orig_pkts', 'count'], ['orig_ip_bytes', 'count'], ['resp_pkts', 'count'], ['resp_ip_bytes', 'count'], ['tunnel_parents', 'set[string]'],
  ],
  http: [
    ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
    ['trans_depth', 'count'], ['method', 'string'], ['host', 'string'], ['uri', 'string'], ['referrer', 'string'], ['version', 'string'],
    ['user_agent', 'string'], ['origin', 'string'], ['request_body_len', 'count'], ['response_body_len', 'count'], ['status_code', 'count'],
    ['status_msg', 'string'], ['info_code', 'count'], ['info_msg', 'string'], ['tags', 'set[enum]'], ['username', 'string'],
    ['password', 'string'], ['proxied', 'set[string]'], ['orig_fuids', 'vector[string]'], ['orig_filenames', 'vector[string]'],
    ['orig_mime_types', 'vector[string]'], ['resp_fuids', 'vector[string]'], ['resp_filenames', 'vector[string]'], ['resp_mime_types', 'vector[string]'],
  ],
  ssh: [
    ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
    ['version', 'count'], ['auth_success', 'bool'], ['auth_attempts', 'count'], ['direction', 'enum'], ['client', 'string'],
    ['server', 'string'], ['cipher_alg', 'string'], ['mac_alg', 'string'], ['compression_alg', 'string'], ['kex_alg', 'string'],
    ['host_key_alg', 'string'], ['host_key', 'string'],
  ],
};

function zeekLayout(path: 'conn' | 'http' | 'ssh'): FileLayout {
  const fields = ZEEK_FIELDS[path];
  return {
    header: (first) => [
      '#separator \\x09',
      '#set_separator\t,',
      '#empty_field\t(empty)',
      '#unset_field\t-',
      `#path\t${path}`,
      `#open\t${zeekStamp(first)}`,
      `#fields\t${fields.map((f) => f[0]).join('\t')}`,
      `#types\t${fields.map((f) => f[1]).join('\t')}`,
    ],
    footer: (_first, last) => [`#close\t${zeekStamp(last + 60 * US_PER_S)}`],
  };
}

/** Zeek TSV value: unset `-`, empty `(empty)`, tabs and non-printables as \xHH. */
function zv(v: string | number | boolean | undefined): string {
  if (v === undefined) return '-';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (typeof v === 'number') return String(v);
  if (v === '') return '(empty)';
  return v.replace(/[\x00-\x1f\x7f\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * One flow as VPC flow log v2 default-format records: the request direction, and the reply
 * direction as a record of its own when packets came back.
 */
export function awsV2Records(account: string, eni: string, f: Flow): string[] {
  const start = epochSeconds(f.time);
  const end = Math.max(start, epochSeconds(f.time + f.duration * US_PER_S));
  const proto = f.proto === 'tcp' ? 6 : 17;
  const action = f.accept ? 'ACCEPT' : 'REJECT';
  const out = [`2 ${account} ${eni} ${f.src} ${f.dst} ${f.srcPort} ${f.dstPort} ${proto} ${f.packets} ${f.bytes} ${start} ${end} ${action} OK`];
  if (f.accept && f.packets > 1) out.push(`2 ${account} ${eni} ${f.dst} ${f.src} ${f.dstPort} ${f.srcPort} ${proto} ${f.packets - 1} ${Math.floor(f.bytes * 1.7)} ${start} ${end} ACCEPT OK`);
  return out;
}

/** nginx default escaping: `"`, `\` and bytes outside 0x20–0x7E become \xHH. */
export function ngx(v: string): string {
  return v.replace(/["\\\x00-\x1f\x7f-\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

/** An audit Event as the log backend writes it: kind, apiVersion, the event, its two timestamps. */
export function auditRecord(prng: Prng, time: number, event: Record<string, unknown>): Record<string, unknown> {
  const received = time - prng.int(800, 9000);
  return { kind: 'Event', apiVersion: 'audit.k8s.io/v1', ...event, requestReceivedTimestamp: rfc3339Z(received), stageTimestamp: rfc3339Z(time) };
}

const INTERNAL = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/;

export class Telemetry {
  readonly out = new Output();
  private journalSeqBase: string;
  private bootId: string;
  private azureMac: string;
  private azureNsg: string;
  private gcpProject = 'example-corp-prod';

  constructor(
    readonly env: Environment,
    private readonly prng: Prng,
  ) {
    this.journalSeqBase = prng.hex(32);
    this.bootId = prng.hex(32);
    this.azureMac = prng.hex(12).toUpperCase();
    this.azureNsg = 'AKS-AGENTPOOL-NSG';
  }

  // ---- flows -------------------------------------------------------------------------------

  flow(view: FlowView, f: Flow, mark?: string): void {
    switch (view) {
      case 'aws-v2':
        return this.awsV2(f, mark);
      case 'aws-v5':
        return this.awsV5(f, mark);
      case 'gcp':
        return this.gcpFlow(f, mark);
      case 'azure':
        return this.azureFlow(f, mark);
      case 'zeek':
        return this.zeekConn(f, mark);
    }
  }

  private eniFor(ip: string): string {
    const e = this.env.accountEni;
    return ip === this.env.hosts.bastion1 ? e.bastion1 : ip === this.env.hosts.gateway ? e.gateway : e.docker;
  }

  private awsV2(f: Flow, mark?: string): void {
    const file = this.out.file(PATHS.awsV2, 'aws-vpc-flow-v2');
    for (const line of awsV2Records(this.env.account, this.eniFor(f.dst), f)) file.add(f.time, line, mark);
  }

  private awsV5(f: Flow, mark?: string): void {
    const file = this.out.file(PATHS.awsV5, 'aws-vpc-flow-v5-custom', { header: () => [AWS_V5_FIELDS.join(' ')] });
    const start = epochSeconds(f.time);
    const end = Math.max(start, epochSeconds(f.time + f.duration * US_PER_S));
    const eni = this.eniFor(f.dst);
    const subnet = f.dst === this.env.hosts.docker ? 'subnet-0d0c4e5f6a7b8c9d0' : 'subnet-0a1b2c3d4e5f60718';
    const instance = f.dst === this.env.hosts.docker ? 'i-0d0c4e5f6a7b8c9d1' : 'i-0a1b2c3d4e5f60719';
    const type = f.src.includes(':') ? 'IPv6' : 'IPv4';
    const row = (src: string, dst: string, sp: number, dp: number, pk: number, by: number, dir: string, flags: number, path: string, action: string): string =>
      ['5', this.env.vpcId, subnet, instance, eni, this.env.account, type, src, dst, sp, dp, src, dst, f.proto === 'tcp' ? 6 : 17, by, pk, start, end, action, flags, 'OK', 'eu-west-1', 'euw1-az2', dir, path].join(' ');
    file.add(f.time, row(f.src, f.dst, f.srcPort, f.dstPort, f.packets, f.bytes, 'ingress', f.tcpFlags, '-', f.accept ? 'ACCEPT' : 'REJECT'), mark);
    if (f.accept && f.packets > 1) {
      file.add(f.time, row(f.dst, f.src, f.dstPort, f.srcPort, f.packets - 1, Math.floor(f.bytes * 1.7), 'egress', 18 | (f.tcpFlags & 1), INTERNAL.test(f.src) ? '1' : '8', 'ACCEPT'), mark);
    }
  }

  /** GCP VPC flow logs record only traffic that happened; denied flows are for firewall logging. */
  private gcpFlow(f: Flow, mark?: string): void {
    if (!f.accept) return;
    const file = this.out.file(PATHS.gcp, 'gcp-vpc-flow');
    const vm = { project_id: this.gcpProject, region: 'europe-west1', vm_name: 'bastion-2', zone: 'europe-west1-b' };
    const vpc = { project_id: this.gcpProject, subnetwork_name: 'mgmt', vpc_name: 'prod' };
    const payload: Record<string, unknown> = {
      bytes_sent: String(f.bytes),
      connection: { dest_ip: f.dst, dest_port: f.dstPort, protocol: f.proto === 'tcp' ? 6 : 17, src_ip: f.src, src_port: f.srcPort },
      dest_instance: vm,
      dest_vpc: vpc,
      end_time: rfc3339Z(f.time + f.duration * US_PER_S, 9),
      packets_sent: String(f.packets),
      reporter: 'DEST',
      start_time: rfc3339Z(f.time, 9),
    };
    if (f.proto === 'tcp') payload.rtt_msec = String(this.prng.int(1, 180));
    if (!INTERNAL.test(f.src)) payload.src_location = f.src.includes(':') ? { continent: 'Europe', country: 'deu' } : { continent: 'Europe', country: 'nld' };
    const entry = {
      insertId: this.prng.hex(14),
      jsonPayload: payload,
      logName: `projects/${this.gcpProject}/logs/compute.googleapis.com%2Fvpc_flows`,
      receiveTimestamp: rfc3339Z(f.time + (f.duration + 15) * US_PER_S, 9),
      resource: { labels: { location: 'europe-west1-b', project_id: this.gcpProject, subnetwork_id: '4581260837311052951', subnetwork_name: 'mgmt' }, type: 'gce_subnetwork' },
      timestamp: rfc3339Z(f.time + (f.duration + 5) * US_PER_S, 9),
    };
    file.add(f.time, JSON.stringify(entry), mark);
  }

  /** One hourly PT1H.json blob per hour, one record per line so a planted record has its own line. */
  private azureFlow(f: Flow, mark?: string): void {
    const h = hourParts(f.time);
    const rid = `/SUBSCRIPTIONS/7D1C2E3F-4A5B-4C6D-8E9F-0A1B2C3D4E5F/RESOURCEGROUPS/MC_PROD_AKS/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/${this.azureNsg}`;
    const path = `${PATHS.azureDir}/resourceId=${rid}/y=${h.y}/m=${h.m}/d=${h.d}/h=${h.h}/m=00/macAddress=${this.azureMac}/PT1H.json`;
    const file = this.out.file(path, 'azure-nsg-flow-v2', { header: () => ['{"records":['], footer: () => [']}'], separator: ',' });
    const ts = epochSeconds(f.time);
    const p = f.proto === 'tcp' ? 'T' : 'U';
    const tuples = f.accept
      ? [
          `${ts},${f.src},${f.dst},${f.srcPort},${f.dstPort},${p},I,A,B,,,,`,
          `${epochSeconds(f.time + f.duration * US_PER_S)},${f.src},${f.dst},${f.srcPort},${f.dstPort},${p},I,A,E,${f.packets},${f.bytes},${Math.max(1, f.packets - 1)},${Math.floor(f.bytes * 1.7)}`,
        ]
      : [`${ts},${f.src},${f.dst},${f.srcPort},${f.dstPort},${p},I,D,B,,,,`];
    const rule = f.accept ? 'UserRule_allow-apiserver' : 'DefaultRule_DenyAllInBound';
    const record = {
      time: rfc3339Z(f.time + 60 * US_PER_S).replace(/\.\d+Z$/, '.0000000Z'),
      systemId: '5f3c9f6e-4b1a-4d2c-9e8f-1a2b3c4d5e6f',
      macAddress: this.azureMac,
      category: 'NetworkSecurityGroupFlowEvent',
      resourceId: rid,
      operationName: 'NetworkSecurityGroupFlowEvents',
      properties: { Version: 2, flows: [{ rule, flows: [{ mac: this.azureMac, flowTuples: tuples }] }] },
    };
    // Indented like a pretty-printed blob: one record per line inside the records array.
    file.add(f.time, `  ${JSON.stringify(record)}`, mark);
  }

  private zeekConn(f: Flow, mark?: string): void {
    const file = this.out.file(PATHS.zeekConn, 'zeek-conn', zeekLayout('conn'));
    const z = f.zeek ?? (f.accept ? { state: 'SF', history: 'ShADadFf' } : { state: 'REJ', history: 'Sr' });
    const established = z.state !== 'REJ' && z.state !== 'S0';
    // Payload only when the history shows data (d/D); a scan's SYN, SYN-ACK, RST carries none.
    const data = /[dD]/.test(z.history);
    const respPkts = established ? Math.max(1, f.packets - 1) : z.state === 'REJ' ? 1 : 0;
    const origBytes = data ? Math.floor(f.bytes * 0.4) : 0;
    const respBytes = data ? Math.floor(f.bytes * 1.3) : 0;
    const row = [
      epochSeconds6(f.time), this.zeekUid(), f.src, f.srcPort, f.dst, f.dstPort, f.proto, z.service,
      established ? (f.duration + this.prng.next()).toFixed(6) : undefined, established ? origBytes : undefined, established ? respBytes : undefined,
      z.state, INTERNAL.test(f.src), INTERNAL.test(f.dst), 0, z.history, f.packets, f.packets * 52 + origBytes, respPkts, respPkts * 52 + respBytes, undefined,
    ];
    file.add(f.time, row.map(zv).join('\t'), mark);
  }

  zeekUid(): string {
    const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = 'C';
    for (let i = 0; i < 17; i++) s += abc[this.prng.int(0, abc.length - 1)];
    return s;
  }

  zeekSsh(r: { time: number; src: string; srcPort: number; dst: string; success: boolean | undefined; attempts: number; client: string }, mark?: string): void {
    const file = this.out.file(PATHS.zeekSsh, 'zeek-ssh', zeekLayout('ssh'));
    const row = [
      epochSeconds6(r.time), this.zeekUid(), r.src, r.srcPort, r.dst, 22, 2, r.success, r.attempts, 'INBOUND', r.client,
      'SSH-2.0-OpenSSH_9.9p1 Debian-3', 'chacha20-poly1305@openssh.com', 'umac-64-etm@openssh.com', 'none',
      'mlkem768x25519-sha256', 'ssh-ed25519', 'd6:1e:5a:3b:9c:7f:20:41:8e:aa:0b:c4:52:19:6d:e3',
    ];
    file.add(r.time, row.map(zv).join('\t'), mark);
  }

  zeekHttp(
    r: { time: number; src: string; srcPort: number; dst: string; dstPort: number; method: string; uri: string; status: number; userAgent: string; reqLen: number; respLen: number },
    mark?: string,
  ): void {
    const file = this.out.file(PATHS.zeekHttp, 'zeek-http', zeekLayout('http'));
    const msg: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 401: 'Unauthorized', 404: 'Not Found' };
    const row = [
      epochSeconds6(r.time), this.zeekUid(), r.src, r.srcPort, r.dst, r.dstPort, 1, r.method, `${r.dst}:${r.dstPort}`, r.uri, undefined, '1.1',
      r.userAgent, undefined, r.reqLen, r.respLen, r.status, msg[r.status] ?? 'OK', undefined, undefined, '', undefined,
      undefined, undefined, undefined, undefined, undefined, r.respLen > 0 ? `F${this.prng.b64(17).replace(/[+/]/g, 'x')}` : undefined, undefined, r.respLen > 0 ? 'application/json' : undefined,
    ];
    file.add(r.time, row.map(zv).join('\t'), mark);
  }

  // ---- sshd --------------------------------------------------------------------------------

  /** One sshd message from a bastion: bastion-1 writes rsyslog RFC 3339 text, bastion-2 the journal. */
  sshd(host: 'bastion-1' | 'bastion-2', time: number, pid: number, message: string, mark?: string, priority = 6): void {
    if (host === 'bastion-1') {
      this.out.file(PATHS.authLog, 'sshd-syslog').add(time, `${rfc3339Offset(time)} bastion-1 sshd-session[${pid}]: ${message}`, mark);
      return;
    }
    const file: LogFile = this.out.file(PATHS.journal, 'sshd-journald');
    const base = this.journalSeqBase;
    const boot = this.bootId;
    const monoStart = 86_400_000_000 * 3;
    file.add(
      time,
      (i) =>
        JSON.stringify({
          __CURSOR: `s=${base};i=${(0x1a2b + i).toString(16)};b=${boot};m=${(monoStart + time % 10_000_000_000).toString(16)};t=${time.toString(16)};x=${(0x5c3d00 + i).toString(16)}`,
          __REALTIME_TIMESTAMP: String(time),
          __MONOTONIC_TIMESTAMP: String(monoStart + (time % 10_000_000_000)),
          _BOOT_ID: boot,
          _TRANSPORT: 'syslog',
          PRIORITY: String(priority),
          SYSLOG_FACILITY: '10',
          SYSLOG_IDENTIFIER: 'sshd-session',
          SYSLOG_PID: String(pid),
          _PID: String(pid),
          _UID: '0',
          _GID: '0',
          _COMM: 'sshd-session',
          _EXE: '/usr/lib/openssh/sshd-session',
          _CMDLINE: 'sshd-session: [accepted]',
          _SYSTEMD_UNIT: 'ssh.service',
          _HOSTNAME: 'bastion-2',
          MESSAGE: message,
        }),
      mark,
    );
  }

  // ---- Kubernetes, Docker, HTTP ------------------------------------------------------------

  k8sAudit(time: number, event: Record<string, unknown>, mark?: string): void {
    this.out.file(PATHS.k8sAudit, 'kubernetes-audit').add(time, JSON.stringify(auditRecord(this.prng, time, event)), mark);
  }

  dockerEvent(time: number, action: string, id: string, attributes: Record<string, string>, mark?: string): void {
    const ev = {
      status: action,
      id,
      from: attributes.image ?? '',
      Type: 'container',
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: epochSeconds(time),
    };
    // timeNano exceeds 2^53: write the integer literal by hand so no precision is lost.
    const text = JSON.stringify({ ...ev, timeNano: 0 }).replace('"timeNano":0', `"timeNano":${BigInt(time) * 1000n}`);
    this.out.file(PATHS.dockerEvents, 'docker-events').add(time, text, mark);
  }

  nginx(r: { time: number; src: string; request: string; status: number; bytes: number; userAgent: string }, mark?: string): void {
    const line = `${r.src} - - [${nginxTime(r.time)}] "${ngx(r.request)}" ${r.status} ${r.bytes} "-" "${ngx(r.userAgent)}"`;
    this.out.file(PATHS.nginx, 'nginx-combined').add(r.time, line, mark);
  }

  /**
   * The proxy's second log: `access_log … dockerapi if=$docker_create` with
   * `log_format dockerapi escape=json '{"time":"$time_iso8601","remote_addr":"$remote_addr","remote_user":"$remote_user","request":"$request","status":$status,"body_bytes_sent":$body_bytes_sent,"http_user_agent":"$http_user_agent","request_body":"$request_body"}'`
   * — only container creations, with the body that holds HostConfig.
   */
  nginxBody(r: { time: number; src: string; request: string; status: number; bytes: number; userAgent: string; body: unknown }, mark?: string): void {
    const rec = {
      time: rfc3339Offset(r.time).replace(/\.\d+/, ''),
      remote_addr: r.src,
      remote_user: '',
      request: r.request,
      status: r.status,
      body_bytes_sent: r.bytes,
      http_user_agent: r.userAgent,
      request_body: JSON.stringify(r.body),
    };
    this.out.file(PATHS.nginxBody, 'nginx-json').add(r.time, JSON.stringify(rec), mark);
  }

  alb(r: { time: number; client: string; clientPort: number; target: string; method: string; url: string; status: number; received: number; sent: number; userAgent: string }, mark?: string): void {
    const p = (n: number): string => n.toFixed(3);
    const req = this.prng.next() * 0.002;
    const tgt = 0.004 + this.prng.next() * 0.08;
    const resp = this.prng.next() * 0.001;
    const created = r.time - Math.floor((req + tgt + resp) * US_PER_S);
    const trace = `Root=1-${epochSeconds(r.time).toString(16)}-${this.prng.hex(24)}`;
    const fields = [
      'https', rfc3339Z(r.time), this.env.albName, `${r.client}:${r.clientPort}`, r.target, p(req), p(tgt), p(resp), r.status, r.status, r.received, r.sent,
      `"${r.method} ${r.url} HTTP/1.1"`, `"${r.userAgent}"`, 'ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2', this.env.targetGroupArn, `"${trace}"`,
      '"www.example-corp.com"', `"arn:aws:acm:eu-west-1:${this.env.account}:certificate/${this.prng.uuid()}"`, 0, rfc3339Z(created), '"forward"', '"-"', '"-"',
      `"${r.target}"`, `"${r.status}"`, '"-"', '"-"', 'TID_' + this.prng.hex(32),
    ];
    this.out.file(PATHS.alb, 'alb-access').add(r.time, fields.join(' '), mark);
  }
}
