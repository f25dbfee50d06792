/**
 * What the realistic month hides in its live week: the technique's procedures (one or more per
 * sub-technique, each with the severity it must be found at) and benign new events that a security
 * team expects to see at most as medium (a new hire, a key rotation, a renewed certificate, an
 * employee's new home ISP, an administrator travelling).
 */
import type { Severity } from '../../model/severity.js';
import type { DataSource, SubTechnique } from '../../model/technique.js';
import { anonymousKubectl, ANONYMOUS_ADMIN_REASON, privilegedPod } from '../attacks.js';
import type { BenignKind } from '../labels.js';
import { neighbour, type SourceNetwork } from '../networks.js';
import { US_PER_MIN, US_PER_S } from '../time.js';
import { slash24, type Actions } from './actions.js';
import type { Background, DayContext } from './background.js';
import { fingerprint, type Employee } from './organisation.js';
import { network as networkById } from '../networks.js';

interface Planted {
  id: string;
  /** Live day (0 = the first day after the history) and UTC hour it starts. */
  day: number;
  hour: number;
  source: string;
  network: SourceNetwork;
  identity?: string;
  credential?: string;
  plant(day: DayContext, time: number): void;
}

export interface PlantedProcedure extends Planted {
  subTechnique: SubTechnique;
  description: string;
  expected: DataSource[];
  minSeverity: Severity;
}

export interface PlantedBenign extends Planted {
  kind: BenignKind;
  description: string;
  maxSeverity: Severity;
  identity: string;
  /** Employees whose ordinary day is replaced by this event on its day. */
  replaces?: string;
}

/** A fresh source in `net`, its /24 kept from background traffic. */
function fresh(a: Actions, net: SourceNetwork): string {
  const ip = a.address(net);
  a.reserved.add(slash24(ip));
  return ip;
}

const SPRAY_USERS = ['admin', 'backup', 'svc-backup', 'jenkins', 'deploy', 'git', 'postgres', 'ubuntu', 'test', 'monitor', 'support', 'oracle'];

