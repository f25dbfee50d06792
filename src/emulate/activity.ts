/**
 * Multi-record activities shared by normal traffic and planted procedures: one SSH session, one
 * kubectl call, one container run, one gateway admin request — each written to every log that
 * would see it (flow logs, the service's own log, the network sensor).
 */
import { networkOf } from '../intel/ranges.js';
import type { Environment, KubeIdentity } from './environment.js';
import { addressIn, type SourceNetwork } from './networks.js';
import type { Prng } from './prng.js';
import type { FlowView, Telemetry } from './telemetry.js';
import { US_PER_MIN, US_PER_S } from './time.js';

export interface KubeRequest {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  code?: number;
  requestObject?: unknown;
  uri?: string;
  credentialId?: string;
  reason?: string;
}

/** One Kubernetes API request as an audit Event (ResponseComplete stage), without the envelope. */
export function kubeEvent(prng: Prng, who: KubeIdentity, src: string, req: KubeRequest): Record<string, unknown> {
  const apiGroup = req.resource === 'deployments' || req.resource === 'replicasets' ? 'apps' : '';
  const version = apiGroup === '' ? 'v1' : 'v1';
  const prefix = apiGroup === '' ? '/api/v1' : `/apis/${apiGroup}/v1`;
  const nsPart = req.namespace ? `/namespaces/${req.namespace}` : '';
  const uri = req.uri ?? `${prefix}${nsPart}/${req.resource}${req.name && req.verb !== 'create' ? `/${req.name}` : ''}${req.subresource ? `/${req.subresource}` : ''}`;
  const user: Record<string, unknown> = { username: who.username, groups: who.groups };
  if (who.uid !== '') user.uid = who.uid;
  const cred = req.credentialId ?? who.credentialId;
  const extra: Record<string, string[]> = { ...(who.extra ?? {}) };
  if (cred !== '') extra['authentication.kubernetes.io/credential-id'] = [cred];
  if (Object.keys(extra).length > 0) user.extra = extra;
  const objectRef: Record<string, unknown> = { resource: req.resource, apiVersion: version };
  const nonResource = req.resource === 'version';
  if (apiGroup !== '') objectRef.apiGroup = apiGroup;
  if (req.namespace) objectRef.namespace = req.namespace;
  if (req.name) objectRef.name = req.name;
  if (req.subresource) objectRef.subresource = req.subresource;
  const write = ['create', 'update', 'patch', 'delete'].includes(req.verb);
  const ev: Record<string, unknown> = {
    level: write ? 'Request' : 'Metadata',
    auditID: prng.uuid(),
    stage: 'ResponseComplete',
    requestURI: uri,
    verb: req.verb,
    user,
    sourceIPs: [src],
    userAgent: who.userAgent,
    ...(nonResource ? {} : { objectRef }),
    responseStatus: { metadata: {}, code: req.code ?? (req.verb === 'create' ? 201 : 200) },
  };
  if (write && req.requestObject !== undefined) ev.requestObject = req.requestObject;
  ev.annotations = { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': req.reason ?? `RBAC: allowed by ClusterRoleBinding "${who.username.split(':').pop()}-binding" of ClusterRole "edit" to User "${who.username}"` };
  return ev;
}

export class Activity {
  private pid = 2000;
  /** Source ranges kept for planted procedures: background traffic never uses them. */
  readonly reserved = new Set<string>();

  constructor(
    readonly t: Telemetry,
    readonly env: Environment,
    readonly prng: Prng,
  ) {}

  /** A public address in `n` outside every reserved range. */
  address(n: SourceNetwork): string {
    for (;;) {
      const ip = addressIn(n, this.prng);
      if (!this.reserved.has(rangeKey(ip))) return ip;
    }
  }

  nextPid(): number {
    this.pid += this.prng.int(1, 40);
    if (this.pid > 4_000_000) this.pid = 2000;
    return this.pid;
  }

  ephemeral(): number {
    return this.prng.int(32768, 60999);
  }

  bastionIp(host: 'bastion-1' | 'bastion-2'): string {
    return host === 'bastion-1' ? this.env.hosts.bastion1 : this.env.hosts.bastion2;
  }

  /** A TCP connection as every flow view of `host` records it. */
  connection(views: FlowView[], time: number, src: string, srcPort: number, dst: string, dstPort: number, o: { packets: number; bytes: number; duration: number; accept?: boolean; zeek?: { state: string; history: string; service?: string } }, mark?: string): void {
    const accept = o.accept ?? true;
    for (const v of views) {
      this.t.flow(v, { time, src, srcPort, dst, dstPort, proto: 'tcp', accept, packets: o.packets, bytes: o.bytes, duration: o.duration, tcpFlags: accept ? 27 : 2, ...(o.zeek ? { zeek: o.zeek } : {}) }, mark);
    }
  }

  sshViews(host: 'bastion-1' | 'bastion-2'): FlowView[] {
    return host === 'bastion-1' ? ['aws-v2', 'zeek'] : ['gcp'];
  }

  /** A successful public-key login and its session. `info` is the sshd key/certificate text. */
  sshSession(host: 'bastion-1' | 'bastion-2', time: number, user: string, uid: number, src: string, info: string, mark?: string): number {
    const port = this.ephemeral();
    const pid = this.nextPid();
    const dst = this.bastionIp(host);
    const minutes = this.prng.int(2, 90);
    this.connection(this.sshViews(host), time, src, port, dst, 22, { packets: 40 + minutes * 12, bytes: 6000 + minutes * 2100, duration: minutes * 60, zeek: { state: 'SF', history: 'ShAdDaFf', service: 'ssh' } }, mark);
    if (host === 'bastion-1') this.t.zeekSsh({ time: time + 400_000, src, srcPort: port, dst, success: true, attempts: 1, client: 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5' }, mark);
    const auth = time + this.prng.int(200_000, 900_000);
    this.t.sshd(host, auth, pid, `Accepted publickey for ${user} from ${src} port ${port} ssh2: ${info}`, mark);
    this.t.sshd(host, auth + 40_000, pid, `pam_unix(sshd:session): session opened for user ${user}(uid=${uid}) by ${user}(uid=0)`);
    const end = time + minutes * US_PER_MIN;
    this.t.sshd(host, end, pid, `Received disconnect from ${src} port ${port}:11: disconnected by user`, mark);
    this.t.sshd(host, end + 2_000, pid, `Disconnected from user ${user} ${src} port ${port}`, mark);
    this.t.sshd(host, end + 9_000, pid, `pam_unix(sshd:session): session closed for user ${user}`);
    return auth;
  }

  /** Internet background: a password guess or a probe for a user that does not exist. */
  sshFailure(host: 'bastion-1' | 'bastion-2', time: number, src: string): void {
    const port = this.ephemeral();
    const pid = this.nextPid();
    const dst = this.bastionIp(host);
    const user = this.prng.pick(['admin', 'oracle', 'test', 'ubuntu', 'postgres', 'git', 'user', 'deploy', 'root']);
    this.connection(this.sshViews(host), time, src, port, dst, 22, { packets: 14, bytes: 2900, duration: 3, zeek: { state: 'SF', history: 'ShAdDaFf', service: 'ssh' } });
    if (host === 'bastion-1') this.t.zeekSsh({ time: time + 300_000, src, srcPort: port, dst, success: false, attempts: this.prng.int(1, 3), client: this.prng.pick(['SSH-2.0-Go', 'SSH-2.0-libssh_0.9.6', 'SSH-2.0-paramiko_3.4.0']) });
    if (user === 'root') {
      this.t.sshd(host, time + 1_100_000, pid, `Failed password for root from ${src} port ${port} ssh2`);
      this.t.sshd(host, time + 2_900_000, pid, `Connection closed by authenticating user root ${src} port ${port} [preauth]`);
      return;
    }
    this.t.sshd(host, time + 900_000, pid, `Invalid user ${user} from ${src} port ${port}`);
    this.t.sshd(host, time + 2_700_000, pid, `Connection closed by invalid user ${user} ${src} port ${port} [preauth]`);
  }

  /** A SYN scan answered by the open port and reset by the scanner. */
  synScan(views: FlowView[], time: number, src: string, dst: string, dstPort: number): void {
    for (const v of views) {
      this.t.flow(v, { time, src, srcPort: this.ephemeral(), dst, dstPort, proto: 'tcp', accept: true, packets: 2, bytes: 84, duration: 0, tcpFlags: 6, zeek: { state: 'RSTO', history: 'ShR' } });
    }
  }

  rejected(view: FlowView, time: number, src: string, dst: string, dstPort: number): void {
    this.t.flow(view, { time, src, srcPort: this.ephemeral(), dst, dstPort, proto: 'tcp', accept: false, packets: 1, bytes: 44, duration: 0, tcpFlags: 2, zeek: { state: 'REJ', history: 'Sr' } });
  }

  /** One Kubernetes API request (ResponseComplete stage). */
  kube(time: number, who: KubeIdentity, src: string, req: KubeRequest, mark?: string): void {
    this.t.k8sAudit(time, kubeEvent(this.prng, who, src, req), mark);
  }

  /** A kubectl session from outside the cluster: the flow to the apiserver and its requests. */
  kubectl(time: number, who: KubeIdentity, src: string, requests: KubeRequest[], mark?: string): number {
    this.connection(['azure'], time, src, this.ephemeral(), this.env.hosts.apiserver, 6443, { packets: 30 + requests.length * 8, bytes: 9000 + requests.length * 3000, duration: 2 + requests.length }, mark);
    let t = time + this.prng.int(150_000, 600_000);
    for (const r of requests) {
      this.kube(t, who, src, r, mark);
      t += this.prng.int(80_000, 1_500_000);
    }
    return t;
  }

  /** A container run through the Docker API proxy (nginx on :2375), with the engine's events. */
  dockerRun(time: number, src: string, o: { name: string; image: string; labels: Record<string, string>; userAgent: string; lifetime: number; cmd: string[]; hostConfig: Record<string, unknown> }, mark?: string): void {
    const id = this.prng.hex(64);
    const h = this.env.hosts;
    this.connection(['aws-v5'], time, src, this.ephemeral(), h.docker, 2375, { packets: 24, bytes: 5200, duration: Math.min(o.lifetime, 600) }, mark);
    const api = 'v1.45';
    let t = time + this.prng.int(100_000, 400_000);
    const create = { time: t, src, request: `POST /${api}/containers/create?name=${o.name} HTTP/1.1`, status: 201, bytes: 88, userAgent: o.userAgent };
    this.t.nginx(create, mark);
    this.t.nginxBody({ ...create, body: { Image: o.image, Cmd: o.cmd, Labels: o.labels, HostConfig: o.hostConfig } }, mark);
    this.t.dockerEvent(t + 20_000, 'create', id, { ...o.labels, image: o.image, name: o.name }, mark);
    t += this.prng.int(50_000, 300_000);
    this.t.nginx({ time: t, src, request: `POST /${api}/containers/${id.slice(0, 12)}/start HTTP/1.1`, status: 204, bytes: 0, userAgent: o.userAgent }, mark);
    this.t.dockerEvent(t + 150_000, 'start', id, { ...o.labels, image: o.image, name: o.name }, mark);
    if (o.lifetime > 0) {
      const end = t + o.lifetime * US_PER_S;
      this.t.dockerEvent(end, 'die', id, { ...o.labels, image: o.image, name: o.name, exitCode: '0' });
      this.t.nginx({ time: end + 300_000, src, request: `DELETE /${api}/containers/${id.slice(0, 12)}?v=1 HTTP/1.1`, status: 204, bytes: 0, userAgent: o.userAgent });
      this.t.dockerEvent(end + 320_000, 'destroy', id, { ...o.labels, image: o.image, name: o.name });
    }
  }

  /** Requests to the Kong admin API, seen by the Zeek sensor and the VPC flow log of the gateway. */
  gatewayAdmin(time: number, src: string, requests: { method: string; uri: string; status: number; reqLen?: number; respLen?: number }[], userAgent: string, mark?: string): void {
    const port = this.ephemeral();
    const gw = this.env.hosts.gateway;
    this.connection(['aws-v5', 'zeek'], time, src, port, gw, 8001, { packets: 10 + requests.length * 6, bytes: 1500 + requests.length * 1800, duration: 1 + requests.length, zeek: { state: 'SF', history: 'ShADadFf', service: 'http' } }, mark);
    let t = time + this.prng.int(20_000, 200_000);
    for (const r of requests) {
      this.t.zeekHttp({ time: t, src, srcPort: port, dst: gw, dstPort: 8001, method: r.method, uri: r.uri, status: r.status, userAgent, reqLen: r.reqLen ?? 0, respLen: r.respLen ?? 512 }, mark);
      t += this.prng.int(100_000, 900_000);
    }
  }
}

/** The source range detectors key a source by (IPv4 /24, IPv6 /48, the configuration defaults). */
export function rangeKey(ip: string): string {
  return networkOf(ip, 24, 48) ?? ip;
}
