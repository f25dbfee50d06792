/**
 * The three corpora of the detect-vs-peers bench, seeded: the same seed and sizes give the same bytes.
 * Each is shaped like the traffic the detectors face, with its event time spread as a real source
 * spreads it, so that a run can learn for the first half of the time and detect in the second:
 *
 * - sshd auth.log, RFC 3164: about 8.9 lines a second (2 M lines ≈ 2.6 days) from a fleet of ~40
 *   hosts, most of it Internet scanning and password guessing at a few bastions, staff logins with
 *   their keys from office and VPN ranges, cron sessions, now and then a guessed password that works;
 * - AWS VPC flow logs v2 with the S3 header line: 400 records a second (5 M ≈ 3.5 hours) from ~750
 *   interfaces: east-west service traffic logged on both ends, egress through NAT, public clients on
 *   the load balancers' 443/80, DNS, control-plane traffic on 6443/10250/2379, bastion SSH, Internet
 *   scans of management ports (mostly rejected) and of other ports, ICMP, NODATA records;
 * - Kubernetes audit log, audit.k8s.io/v1 Event JSON lines: about 140 events a second (500 k ≈ 1 hour):
 *   controllers and kubelets reading, watching and updating, pod creations by controllers and CI,
 *   some privileged (node agents, now and then a person), people using kubectl.
 *
 * Addresses are invented (documentation ranges for the organisation's own networks, pseudo-random
 * public space for the Internet).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { prng } from './common.js';

/** Event time of every corpus starts here (2024-03-05T00:00:00Z). */
export const CORPUS_EPOCH = Date.UTC(2024, 2, 5) / 1000;

export interface CorpusFile {
  file: string;
  /** Records (the VPC header line is not one). */
  records: number;
  bytes: number;
  /** First and last event time, epoch ms. */
  firstMs: number;
  lastMs: number;
}

class Writer {
  private buf = '';
  bytes = 0;
  records = 0;
  firstMs = Infinity;
  lastMs = -Infinity;
  private readonly fd: number;
  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }
  raw(s: string): void {
    this.buf += s + '\n';
    if (this.buf.length > 1 << 20) this.flush();
  }
  record(s: string, ms: number): void {
    this.raw(s);
    this.records++;
    if (ms < this.firstMs) this.firstMs = ms;
    if (ms > this.lastMs) this.lastMs = ms;
  }
  private flush(): void {
    this.bytes += writeSync(this.fd, this.buf);
    this.buf = '';
  }
  close(): CorpusFile {
    this.flush();
    closeSync(this.fd);
    return { file: this.file, records: this.records, bytes: this.bytes, firstMs: this.firstMs, lastMs: this.lastMs };
  }
}

/** Random draws over one seeded stream. */
class Dice {
  readonly f: () => number;
  constructor(seed: number) {
    this.f = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.f() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.f() < p;
  }
  /** [0, n), most draws near 0 (a few heavy hitters, a long tail). */
  skewed(n: number, k: number): number {
    return Math.floor(n * this.f() ** k);
  }
  exp(mean: number): number {
    return -mean * Math.log(1 - this.f());
  }
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += Math.floor(this.f() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
  /** A weighted choice, set up once. */
  table<T>(entries: readonly [number, T][]): () => T {
    const total = entries.reduce((a, [w]) => a + w, 0);
    return () => {
      let x = this.f() * total;
      for (const [w, v] of entries) if ((x -= w) < 0) return v;
      return entries[entries.length - 1]![1];
    };
  }
}

const dotted = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const v4 = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
const NOT_PUBLIC = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203, 224]);

/** Internet /24s with a few hosts each, drawn with a skew: a scanner or client population. */
function population(d: Dice, nets: number): (k: number) => number {
  const hosts: number[][] = [];
  for (let i = 0; i < nets; i++) {
    let a: number;
    do a = d.range(1, 223);
    while (NOT_PUBLIC.has(a));
    const base = v4(a, d.int(256), d.int(256), 0);
    hosts.push(Array.from({ length: 1 + d.skewed(10, 2) }, () => (base | d.range(1, 254)) >>> 0));
  }
  return (k) => {
    const h = hosts[d.skewed(hosts.length, k)]!;
    return h[d.int(h.length)]!;
  };
}