export function procedures(a: Actions, liveDays: number): PlantedProcedure[] {
  const { org, prng } = a;
  const day = (i: number): number => i % liveDays;
  const list: PlantedProcedure[] = [];
  const [b1, b2] = org.bastions;

  {
    const network = networkById('vnpt');
    const source = fresh(a, network);
    list.push({
      id: 'ssh-brute-force-success',
      subTechnique: 'ssh-access',
      description: 'password guessing against bastion-2 from one address for 50 minutes, then a successful password login as deploy',
      expected: ['DS0029', 'DS0002'],
      minSeverity: 'high',
      day: day(0),
      hour: 3,
      source,
      network,
      identity: 'deploy',
      plant(_d, t) {
        for (let k = 0; k < 120; k++) a.sshFailure(b2, t + k * 25 * US_PER_S, source, prng.pick(['root', 'deploy', 'admin']), true, this.id, k % 10 === 0);
        const auth = a.sshSession(b2, t + 52 * US_PER_MIN, 'deploy', 1050, source, 'password', this.id);
        a.logs.syslog(b2.name, auth + 2 * US_PER_MIN, 'sudo', a.nextPid(), 'deploy : TTY=pts/1 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/bash');
      },
    });
  }
  {
    const network = networkById('contabo');
    const source = fresh(a, network);
    list.push({
      id: 'ssh-password-spray-success',
      subTechnique: 'ssh-access',
      description: 'one /24 tries one password against many accounts on bastion-1; svc-backup accepts it',
      expected: ['DS0029', 'DS0002'],
      minSeverity: 'high',
      day: day(1),
      hour: 22,
      source,
      network,
      identity: 'svc-backup',
      plant(_d, t) {
        const addrs = [source, neighbour(source, prng), neighbour(source, prng)];
        const users = [...SPRAY_USERS, ...org.employees.slice(0, 12).map((e) => e.name)];
        users.forEach((u, k) => {
          const exists = org.employees.some((e) => e.name === u) || u === 'svc-backup' || u === 'deploy';
          a.sshFailure(b1, t + k * 40 * US_PER_S, addrs[k % addrs.length] as string, u, exists, this.id, k % 4 === 0);
        });
        a.sshSession(b1, t + users.length * 40 * US_PER_S + 3 * US_PER_MIN, 'svc-backup', 1060, source, 'password', this.id);
      },
    });
  }
  {
    const network = networkById('m247-146');
    const source = fresh(a, network);
    const victim = org.employees[9] as Employee;
    const fp = fingerprint(prng);
    list.push({
      id: 'ssh-new-key-hosting-night',
      subTechnique: 'ssh-access',
      description: `${victim.name} logs in to bastion-1 at night with a key never seen before, from a hosting provider's network`,
      expected: ['DS0029', 'DS0002'],
      minSeverity: 'high',
      day: day(2),
      hour: 2,
      source,
      network,
      identity: victim.name,
      credential: fp,
      plant(_d, t) {
        a.sshSession(b1, t, victim.name, victim.uid, source, `ED25519 ${fp}`, this.id);
      },
    });
  }
  {
    const network = networkById('ovh-57');
    const source = fresh(a, network);
    const name = `node-debug-${prng.hex(5)}`;
    const jti = `JTI=${prng.uuid()}`;
    list.push({
      id: 'ci-first-privileged-pod',
      subTechnique: 'exposed-kubernetes-api',
      description: 'the CI deployer, which creates pods every day, creates its first privileged pod (hostPID, hostNetwork, / mounted) from a range it never used',
      expected: ['DS0029', 'DS0015'],
      minSeverity: 'high',
      day: day(3),
      hour: 14,
      source,
      network,
      identity: org.ci.deployer.username,
      credential: jti,
      plant(_d, t) {
        a.kubectl(t, org.ci.deployer, source, [
          { verb: 'list', resource: 'secrets', namespace: 'ci' },
          { verb: 'create', resource: 'pods', namespace: 'ci', name, requestObject: privilegedPod(name, 'ci') },
        ], { credentialId: jti, mark: this.id });
      },
    });
  }
  {
    const network = networkById('tencent');
    const source = fresh(a, network);
    const name = `kube-proxy-${prng.hex(5)}`;
    list.push({
      id: 'kubernetes-anonymous-privileged-pod',
      subTechnique: 'exposed-kubernetes-api',
      description: 'the public API endpoint reached from a new range; system:anonymous (bound to cluster-admin by mistake) creates a privileged hostPath pod in kube-system',
      expected: ['DS0029', 'DS0015'],
      minSeverity: 'critical',
      day: day(4),
      hour: 5,
      source,
      network,
      identity: 'system:anonymous',
      plant(_d, t) {
        const anon = anonymousKubectl(source);
        const reason = ANONYMOUS_ADMIN_REASON;
        a.kubectl(t, anon, source, [
          { verb: 'get', uri: '/version', resource: 'version', code: 200, reason },
          { verb: 'list', resource: 'pods', namespace: 'kube-system', reason },
          { verb: 'create', resource: 'pods', namespace: 'kube-system', name, requestObject: privilegedPod(name, 'kube-system'), reason },
        ], { mark: this.id, sorted: true });
      },
    });
  }
  {
    const network = networkById('alibaba');
    const source = fresh(a, network);
    list.push({
      id: 'kong-admin-port-write',
      subTechnique: 'exposed-gateway',
      description: "Kong's admin port (8444) reached from a new range with the CI's leaked basic-auth credentials; a service, a route and a pre-function plugin (code) are created",
      expected: ['DS0029'],
      minSeverity: 'high',
      day: day(5),
      hour: 1,
      source,
      network,
      plant(_d, t) {
        a.visit('kongAdmin', org.kong, 8444, t, source, [
          { method: 'GET', path: '/', status: 200, bytes: 9800, userAgent: 'python-requests/2.32.3', user: 'ci-deck' },
          { method: 'POST', path: '/services', status: 201, bytes: 410, userAgent: 'python-requests/2.32.3', user: 'ci-deck' },
          { method: 'POST', path: '/services/upd/routes', status: 201, bytes: 380, userAgent: 'python-requests/2.32.3', user: 'ci-deck' },
          { method: 'POST', path: '/services/upd/plugins', status: 201, bytes: 520, userAgent: 'python-requests/2.32.3', user: 'ci-deck' },
        ], this.id);
      },
    });
  }
  {
    const network = networkById('digitalocean-209');
    const source = fresh(a, network);
    list.push({
      id: 'jenkins-script-console',
      subTechnique: 'unauthenticated-admin-interface',
      description: "Jenkins behind the edge gateway's admin route (ci.example-corp.com/jenkins/) left without authentication: the script console runs Groovy from a new range",
      expected: ['DS0029'],
      minSeverity: 'high',
      day: day(6),
      hour: 23,
      source,
      network,
      plant(_d, t) {
        a.visit('edge', org.edge, 443, t, source, [
          { host: 'ci.example-corp.com', method: 'GET', path: '/jenkins/', status: 200, bytes: 14000, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
          { host: 'ci.example-corp.com', method: 'GET', path: '/jenkins/script', status: 200, bytes: 9200, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
          { host: 'ci.example-corp.com', method: 'POST', path: '/jenkins/script', status: 200, bytes: 2100, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
        ], this.id);
      },
    });
  }
  return list;
}

export function benign(a: Actions, bg: Background, liveDays: number): PlantedBenign[] {
  const { org, prng } = a;
  const day = (i: number): number => Math.min(i, liveDays - 1);
  const list: PlantedBenign[] = [];
  const employee = (i: number): Employee => org.employees[i] as Employee;
  {
    const hire: Employee = { ...employee(3), name: 'kim', uid: 1040, fingerprint: fingerprint(prng), homes: [], branch: true, travels: false, editor: false, gatewayAdmin: false };
    delete hire.kube;
    const source = org.branch[0] as string;
    list.push({
      id: 'benign-new-hire',
      kind: 'new-hire',
      description: 'kim joins the branch office: a first key, first logins from the branch office that colleagues use every day',
      maxSeverity: 'medium',
      day: day(1),
      hour: 10,
      source,
      network: networkById('bt-business'),
      identity: 'kim',
      credential: hire.fingerprint,
      plant(d, t) {
        bg.employeeDay(hire, d, { src: source, mark: this.id, time: t });
      },
    });
  }
  {
    const e = employee(4);
    const fp = fingerprint(prng);
    const source = e.homes[e.homes.length - 1] as string;
    list.push({
      id: 'benign-key-rotation',
      kind: 'key-rotation',
      description: `${e.name} replaces an old key with a new one and uses it from home, the usual network`,
      maxSeverity: 'medium',
      day: day(2),
      hour: 9,
      source,
      network: e.homeNet,
      identity: e.name,
      credential: fp,
      replaces: e.name,
      plant(d, t) {
        e.fingerprint = fp;
        bg.employeeDay(e, d, { src: source, mark: this.id, time: t });
      },
    });
  }
  {
    const e = employee(0);
    const cert = `X509SHA256=${prng.hex(64)}`;
    const source = e.homes[e.homes.length - 1] as string;
    list.push({
      id: 'benign-certificate-renewal',
      kind: 'certificate-renewal',
      description: `${e.name}'s Kubernetes client certificate is renewed; kubectl uses the new one from home`,
      maxSeverity: 'medium',
      day: day(3),
      hour: 9,
      source,
      network: e.homeNet,
      identity: e.kube?.username ?? e.name,
      credential: cert,
      replaces: e.name,
      plant(d, t) {
        if (e.kube) e.kube.credentialId = cert;
        bg.employeeDay(e, d, { src: source, mark: this.id, time: t });
      },
    });
  }
  {
    const e = employee(5);
    // The new ISP is one colleagues already work from.
    const network = employee(6).homeNet;
    const source = fresh(a, network);
    list.push({
      id: 'benign-new-home-isp',
      kind: 'new-home-isp',
      description: `${e.name} moves house: the same key, now from a broadband provider colleagues already use`,
      maxSeverity: 'medium',
      day: day(4),
      hour: 8,
      source,
      network,
      identity: e.name,
      replaces: e.name,
      plant(d, t) {
        e.homes.push(source);
        e.homeNet = network;
        bg.employeeDay(e, d, { src: source, mark: this.id, time: t });
      },
    });
  }
  {
    const e = employee(6);
    const network = networkById('telefonica');
    const source = fresh(a, network);
    list.push({
      id: 'benign-travelling-admin',
      kind: 'travelling-admin',
      description: `${e.name} works from a hotel abroad with the usual key`,
      maxSeverity: 'medium',
      day: day(5),
      hour: 19,
      source,
      network,
      identity: e.name,
      replaces: e.name,
      plant(d, t) {
        bg.employeeDay(e, d, { src: source, mark: this.id, time: t });
      },
    });
  }
  return list;
}
