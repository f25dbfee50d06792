/**
 * Normal administration and internet background for one day: what the baselines learn, and what
 * must keep passing without alerts after the learning period.
 */
import type { Activity } from './activity.js';
import { neighbour, NETWORKS } from './networks.js';
import { US_PER_H, US_PER_MIN, US_PER_S } from './time.js';

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
];

function certInfo(u: { keyType: string; fingerprint: string; cert?: { keyId: string; caFingerprint: string } }, serial: number): string {
  if (!u.cert) return `${u.keyType} ${u.fingerprint}`;
  return `${u.keyType} ${u.fingerprint} ID ${u.cert.keyId} (serial ${serial}) CA ED25519 ${u.cert.caFingerprint}`;
}

/** `dayStart` in µs; `dayIndex` 0 = Monday. */
export function normalDay(a: Activity, dayStart: number, dayIndex: number): void {
  const { env, prng } = a;
  const weekend = dayIndex % 7 >= 5;
  const work = (): number => dayStart + 8 * US_PER_H + prng.int(0, 10 * US_PER_H);
  const any = (): number => dayStart + prng.int(0, 24 * US_PER_H - 1);
  // The first day exercises every normal source against every target it uses, so that what the
  // baselines learn does not depend on the luck of the draw.
  const first = dayIndex === 0;
  const choose = <T>(list: readonly T[], i: number): T => (first ? (list[i % list.length] as T) : prng.pick(list));
  const times = (n: number, list: readonly unknown[]): number => (first ? Math.max(n, list.length) : n);

  // SSH administration. Certificates are short-lived: a fresh serial every day, same key id and CA.
  for (const u of env.sshUsers) {
    if (weekend && !u.weekends) continue;
    const n = times(u.perDay, u.sources);
    for (let i = 0; i < n; i++) {
      const t = u.name === 'ci-deploy' ? dayStart + Math.floor(((i + prng.next()) * 24 * US_PER_H) / n) : work();
      a.sshSession(u.bastion, t, u.name, u.uid, choose(u.sources, i), certInfo(u, 7000 + dayIndex * 3 + i));
    }
  }

  // Kubernetes: people read, CI deploys, the controller creates the pods, kubelets report.
  const k = env.kube;
  for (const who of weekend ? [] : [k.alice, k.bob]) {
    for (let i = 0; i < 3; i++) {
      const ns = prng.pick(['shop', 'payments', 'monitoring']);
      a.kubectl(work(), who, choose(who.sources, i), [
        { verb: 'list', resource: 'pods', namespace: ns },
        { verb: 'get', resource: 'deployments', namespace: ns, name: ns === 'monitoring' ? 'prometheus' : 'api' },
        { verb: 'get', resource: 'pods', namespace: ns, name: `api-${prng.hex(10)}-${prng.hex(5)}`, subresource: 'log' },
      ]);
    }
  }
  for (let i = 0; i < 4; i++) {
    const t = dayStart + Math.floor(((i + prng.next()) * 24 * US_PER_H) / 4);
    const ns = prng.pick(['shop', 'payments']);
    const image = `registry.example-corp.com/${ns}/api:${prng.hex(7)}`;
    const end = a.kubectl(t, k.deployer, choose(k.deployer.sources, i), [
      { verb: 'get', resource: 'deployments', namespace: ns, name: 'api' },
      {
        verb: 'patch',
        resource: 'deployments',
        namespace: ns,
        name: 'api',
        requestObject: { spec: { template: { spec: { containers: [{ name: 'api', image }] } } } },
      },
    ]);
    // The rollout: the controller manager creates the new pods from inside the control plane.
    for (let p = 0; p < 2; p++) {
      const name = `api-${prng.hex(10)}-${prng.hex(5)}`;
      a.kube(end + (p + 1) * 2 * US_PER_S, k.controller, env.hosts.apiserver, {
        verb: 'create',
        resource: 'pods',
        namespace: ns,
        name,
        requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: ns, labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image, securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false } }] } },
        reason: 'RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"',
      });
    }
  }
  for (let h = 0; h < 24; h++) {
    for (const [i, node] of k.nodes.entries()) {
      a.kube(dayStart + h * US_PER_H + prng.int(0, 50 * US_PER_MIN), node, env.hosts.nodes[i] as string, {
        verb: 'patch',
        resource: 'nodes',
        name: `node-${i + 1}`,
        subresource: 'status',
        requestObject: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
        reason: '',
      });
    }
    // Projected (pod-bound) service-account tokens rotate: the kubelet refreshes them before they
    // expire, so a new token id appears about every hour, from inside the cluster.
    const prom = k.prometheus;
    a.kube(dayStart + h * US_PER_H + prng.int(0, 50 * US_PER_MIN), prom, prom.sources[0] as string, { verb: 'list', resource: 'pods', credentialId: `JTI=${prng.uuid()}` });
  }
  // kubectl logs/exec go from the apiserver to the kubelet.
  for (let i = 0; i < 6; i++) a.connection(['azure'], work(), env.hosts.apiserver, a.ephemeral(), choose(env.hosts.nodes, i), 10250, { packets: 30, bytes: 12000, duration: 4 });

  // Docker: the CI runner builds and tests through the API proxy.
  for (let i = 0; i < 8; i++) {
    const t = dayStart + Math.floor(((i + prng.next()) * 24 * US_PER_H) / 8);
    const job = String(prng.int(100000, 999999));
    a.dockerRun(t, env.hosts.ciRunnerInternal, {
      name: `runner-${prng.hex(8)}-project-42-concurrent-0-${prng.hex(16)}-build`,
      image: prng.pick(['node:20-bookworm', 'golang:1.23', 'python:3.12-slim']),
      labels: { 'com.gitlab.gitlab-runner.job.id': job, 'com.gitlab.gitlab-runner.type': 'build' },
      userAgent: 'Docker-Client/27.3.1 (linux)',
      lifetime: prng.int(60, 900),
      cmd: ['sh', '-c', 'make test'],
      hostConfig: { NetworkMode: 'bridge', Binds: ['/srv/builds/project-42:/builds/project-42:rw'], Memory: 4294967296 },
    });
  }
  for (let i = 0; i < 12; i++) {
    a.t.nginx({ time: any(), src: env.hosts.ciRunnerInternal, request: 'GET /v1.45/containers/json?all=1 HTTP/1.1', status: 200, bytes: prng.int(400, 3000), userAgent: 'Docker-Client/27.3.1 (linux)' });
  }

  // Gateway: ops read the Kong admin API from the office, CI updates a route after each release.
  if (!weekend) {
    for (let i = 0; i < 2; i++) {
      const writes = prng.chance(0.3) ? [{ method: 'PATCH', uri: '/services/web', status: 200, reqLen: 96 }] : [];
      a.gatewayAdmin(work(), env.officeV4[0] as string, [{ method: 'GET', uri: '/status', status: 200 }, { method: 'GET', uri: '/services', status: 200, respLen: 2400 }, ...writes], 'HTTPie/3.2.4');
    }
  }
  for (let i = 0; i < times(1, env.ciRunners); i++) {
    a.gatewayAdmin(work(), choose(env.ciRunners, i), [{ method: 'PUT', uri: '/services/web/routes/web-main', status: 200, reqLen: 212 }], 'curl/8.5.0');
  }

  // Public web traffic through the ALB to the Kong proxy.
  for (let i = 0; i < 60; i++) {
    const client = prng.chance(0.5) ? a.address(prng.pick(NETWORKS.filter((n) => n.kind === 'residential' && !n.first.includes(':')))) : env.bobHome;
    const path = prng.pick(['/', '/products', '/products/42', '/api/cart', '/static/app.js', '/login']);
    a.t.alb({ time: any(), client, clientPort: a.ephemeral(), target: `${env.hosts.gateway}:8000`, method: path === '/api/cart' ? 'POST' : 'GET', url: `https://www.example-corp.com:443${path}`, status: 200, received: prng.int(300, 900), sent: prng.int(500, 60000), userAgent: prng.pick(BROWSERS) });
  }

  // Internet background. Scanners that come back daily reach the exposed services; everything
  // else from random addresses is rejected by the security groups.
  for (const s of env.scanners) {
    const ip = neighbour(s, prng);
    a.synScan(['aws-v2', 'zeek'], any(), ip, env.hosts.bastion1, 22);
    if (first || prng.chance(0.5)) a.sshFailure('bastion-1', any(), ip);
    if (first || prng.chance(0.5)) a.sshFailure('bastion-2', any(), ip);
    if (first || prng.chance(0.5)) {
      const t = any();
      a.connection(['aws-v5'], t, ip, a.ephemeral(), env.hosts.docker, 2375, { packets: 6, bytes: 700, duration: 1 });
      a.t.nginx({ time: t + 200_000, src: ip, request: prng.pick(['GET /version HTTP/1.1', 'GET /v1.24/containers/json HTTP/1.1', 'GET /info HTTP/1.1']), status: 200, bytes: prng.int(200, 1200), userAgent: prng.pick(['Go-http-client/1.1', 'python-requests/2.31.0', 'Mozilla/5.0 zgrab/0.x']) });
    }
    if (prng.chance(0.3)) a.t.nginx({ time: any(), src: ip, request: '\x16\x03\x01\x00\xee\x01\x00\x00\xea\x03\x03', status: 400, bytes: 157, userAgent: '-' });
    if (prng.chance(0.5)) a.t.alb({ time: any(), client: ip, clientPort: a.ephemeral(), target: `${env.hosts.gateway}:8000`, method: 'GET', url: 'https://www.example-corp.com:443/wp-login.php', status: 404, received: 180, sent: 310, userAgent: 'Mozilla/5.0 (compatible; scanner)' });
  }
  for (let i = 0; i < 40; i++) {
    const src = a.address(prng.pick(NETWORKS));
    if (src.includes(':')) continue;
    const t = any();
    switch (i % 4) {
      case 0:
        a.rejected('aws-v2', t, src, env.hosts.bastion1, prng.pick([23, 3389, 5900, 2222]));
        break;
      case 1:
        a.rejected('aws-v5', t, src, prng.pick([env.hosts.gateway, env.hosts.docker]), prng.pick([8444, 2376, 9901, 10250]));
        break;
      case 2:
        a.rejected('azure', t, src, prng.pick([env.hosts.apiserver, ...env.hosts.nodes]), prng.pick([10250, 10255, 2379, 22]));
        break;
      default:
        a.rejected('zeek', t, src, env.hosts.gateway, prng.pick([8444, 9901, 22]));
    }
  }
}
