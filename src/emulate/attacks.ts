/**
 * The technique's procedures (TECHNIQUE.md), planted after the learning period. Each one is a
 * chain: a connection from a source range never seen before → an unauthenticated or credentialed
 * write → a creation (route/plugin, privileged pod, privileged container) or an interactive login.
 */
import type { DataSource, SubTechnique } from '../model/technique.js';
import type { Activity } from './activity.js';
import type { KubeIdentity } from './environment.js';
import { network } from './networks.js';
import { US_PER_MIN, US_PER_S } from './time.js';

export interface PlantedProcedure {
  id: string;
  subTechnique: SubTechnique;
  description: string;
  expected: DataSource[];
  networkId: string;
  source: string;
  identity?: string;
  credential?: string;
  /** Writes the records, every one marked with `id`. */
  plant(a: Activity, time: number): void;
}

/** A pod that hands over its node: privileged, host PID and network namespaces, / mounted. */
export function privilegedPod(name: string, ns: string): Record<string, unknown> {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name, namespace: ns },
    spec: {
      hostPID: true,
      hostNetwork: true,
      containers: [
        {
          name: 'shell',
          image: 'alpine:3.20',
          command: ['/bin/sh', '-c', 'sleep 86400'],
          securityContext: { privileged: true },
          volumeMounts: [{ name: 'host', mountPath: '/host' }],
        },
      ],
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
    },
  };
}

/** The misconfiguration behind anonymous writes: system:anonymous bound to cluster-admin. */
export const ANONYMOUS_ADMIN_REASON = 'RBAC: allowed by ClusterRoleBinding "anonymous-debug" of ClusterRole "cluster-admin" to User "system:anonymous"';

export function anonymousKubectl(source: string): KubeIdentity {
  return { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], credentialId: '', rotates: false, sources: [source], userAgent: 'kubectl/v1.29.0 (linux/amd64) kubernetes/3f7a50f' };
}

/** The procedures of one emulation; `pickSource` draws a source from a network not seen in normal traffic. */
export function procedures(a: Activity, pickSource: (networkId: string) => string): PlantedProcedure[] {
  const { env, prng } = a;
  const list: PlantedProcedure[] = [];

  {
    const source = pickSource('digitalocean');
    list.push({
      id: 'gateway-admin-api-write',
      subTechnique: 'exposed-gateway',
      description: 'Kong admin API (:8001) reached from a new range; a service, a route and a pre-function plugin (code) are created',
      expected: ['DS0029'],
      networkId: 'digitalocean',
      source,
      plant(act, t) {
        act.gatewayAdmin(
          t,
          source,
          [
            { method: 'GET', uri: '/', status: 200, respLen: 9800 },
            { method: 'POST', uri: '/services', status: 201, reqLen: 64 },
            { method: 'POST', uri: '/services/upd/routes', status: 201, reqLen: 48 },
            { method: 'POST', uri: '/services/upd/plugins', status: 201, reqLen: 410 },
          ],
          'python-requests/2.32.3',
          this.id,
        );
      },
    });
  }
  {
    const source = pickSource('chinanet');
    const name = `kube-proxy-${prng.hex(5)}`;
    list.push({
      id: 'kubernetes-anonymous-privileged-pod',
      subTechnique: 'exposed-kubernetes-api',
      description: 'kube-apiserver reached from a new range; system:anonymous (bound to cluster-admin by mistake) creates a privileged hostPath pod',
      expected: ['DS0029', 'DS0015'],
      networkId: 'chinanet',
      source,
      identity: 'system:anonymous',
      plant(act, t) {
        const anon = anonymousKubectl(source);
        const reason = ANONYMOUS_ADMIN_REASON;
        act.kubectl(
          t,
          anon,
          source,
          [
            { verb: 'get', uri: '/version', resource: 'version', code: 200, reason },
            { verb: 'list', resource: 'pods', namespace: 'kube-system', reason },
            { verb: 'create', resource: 'pods', namespace: 'kube-system', name, requestObject: privilegedPod(name, 'kube-system'), reason },
          ],
          this.id,
        );
      },
    });
  }
  {
    const source = pickSource('ovh');
    const stolen = `JTI=${prng.uuid()}`;
    const name = `debug-${prng.hex(5)}`;
    list.push({
      id: 'kubernetes-stolen-token-privileged-pod',
      subTechnique: 'exposed-kubernetes-api',
      description: 'the CI service account, with a token id never seen before, from a foreign ASN, creates a privileged pod',
      expected: ['DS0029', 'DS0002', 'DS0015'],
      networkId: 'ovh',
      source,
      identity: env.kube.deployer.username,
      credential: stolen,
      plant(act, t) {
        act.kubectl(
          t,
          env.kube.deployer,
          source,
          [
            { verb: 'list', resource: 'secrets', namespace: 'shop', credentialId: stolen },
            { verb: 'create', resource: 'pods', namespace: 'shop', name, requestObject: privilegedPod(name, 'shop'), credentialId: stolen },
          ],
          this.id,
        );
      },
    });
  }
  for (const [host, net, user] of [
    ['bastion-1', 'hetzner', env.sshUsers[0]],
    ['bastion-2', 'hetzner-v6', env.sshUsers[2]],
  ] as const) {
    if (!user) continue;
    const source = pickSource(net);
    const fingerprint = `SHA256:${prng.b64(43)}`;
    list.push({
      id: `ssh-new-key-${host}`,
      subTechnique: 'ssh-access',
      description: `${user.name} logs in to ${host} with a key never seen before, from a foreign ASN`,
      expected: ['DS0029', 'DS0002'],
      networkId: net,
      source,
      identity: user.name,
      credential: fingerprint,
      plant(act, t) {
        act.sshSession(host, t, user.name, user.uid, source, `ED25519 ${fingerprint}`, this.id);
      },
    });
  }
  {
    const source = pickSource('digitalocean');
    const name = `cache-${prng.hex(6)}`;
    list.push({
      id: 'docker-api-unauthenticated-create',
      subTechnique: 'unauthenticated-admin-interface',
      description: 'unauthenticated Docker Engine API (:2375, through the proxy) from a new range: POST /containers/create with HostConfig.Privileged and the host root bind-mounted, then start',
      expected: ['DS0029', 'DS0015'],
      networkId: 'digitalocean',
      source,
      plant(act, t) {
        act.dockerRun(
          t,
          source,
          {
            name,
            image: 'alpine:3.20',
            labels: {},
            userAgent: 'Go-http-client/1.1',
            lifetime: 0,
            cmd: ['chroot', '/host', 'sh', '-c', 'sleep 86400'],
            hostConfig: { Privileged: true, PidMode: 'host', NetworkMode: 'host', Binds: ['/:/host:rw'] },
          },
          this.id,
        );
        // A second look a few minutes later: the attacker lists what runs.
        act.t.nginx({ time: t + 4 * US_PER_MIN, src: source, request: 'GET /v1.45/containers/json HTTP/1.1', status: 200, bytes: 2311, userAgent: 'Go-http-client/1.1' }, this.id);
      },
    });
  }
  return list;
}

export const PROCEDURE_SPACING_US = 3 * 60 * 60 * US_PER_S;
export { network };
