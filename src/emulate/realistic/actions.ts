/**
 * Multi-record actions of the realistic profile — an SSH session, a failed guess, a kubectl call,
 * a web visit — each written to every log that sees it: the VPC flow log and the service's own log.
 */
import type { KubeIdentity } from '../environment.js';
import { kubeEvent, type KubeRequest } from '../activity.js';
import { addressIn, type SourceNetwork } from '../networks.js';
import type { Prng } from '../prng.js';
import { US_PER_MIN, US_PER_S } from '../time.js';
import type { HttpLog, HttpRequest, RealisticLogs } from './logs.js';
import type { Host, Organisation } from './organisation.js';

/** The /24 of an IPv4 address (every realistic-profile source is IPv4). */
export function slash24(ip: string): string {
  return `${ip.slice(0, ip.lastIndexOf('.'))}.0/24`;
}

/** A request of a visit: time and source come from the visit. */
export type VisitRequest = Omit<HttpRequest, 'time' | 'src'>;

export class Actions {
  private pid = 3000;
  /** Source ranges kept for planted and benign events: background traffic never uses them. */
  readonly reserved = new Set<string>();

  constructor(
    readonly logs: RealisticLogs,
    readonly org: Organisation,
    readonly prng: Prng,
  ) {}

  /** A public address in `n` outside every reserved range. */
  address(n: SourceNetwork): string {
    for (;;) {
      const ip = addressIn(n, this.prng);
      if (!this.reserved.has(slash24(ip))) return ip;
    }
  }

  nextPid(): number {
    this.pid += this.prng.int(1, 60);
    if (this.pid > 4_000_000) this.pid = 3000;
    return this.pid;
  }

  ephemeral(): number {
    return this.prng.int(32768, 60999);
  }

  /** A TCP connection that carried data (accepted, both directions). */
  connect(time: number, src: string, srcPort: number, dst: string, dstPort: number, seconds: number, kb: number, mark?: string): void {
    const packets = 10 + Math.floor(kb / 1.4);
    this.logs.flow({ time, src, srcPort, dst, dstPort, proto: 'tcp', accept: true, packets, bytes: Math.floor(kb * 1024), duration: seconds, tcpFlags: 27 }, mark);
  }

  /** A SYN answered by an open port and reset by the scanner: two packets, no data. */
  synScan(time: number, src: string, dst: string, dstPort: number): void {
    this.logs.flow({ time, src, srcPort: this.ephemeral(), dst, dstPort, proto: 'tcp', accept: true, packets: 2, bytes: 84, duration: 0, tcpFlags: 6 });
  }

  /** A probe of a port the security group closes. */
  rejected(time: number, src: string, dst: string, dstPort: number): void {
    this.logs.flow({ time, src, srcPort: this.ephemeral(), dst, dstPort, proto: 'tcp', accept: false, packets: 1, bytes: 44, duration: 0, tcpFlags: 2 });
  }

  /** A public-key (or password) login and its session; `info` is sshd's key text ("ED25519 SHA256:…"). */
  sshSession(host: Host, time: number, user: string, uid: number, src: string, info: string | 'password', mark?: string, viaFlow = true): number {
    const port = this.ephemeral();
    const pid = this.nextPid();
    const minutes = this.prng.int(2, 75);
    if (viaFlow) this.connect(time, src, port, host.ip, 22, minutes * 60, 40 + minutes * 9, mark);
    const auth = time + this.prng.int(200_000, 900_000);
    const how = info === 'password' ? `Accepted password for ${user} from ${src} port ${port} ssh2` : `Accepted publickey for ${user} from ${src} port ${port} ssh2: ${info}`;
    this.logs.sshd(host.name, auth, pid, how, mark);
    this.logs.sshd(host.name, auth + 40_000, pid, `pam_unix(sshd:session): session opened for user ${user}(uid=${uid}) by ${user}(uid=0)`);
    const end = time + minutes * US_PER_MIN;
    this.logs.sshd(host.name, end, pid, `Received disconnect from ${src} port ${port}:11: disconnected by user`, mark);
    this.logs.sshd(host.name, end + 2_000, pid, `Disconnected from user ${user} ${src} port ${port}`, mark);
    this.logs.sshd(host.name, end + 9_000, pid, `pam_unix(sshd:session): session closed for user ${user}`);
    return auth;
  }

