/**
 * Deterministic log corpora for the detect bench, written from the documented formats (log-formats
 * reference): an sshd auth.log (RFC 3164 syslog), an AWS VPC flow log (v2 default fields, with its
 * header line) and a Kubernetes audit log (JSON lines, audit.k8s.io/v1 Event). The same seed gives
 * the same bytes on every machine. Addresses are invented; scanners are spread over public space
 * with a skew (a few heavy hitters, a long tail), as an Internet-facing host sees them.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { pick, prng } from './common.js';

/** Writes lines through a large buffer (one write syscall per ~1 MiB). */
class LineWriter {
  private parts: string[] = [];
  private size = 0;
  bytes = 0;
  lines = 0;
  private readonly fd: number;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  line(s: string): void {
    this.parts.push(s);
    this.size += s.length + 1;
    this.lines++;
    if (this.size >= 1 << 20) this.flush();
  }
  private flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('\n') + '\n';
    this.bytes += Buffer.byteLength(text);
    writeSync(this.fd, text);
    this.parts = [];
    this.size = 0;
  }
  close(): { lines: number; bytes: number } {
    this.flush();
    closeSync(this.fd);
    return { lines: this.lines, bytes: this.bytes };
  }
}

export interface Corpus {
  file: string;
  lines: number;
  bytes: number;
}