/** Lines with their times, handed out in time order (sessions interleave). */
class TimeOrder {
  private readonly heap: { t: number; seq: number; s: string }[] = [];
  private seq = 0;
  get size(): number {
    return this.heap.length;
  }
  get next(): number {
    return this.heap[0]?.t ?? Infinity;
  }
  push(t: number, s: string): void {
    const h = this.heap;
    const item = { t, seq: this.seq++, s };
    let i = h.length;
    h.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!earlier(item, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = item;
  }
  pop(): { t: number; s: string } {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const m = l + 1 < h.length && earlier(h[l + 1]!, h[l]!) ? l + 1 : l;
        if (!earlier(h[m]!, last)) break;
        h[i] = h[m]!;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}

function earlier(a: { t: number; seq: number }, b: { t: number; seq: number }): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
function syslogTime(sec: number): string {
  const d = new Date(sec * 1000);
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** sshd auth.log, `lines` lines exactly. */
export function writeAuthLog(file: string, lines: number, seed: number): CorpusFile {
  const d = new Dice(seed * 7919 + 1);
  const w = new Writer(file);
  interface Host {
    name: string;
    pid: number;
  }
  const host = (name: string): Host => ({ name, pid: d.range(900, 30_000) });
  const bastions = [host('bastion-1'), host('bastion-2'), host('bastion-3'), host('sftp-partner')];
  const fleet = Array.from({ length: 36 }, () => host(`ip-10-0-${d.range(0, 47)}-${d.range(4, 250)}`));
  const exposed = d.table<Host>([...bastions.map((b): [number, Host] => [30, b]), ...fleet.map((h): [number, Host] => [1, h])]);
  const anyHost = (): Host => (d.chance(0.3) ? d.pick(bastions) : d.pick(fleet));
  const offices = [v4(198, 51, 100, 0), v4(203, 0, 113, 0)];
  const staff = ['ubuntu', 'admin', 'deploy', 'ansible', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'backup', 'git', 'monitoring'].map((name, i) => ({
    name,
    uid: 1000 + i,
    keys: Array.from({ length: 1 + d.int(2) }, () => `${d.chance(0.6) ? 'ED25519' : 'RSA'} SHA256:${Array.from({ length: 43 }, () => B64[d.int(64)]).join('')}`),
    from: Array.from({ length: 1 + d.int(3) }, () => (d.chance(0.5) ? (d.pick(offices) | d.range(2, 250)) >>> 0 : v4(10, 0, d.range(0, 47), d.range(4, 250)))),
  }));
  const scanner = population(d, 6000);
  const guesses = ['admin', 'test', 'user', 'oracle', 'postgres', 'pi', 'git', 'ftpuser', 'guest', 'support', 'mysql', 'hadoop', 'dev', 'jenkins', 'tomcat', 'ubnt', 'steam', 'elastic', 'docker', 'k8s'];
  const order = new TimeOrder();
  const sshd = (h: Host): string => {
    h.pid += 1 + d.int(40);
    return `sshd[${h.pid}]`;
  };
  const emit = (t: number, h: Host, proc: string, msg: string): void => order.push(t, `${syslogTime(Math.floor(t))} ${h.name} ${proc}: ${msg}`);
  const port = (): number => d.range(1024, 65535);

  const login = (t: number, h: Host, password: boolean, fromIp?: number): void => {
    const u = d.pick(staff);
    const ip = dotted(fromIp ?? d.pick(u.from));
    const p = port();
    const proc = sshd(h);
    emit(t, h, proc, password ? `Accepted password for ${u.name} from ${ip} port ${p} ssh2` : `Accepted publickey for ${u.name} from ${ip} port ${p} ssh2: ${d.pick(u.keys)}`);
    emit(t + 0.01, h, proc, `pam_unix(sshd:session): session opened for user ${u.name}(uid=${u.uid}) by (uid=0)`);
    const end = t + 5 + d.exp(600);
    emit(end, h, proc, `Received disconnect from ${ip} port ${p}:11: disconnected by user`);
    emit(end + 0.001, h, proc, `Disconnected from user ${u.name} ${ip} port ${p}`);
    emit(end + 0.002, h, proc, `pam_unix(sshd:session): session closed for user ${u.name}`);
  };
  const guess = (t: number, h: Host, ipNum = scanner(2.2)): void => {
    const ip = dotted(ipNum);
    const p = port();
    const proc = sshd(h);
    const invalid = d.chance(0.6);
    const user = invalid ? d.pick(guesses) : 'root';
    if (invalid) emit(t, h, proc, `Invalid user ${user} from ${ip} port ${p}`);
    emit(t + 0.1, h, proc, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}${invalid ? ' ' : `  user=${user}`}`);
    const tries = d.chance(0.6) ? 1 : d.range(2, 5);
    for (let i = 0; i < tries; i++) emit(t + 2 + i * 2.5, h, proc, `Failed password for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${p} ssh2`);
    emit(t + 3 + tries * 2.5, h, proc, `Connection closed by ${invalid ? 'invalid' : 'authenticating'} user ${user} ${ip} port ${p} [preauth]`);
  };
  const noise = (t: number, h: Host): void => {
    const ip = dotted(scanner(1.6));
    const p = port();
    const k = d.int(4);
    if (k === 0) emit(t, h, sshd(h), `Connection closed by ${ip} port ${p} [preauth]`);
    else if (k === 1) emit(t, h, sshd(h), `Connection reset by ${ip} port ${p} [preauth]`);
    else if (k === 2) emit(t, h, sshd(h), `Unable to negotiate with ${ip} port ${p}: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]`);
    else emit(t, h, sshd(h), `banner exchange: Connection from ${ip} port ${p}: invalid format`);
  };
  const cron = (t: number, h: Host): void => {
    h.pid += 1 + d.int(40);
    emit(t, h, `CRON[${h.pid}]`, 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
    emit(t + 0.2 + d.exp(2), h, `CRON[${h.pid}]`, 'pam_unix(cron:session): session closed for user root');
  };
  const kind = d.table<(t: number) => void>([
    [45, (t) => guess(t, exposed())],
    [25, (t) => noise(t, exposed())],
    [14, (t) => login(t, anyHost(), false)],
    [2, (t) => login(t, anyHost(), true)],
    [10, (t) => cron(t, anyHost())],
    // A guessed password that works: failures, then a login from the same address.
    [0.05, (t) => {
      const h = exposed();
      const ip = scanner(2.2);
      guess(t, h, ip);
      login(t + 40, h, true, ip);
    }],
  ]);
  let arrive = CORPUS_EPOCH + 6 * 3600;
  while (w.records < lines) {
    while (order.size === 0 || order.next > arrive) {
      kind()(arrive);
      arrive += d.exp(0.4);
    }
    const { t, s } = order.pop();
    w.record(s, Math.floor(t) * 1000);
  }
  return w.close();
}

export const VPC_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** AWS VPC flow log v2 with its header line, `records` records exactly. */
export function writeVpcFlowLog(file: string, records: number, seed: number): CorpusFile {
  const d = new Dice(seed * 7919 + 2);
  const w = new Writer(file);
  w.raw(VPC_HEADER);
  const accounts = ['123456789012', '210987654321', '555566667777'];
  interface Eni {
    id: string;
    account: string;
    ip: number;
  }
  const roles: Record<string, Eni[]> = {};
  for (const [role, n] of [['app', 220], ['alb', 60], ['db', 40], ['cache', 30], ['kafka', 30], ['node', 300], ['cp', 5], ['bastion', 4], ['nat', 6], ['misc', 50]] as const) {
    roles[role] = Array.from({ length: n }, () => ({ id: `eni-${d.hex(17)}`, account: accounts[d.skewed(accounts.length, 1.5)]!, ip: v4(10, d.range(0, 63), d.int(256), d.range(4, 254)) }));
  }
  const all = Object.values(roles).flat();
  const of = (role: string): Eni => d.pick(roles[role]!);
  const facing = [...roles.alb!, ...roles.bastion!, ...roles.nat!, ...roles.cp!, ...roles.node!.slice(0, 40)];
  const upstream = Array.from({ length: 20_000 }, () => population(d, 1)(1));
  const client = population(d, 50_000);
  const scanner = population(d, 4000);
  const ephemeral = (): number => d.range(32768, 60999);
  let ts = 0;
  const rec = (e: Eni, src: number, dst: number, sp: number, dp: number, proto: number, action: 'ACCEPT' | 'REJECT'): void => {
    if (w.records >= records) return;
    const start = ts + d.int(50);
    const packets = 1 + Math.floor(d.exp(20));
    w.record(`2 ${e.account} ${e.id} ${dotted(src)} ${dotted(dst)} ${sp} ${dp} ${proto} ${packets} ${packets * (40 + d.int(1200))} ${start} ${start + 1 + d.int(60)} ${action} OK`, start * 1000);
  };
  /** A conversation between two interfaces, logged on both. */
  const internal = (a: Eni, b: Eni, dp: number): void => {
    const sp = ephemeral();
    rec(a, a.ip, b.ip, sp, dp, 6, 'ACCEPT');
    if (d.chance(0.9)) rec(a, b.ip, a.ip, dp, sp, 6, 'ACCEPT');
    if (d.chance(0.8)) rec(b, a.ip, b.ip, sp, dp, 6, 'ACCEPT');
    if (d.chance(0.8)) rec(b, b.ip, a.ip, dp, sp, 6, 'ACCEPT');
  };
  const mgmtPort = d.table<number>([[40, 22], [22, 3389], [10, 2375], [10, 6443], [10, 10250], [8, 2379]]);
  const otherPorts = [23, 80, 443, 445, 1433, 3306, 5432, 5900, 6379, 8080, 8443, 9200, 11211, 27017, 5060, 21, 25, 111, 135, 139, 161, 7547];
  const kind = d.table<() => void>([
    [40, () => {
      const k = d.int(6);
      if (k === 0) internal(of('alb'), of('app'), d.pick([8080, 8443, 3000, 9000]));
      else if (k === 1) internal(of('app'), of('db'), d.pick([5432, 3306]));
      else if (k === 2) internal(of('app'), of('cache'), 6379);
      else if (k === 3) internal(of(d.chance(0.5) ? 'app' : 'node'), of('kafka'), 9092);
      else internal(of('node'), of('node'), d.pick([443, 8080, 9090, 9100, 10255, 4443, 8443, 50051]));
    }],
    [14, () => {
      const e = of(d.chance(0.5) ? 'nat' : d.pick(['app', 'node']));
      const dst = upstream[d.skewed(upstream.length, 3)]!;
      const sp = ephemeral();
      const dp = d.chance(0.9) ? 443 : d.pick([80, 123, 53, 9418]);
      rec(e, e.ip, dst, sp, dp, dp === 53 || dp === 123 ? 17 : 6, 'ACCEPT');
      rec(e, dst, e.ip, dp, sp, dp === 53 || dp === 123 ? 17 : 6, 'ACCEPT');
    }],
    [12, () => {
      const e = of('alb');
      const src = client(1.2);
      const sp = d.range(1024, 65535);
      const dp = d.chance(0.85) ? 443 : 80;
      rec(e, src, e.ip, sp, dp, 6, 'ACCEPT');
      rec(e, e.ip, src, dp, sp, 6, 'ACCEPT');
    }],
    [6, () => {
      const e = d.pick(all);
      const resolver = d.chance(0.7) ? v4(10, 0, 0, 2) : v4(169, 254, 169, 253);
      const sp = ephemeral();
      rec(e, e.ip, resolver, sp, 53, 17, 'ACCEPT');
      rec(e, resolver, e.ip, 53, sp, 17, 'ACCEPT');
    }],
    [4, () => {
      const k = d.int(3);
      if (k === 0) internal(of('node'), of('cp'), 6443);
      else if (k === 1) internal(of('cp'), of('node'), 10250);
      else internal(of('cp'), of('cp'), d.chance(0.7) ? 2379 : 2380);
    }],
    [0.5, () => internal(of('bastion'), of(d.pick(['app', 'node', 'db', 'misc'])), 22)],
    [3.2, () => {
      const e = d.pick(facing);
      const src = scanner(2.2);
      const dp = mgmtPort();
      const accept = dp === 22 && roles.bastion!.includes(e) ? d.chance(0.9) : dp === 6443 && roles.cp!.includes(e) ? d.chance(0.8) : d.chance(0.01);
      const sp = d.range(1024, 65535);
      rec(e, src, e.ip, sp, dp, 6, accept ? 'ACCEPT' : 'REJECT');
      if (accept) rec(e, e.ip, src, dp, sp, 6, 'ACCEPT');
    }],
    [2.5, () => {
      const e = d.pick(facing);
      rec(e, scanner(1.8), e.ip, d.range(1024, 65535), d.pick(otherPorts), 6, 'REJECT');
    }],
    [0.6, () => {
      const e = d.pick(facing);
      rec(e, d.chance(0.5) ? scanner(2.2) : client(1.2), e.ip, 0, 0, 1, d.chance(0.7) ? 'ACCEPT' : 'REJECT');
    }],
    [0.3, () => {
      const e = d.pick(all);
      w.record(`2 ${e.account} ${e.id} - - - - - - - ${ts} ${ts + 60} - ${d.chance(0.9) ? 'NODATA' : 'SKIPDATA'}`, ts * 1000);
    }],
  ]);
  const t0 = CORPUS_EPOCH + 8 * 3600;
  while (w.records < records) {
    // 400 records a second, each within two minutes of its place (flow logs arrive out of order).
    ts = t0 + Math.floor(w.records / 400) - d.int(120);
    kind()();
  }
  return w.close();
}

/** Kubernetes audit log (JSON lines), `events` events exactly; `privileged` counts privileged pod creations per user. */
export function writeK8sAuditLog(file: string, events: number, seed: number): CorpusFile & { privileged: Record<string, number> } {
  const d = new Dice(seed * 7919 + 3);
  const w = new Writer(file);
  const uuid = (): string => `${d.hex(8)}-${d.hex(4)}-4${d.hex(3)}-${'89ab'[d.int(4)]}${d.hex(3)}-${d.hex(12)}`;
  interface User {
    username: string;
    groups: string[];
    ua: string;
    ip: string;
  }
  const sa = (ns: string, name: string, ua: string, ip: string): User => ({ username: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'], ua, ip });
  const kcm = (c: string): User => sa('kube-system', c, `kube-controller-manager/v1.28.5 (linux/amd64) kubernetes/506050d/system:serviceaccount:kube-system:${c}`, '10.0.0.11');
  const controllers = ['replicaset-controller', 'deployment-controller', 'daemon-set-controller', 'job-controller', 'endpointslice-controller', 'generic-garbage-collector'].map(kcm);
  const nodes = Array.from({ length: 120 }, () => {
    const ip = `10.0.${d.range(16, 63)}.${d.range(4, 250)}`;
    return { username: `system:node:ip-${ip.replaceAll('.', '-')}.ec2.internal`, groups: ['system:nodes', 'system:authenticated'], ua: 'kubelet/v1.28.5 (linux/amd64) kubernetes/506050d', ip };
  });
  const agents = [
    sa('kube-system', 'coredns', 'coredns/v1.10.1', '10.0.20.15'),
    sa('ingress-nginx', 'ingress-nginx', 'nginx-ingress-controller/v1.9.4', '10.0.21.40'),
    sa('monitoring', 'prometheus', 'Prometheus/2.48.0', '10.0.22.7'),
    sa('cert-manager', 'cert-manager', 'cert-manager-controller/v1.13.2', '10.0.23.9'),
  ];
  const people: User[] = [
    { username: 'alice@example.com', groups: ['oidc:platform-admins', 'system:authenticated'], ua: 'kubectl/v1.29.1 (darwin/arm64) kubernetes/bc401b9', ip: '198.51.100.23' },
    { username: 'bob@example.com', groups: ['oidc:developers', 'system:authenticated'], ua: 'kubectl/v1.28.4 (linux/amd64) kubernetes/bae2c62', ip: '198.51.100.71' },
    { username: 'carol@example.com', groups: ['oidc:developers', 'system:authenticated'], ua: 'kubectl/v1.29.0 (darwin/amd64) kubernetes/3f7a50f', ip: '203.0.113.9' },
  ];
  const ci = sa('ci', 'deployer', 'helm/v3.13.2 (linux/amd64)', '10.0.33.14');
  const namespaces = ['default', 'payments', 'checkout', 'search', 'frontend', 'data', 'monitoring', 'ingress-nginx', 'argocd', 'kube-system', 'ci'];
  const apps = ['web', 'api', 'worker', 'cart', 'orders', 'indexer', 'auth', 'gateway', 'pricing', 'exporter'];
  const privileged: Record<string, number> = {};
  let us = (CORPUS_EPOCH + 9 * 3600) * 1e6;

  const iso = (t: number): string => `${new Date(Math.floor(t / 1000)).toISOString().slice(0, 23)}${String(Math.floor(t) % 1000).padStart(3, '0')}Z`;
  const event = (verb: string, u: User, objectRef: Record<string, string>, uri: string, code: number, extra: Record<string, unknown> = {}): string => {
    const t = Math.floor(us + d.int(50_000));
    return JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: extra.requestObject ? 'RequestResponse' : 'Metadata',
      auditID: uuid(),
      stage: 'ResponseComplete',
      requestURI: uri,
      verb,
      user: { username: u.username, groups: u.groups },
      sourceIPs: [u.ip],
      userAgent: u.ua,
      objectRef,
      responseStatus: { metadata: {}, code },
      ...extra,
      requestReceivedTimestamp: iso(t),
      stageTimestamp: iso(t + 300 + Math.floor(d.exp(6000))),
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': `RBAC: allowed by ClusterRoleBinding "${u.groups[0]}" of ClusterRole "edit" to Group "${u.groups[0]}"` },
    });
  };
  const podCreate = (u: User, ns: string, priv: boolean): string => {
    const app = d.pick(apps);
    const name = `${app}-${d.hex(10)}-${d.hex(5)}`;
    if (priv) privileged[u.username] = (privileged[u.username] ?? 0) + 1;
    const container: Record<string, unknown> = { name: app, image: `registry.example.com/shop/${app}:1.4.${d.int(9)}`, ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '128Mi' } } };
    if (priv) container.securityContext = { privileged: true };
    else container.securityContext = { runAsNonRoot: true, allowPrivilegeEscalation: false };
    const spec: Record<string, unknown> = { containers: [container], serviceAccountName: 'default', restartPolicy: 'Always' };
    if (priv && d.chance(0.5)) spec.hostNetwork = true;
    return event('create', u, { resource: 'pods', namespace: ns, name, apiVersion: 'v1' }, `/api/v1/namespaces/${ns}/pods`, 201, {
      requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: ns, labels: { app } }, spec },
    });
  };
  const kind = d.table<() => string>([
    [30, () => {
      const n = d.pick(nodes);
      return event(d.chance(0.5) ? 'get' : 'patch', n, { resource: 'nodes', name: n.username.slice(12), apiVersion: 'v1', subresource: 'status' }, `/api/v1/nodes/${n.username.slice(12)}/status`, 200);
    }],
    [22, () => {
      const n = d.pick(nodes);
      const ns = d.pick(namespaces);
      const res = d.pick(['configmaps', 'secrets', 'pods', 'services']);
      return event(d.chance(0.7) ? 'watch' : 'list', n, { resource: res, namespace: ns, apiVersion: 'v1' }, `/api/v1/namespaces/${ns}/${res}?watch=true&resourceVersion=${d.int(9e6)}`, 200);
    }],
    [14, () => {
      const u = d.pick(controllers);
      return event('update', u, { resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager', apiVersion: 'coordination.k8s.io/v1' }, '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager', 200);
    }],
    [14, () => {
      const u = d.pick(controllers);
      const ns = d.pick(namespaces);
      const res = d.pick(['replicasets', 'deployments', 'endpointslices']);
      return event(d.chance(0.5) ? 'get' : 'update', u, { resource: res, namespace: ns, name: `${d.pick(apps)}-${d.hex(6)}`, apiVersion: 'apps/v1' }, `/apis/apps/v1/namespaces/${ns}/${res}`, 200);
    }],
    [10, () => {
      const u = d.pick(agents);
      const ns = d.pick(namespaces);
      return event(d.chance(0.5) ? 'list' : 'watch', u, { resource: d.pick(['endpoints', 'services', 'ingresses', 'pods']), namespace: ns, apiVersion: 'v1' }, `/api/v1/namespaces/${ns}/endpoints`, 200);
    }],
    [4, () => podCreate(controllers[0]!, d.pick(namespaces), false)],
    [0.4, () => podCreate(controllers[2]!, 'kube-system', true)],
    [0.6, () => podCreate(ci, d.pick(['ci', 'default', 'payments']), d.chance(0.01))],
    [3, () => {
      const u = d.pick(people);
      const ns = d.pick(namespaces);
      return event(d.pick(['get', 'list', 'get', 'delete']), u, { resource: 'pods', namespace: ns, apiVersion: 'v1' }, `/api/v1/namespaces/${ns}/pods`, d.chance(0.05) ? 403 : 200);
    }],
    [0.1, () => podCreate(d.pick(people), d.pick(namespaces), d.chance(0.2))],
  ]);
  while (w.records < events) {
    us += d.exp(1e6 / 140);
    w.record(kind()(), Math.floor(us / 1000));
  }
  return { ...w.close(), privileged };
}