  /** One failed guess: a password for an existing user, or a user that does not exist. */
  sshFailure(host: Host, time: number, src: string, user: string, exists: boolean, mark?: string, withFlow = true): void {
    const port = this.ephemeral();
    const pid = this.nextPid();
    if (withFlow) this.logs.flow({ time, src, srcPort: port, dst: host.ip, dstPort: 22, proto: 'tcp', accept: true, packets: 14, bytes: 2900, duration: 3, tcpFlags: 27 }, mark);
    if (exists) {
      this.logs.sshd(host.name, time + 1_100_000, pid, `Failed password for ${user} from ${src} port ${port} ssh2`, mark);
      this.logs.sshd(host.name, time + 2_900_000, pid, `Connection closed by authenticating user ${user} ${src} port ${port} [preauth]`, mark);
      return;
    }
    this.logs.sshd(host.name, time + 900_000, pid, `Invalid user ${user} from ${src} port ${port}`, mark);
    this.logs.sshd(host.name, time + 1_700_000, pid, `Failed password for invalid user ${user} from ${src} port ${port} ssh2`, mark);
    this.logs.sshd(host.name, time + 2_700_000, pid, `Connection closed by invalid user ${user} ${src} port ${port} [preauth]`, mark);
  }

  /** A connection that closes before authentication (a banner grab). */
  sshBanner(host: Host, time: number, src: string): void {
    const port = this.ephemeral();
    this.logs.flow({ time, src, srcPort: port, dst: host.ip, dstPort: 22, proto: 'tcp', accept: true, packets: 6, bytes: 900, duration: 1, tcpFlags: 27 });
    this.logs.sshd(host.name, time + 300_000, this.nextPid(), `Connection closed by ${src} port ${port} [preauth]`);
  }

  /** A kubectl session against the public API endpoint (6443): the flow, then each request. */
  kubectl(time: number, who: KubeIdentity, src: string, requests: KubeRequest[], o: { sorted?: boolean; mark?: string; credentialId?: string } = {}): number {
    const api = this.org.apiserver;
    if (!src.startsWith('10.')) this.connect(time, src, this.ephemeral(), api.ip, 6443, 2 + requests.length, 12 + requests.length * 4, o.mark);
    let t = time + this.prng.int(150_000, 600_000);
    for (const r of requests) {
      const req = o.credentialId !== undefined && r.credentialId === undefined ? { ...r, credentialId: o.credentialId } : r;
      this.logs.audit(t, kubeEvent(this.prng, who, src, req), o.sorted ?? false, o.mark);
      t += this.prng.int(80_000, 1_500_000);
    }
    return t;
  }

  /** One request to a gateway, with its connection in the flow log. */
  request(log: HttpLog, dst: Host, dstPort: number, r: HttpRequest, mark?: string): void {
    this.connect(r.time - this.prng.int(20_000, 200_000), r.src, this.ephemeral(), dst.ip, dstPort, this.prng.int(1, 30), 4 + r.bytes / 1024, mark);
    this.logs.http(log, r, mark);
  }

  /** A visit: one connection (keep-alive) and several requests on it. */
  visit(log: HttpLog, dst: Host, dstPort: number, time: number, src: string, requests: VisitRequest[], mark?: string): number {
    let t = time;
    const kb = requests.reduce((n, r) => n + r.bytes / 1024, 2);
    this.connect(time, src, this.ephemeral(), dst.ip, dstPort, 5 + requests.length * 8, kb, mark);
    for (const r of requests) {
      t += this.prng.int(300_000, 20 * US_PER_S);
      this.logs.http(log, { ...r, time: t, src }, mark);
    }
    return t;
  }
}