/** A public-looking IPv4 address (no private, loopback, multicast or reserved first octets). */
function publicIp(rand: () => number): string {
  let a: number;
  do a = 1 + Math.floor(rand() * 222);
  while (a === 10 || a === 127 || a === 100 || a === 169 || a === 172 || a === 192);
  return `${a}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
}

/**
 * Sources as a monitored host sees them: a pool of `n` regulars drawn with a skew (index ~ u², a few
 * heavy hitters and a tail that still shows up within the first week), plus, at `freshRate` per draw,
 * an address never used before. The fresh ones are what baselines should flag: they set the alert rate.
 */
function sourcePool(rand: () => number, n: number, freshRate = 1 / 2000): { draw: (r: () => number) => { ip: string; index: number } } {
  const all = Array.from({ length: n }, () => publicIp(rand));
  return {
    draw: (r) => {
      if (r() < freshRate) return { ip: publicIp(r), index: Math.floor(r() * n) };
      const index = Math.floor(r() ** 2 * n);
      return { ip: all[index] as string, index };
    },
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

function rfc3164(t: number): string {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** Event time of the corpora: March 2025, 30 days. */
export const LOG_START = Date.UTC(2025, 2, 1);
export const LOG_SPAN = 30 * 86_400_000;
/** "now" handed to runDetect: supplies the year of the RFC 3164 timestamps. */
export const LOG_NOW = Date.UTC(2025, 5, 1);

const USERS = ['root', 'admin', 'ubuntu', 'test', 'oracle', 'postgres', 'git', 'user', 'pi', 'deploy', 'ftpuser', 'guest'];
const STAFF = [
  { user: 'alice', key: 'SHA256:q7cVfzX0m3QhOqT3c1m3vVvQ0l2bZ1pG1bq8c9Yw4eE', from: '198.51.100.10' },
  { user: 'bob', key: 'SHA256:Zk1Ew9uQx2cY7bq3mN6Rr0tV8pLs5aD4fG2hJ7kL9mQ', from: '198.51.100.11' },
  { user: 'carol', key: 'SHA256:Hc2Qm8tY5uV1wX4zA7bC0dE3fG6hJ9kL2mN5pQ8rS1t', from: '192.0.2.5' },
];

/** sshd auth.log: brute force from a skewed pool of scanners, staff logins, PAM and cron noise. */
export function writeSshdLog(file: string, lines: number, seed = 1): Corpus {
  const rand = prng(seed);
  const pool = sourcePool(rand, 3000);
  const w = new LineWriter(file);
  const hosts = ['bastion1', 'bastion2', 'web1'];
  const step = LOG_SPAN / lines;
  let pid = 4000;
  for (let i = 0; i < lines; i++) {
    const t = LOG_START + Math.floor(i * step);
    const host = hosts[i % 3] as string;
    const head = `${rfc3164(t)} ${host} sshd[${pid}]:`;
    const src = pool.draw(rand).ip;
    const port = 1024 + Math.floor(rand() * 64000);
    const u = pick(rand, USERS);
    const r = rand();
    if (r < 0.34) w.line(`${head} Failed password for ${u === 'root' ? 'root' : `invalid user ${u}`} from ${src} port ${port} ssh2`);
    else if (r < 0.5) w.line(`${head} Invalid user ${u} from ${src} port ${port}`);
    else if (r < 0.6) w.line(`${head} Connection closed by authenticating user root ${src} port ${port} [preauth]`);
    else if (r < 0.66) w.line(`${head} Disconnected from invalid user ${u} ${src} port ${port} [preauth]`);
    else if (r < 0.72) w.line(`${head} Received disconnect from ${src} port ${port}:11: Bye Bye [preauth]`);
    else if (r < 0.76) w.line(`${head} pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${src}  user=root`);
    else if (r < 0.8) w.line(`${head} Connection reset by ${src} port ${port} [preauth]`);
    else if (r < 0.85) {
      const s = pick(rand, STAFF);
      w.line(`${head} Accepted publickey for ${s.user} from ${s.from} port ${port} ssh2: ED25519 ${s.key}`);
    } else if (r < 0.9) w.line(`${head} pam_unix(sshd:session): session opened for user ${pick(rand, STAFF).user}(uid=1001) by (uid=0)`);
    else if (r < 0.94) w.line(`${head} pam_unix(sshd:session): session closed for user ${pick(rand, STAFF).user}`);
    else if (r < 0.97) w.line(`${rfc3164(t)} ${host} CRON[${pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`);
    else w.line(`${rfc3164(t)} ${host} sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl status nginx`);
    if (rand() < 0.3) pid = 4000 + Math.floor(rand() * 60000);
  }
  return { file, ...w.close() };
}

const VPC_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** AWS VPC flow log, v2 default format with its S3 header line. */
export function writeVpcFlowLog(file: string, lines: number, seed = 2): Corpus {
  const rand = prng(seed);
  const pool = sourcePool(rand, 2000);
  const enis = Array.from({ length: 40 }, (_, i) => `eni-0${(0x1a2b3c4d + i * 7919).toString(16)}5e6f7081`);
  const hostsInVpc = Array.from({ length: 200 }, (_, i) => `10.0.${i >> 4}.${(i % 16) + 10}`);
  const upstream = Array.from({ length: 20 }, () => publicIp(rand));
  const ports = [443, 443, 443, 443, 80, 80, 22, 22, 22, 3389, 6443, 5432, 8080, 2375, 10250, 9090];
  const w = new LineWriter(file);
  w.line(VPC_HEADER);
  const step = LOG_SPAN / 1000 / lines;
  for (let i = 1; i < lines; i++) {
    const start = Math.floor(LOG_START / 1000 + i * step);
    const inbound = rand() < 0.8;
    const o = pool.draw(rand);
    // Each outside source talks to a few hosts and keeps to a couple of ports (a client's or a scanner's habit).
    const internal = hostsInVpc[(o.index * 13 + (rand() < 0.9 ? 0 : Math.floor(rand() * 3))) % hostsInVpc.length] as string;
    const outside = rand() < 0.1 ? `10.0.${o.index % 16}.${((o.index * 7) % 250) + 1}` : o.ip;
    const dport = inbound ? (ports[(o.index * 7 + (rand() < 0.8 ? 0 : 1)) % ports.length] as number) : 443;
    const sport = 1024 + Math.floor(rand() * 64000);
    // Outbound traffic goes to a few upstream APIs.
    const [src, dst, sp, dp] = inbound ? [outside, internal, sport, dport] : [internal, upstream[o.index % upstream.length] as string, sport, dport];
    const action = rand() < 0.7 ? 'ACCEPT' : 'REJECT';
    const packets = 1 + Math.floor(rand() * 200);
    w.line(`2 123456789012 ${pick(rand, enis)} ${src} ${dst} ${sp} ${dp} 6 ${packets} ${packets * 60 + Math.floor(rand() * 5000)} ${start} ${start + 60} ${action} OK`);
  }
  return { file, ...w.close() };
}

const K8S_USERS = [
  { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'], cred: 'JTI=0f8a2c1e-1111-2222-3333-444455556666' },
  { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:authenticated'], cred: 'JTI=7c1d9e2a-aaaa-bbbb-cccc-ddddeeeeffff' },
  { username: 'alice@example.com', groups: ['system:authenticated', 'platform-admins'], cred: 'X509SHA256=3f2a9c1be4d5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1' },
  { username: 'system:node:ip-10-0-1-20', groups: ['system:nodes', 'system:authenticated'], cred: 'X509SHA256=9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b' },
];
const K8S_RESOURCES = ['pods', 'configmaps', 'secrets', 'deployments', 'services', 'events', 'endpoints', 'nodes'];

/** Kubernetes audit log: JSON lines (Event, ResponseComplete stage), about 1 KB each; some privileged pod creations. */
export function writeK8sAuditLog(file: string, lines: number, seed = 3): Corpus & { privilegedCreates: number } {
  const rand = prng(seed);
  const pool = sourcePool(rand, 1000);
  const w = new LineWriter(file);
  const step = LOG_SPAN / lines;
  let privilegedCreates = 0;
  for (let i = 0; i < lines; i++) {
    const t = new Date(LOG_START + Math.floor(i * step)).toISOString().replace('Z', '000Z');
    const user = pick(rand, K8S_USERS);
    const src = rand() < 0.8 ? `10.0.${Math.floor(rand() * 16)}.${1 + Math.floor(rand() * 250)}` : pool.draw(rand).ip;
    const ns = pick(rand, ['default', 'kube-system', 'monitoring', 'ci', 'payments']);
    const id = `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-${pad4(i)}-4${pad4(i >> 4).slice(1)}-8${pad4(i >> 8).slice(1)}-${(i * 40503).toString(16).padStart(12, '0').slice(-12)}`;
    const r = rand();
    const base: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'RequestResponse',
      auditID: id,
      stage: 'ResponseComplete',
    };
    let verb: string;
    let resource: string;
    let name: string | undefined;
    let requestObject: unknown;
    let code = 200;
    if (r < 0.08) {
      verb = 'create';
      resource = 'pods';
      name = `job-${i.toString(36)}`;
      const priv = rand() < 0.1;
      if (priv) privilegedCreates++;
      requestObject = {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name, namespace: ns, labels: { app: 'batch', 'pod-template-hash': '7d9f8c6b5' } },
        spec: {
          containers: [{ name: 'main', image: 'registry.example.com/batch/worker:1.42.0', resources: { requests: { cpu: '100m', memory: '128Mi' } }, ...(priv ? { securityContext: { privileged: true } } : {}) }],
          restartPolicy: 'Never',
          serviceAccountName: 'default',
        },
      };
      code = 201;
    } else {
      verb = r < 0.55 ? 'get' : r < 0.8 ? 'list' : r < 0.93 ? 'watch' : r < 0.97 ? 'update' : 'patch';
      resource = pick(rand, K8S_RESOURCES);
      name = verb === 'list' || verb === 'watch' ? undefined : `${resource.slice(0, -1)}-${Math.floor(rand() * 500)}`;
    }
    const uri = `/api/v1/namespaces/${ns}/${resource}${name && verb !== 'create' ? `/${name}` : ''}${verb === 'watch' ? '?watch=true&resourceVersion=48213&timeoutSeconds=412' : ''}`;
    const ev = {
      ...base,
      requestURI: uri,
      verb,
      user: { username: user.username, uid: `uid-${user.username.length}`, groups: user.groups, extra: { 'authentication.kubernetes.io/credential-id': [user.cred] } },
      sourceIPs: [src],
      userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc',
      objectRef: { resource, namespace: ns, ...(name ? { name } : {}), apiVersion: 'v1' },
      responseStatus: { metadata: {}, code },
      ...(requestObject ? { requestObject } : {}),
      requestReceivedTimestamp: t,
      stageTimestamp: t,
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': `RBAC: allowed by ClusterRoleBinding "ops-${resource}" of ClusterRole "ops-${resource}" to Group "platform-admins"` },
    };
    w.line(JSON.stringify(ev));
  }
  return { file, ...w.close(), privilegedCreates };
}

function pad4(n: number): string {
  return (n & 0xffff).toString(16).padStart(4, '0');
}
