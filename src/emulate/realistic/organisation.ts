/**
 * The realistic profile's organisation: forty hosts behind one VPC, two public bastions, an nginx
 * edge gateway and a Kong gateway that carry public traffic next to admin routes, a public
 * Kubernetes API endpoint, employees with keys and client certificates who work from the office,
 * the branch office, home and hotels, hosted CI, and in-cluster service accounts.
 */
import type { KubeIdentity } from '../environment.js';
import { addressIn, type SourceNetwork } from '../networks.js';
import type { Prng } from '../prng.js';
import { BRANCH_OFFICE, CONSUMER } from './pools.js';

/** Headquarters (listed in drawbridge.yaml) and the VPN egress (listed too). */
export const HQ_V4 = '198.51.100.0/24';
export const VPN_V4 = '192.0.2.0/24';
export const VPC_V4 = '10.20.0.0/16';
export const POD_V4 = '10.244.0.0/16';

export interface Host {
  name: string;
  ip: string;
  eni: string;
}

export interface Employee {
  name: string;
  uid: number;
  keyType: 'ED25519' | 'RSA' | 'ECDSA';
  fingerprint: string;
  /** The home ISP and the addresses the line has had (dynamic addressing moves between /24s). */
  homeNet: SourceNetwork;
  homes: string[];
  /** Works from the branch office rather than headquarters. */
  branch: boolean;
  /** Travels in some weeks (hotel and mobile networks abroad). */
  travels: boolean;
  /** kubectl with a client certificate. */
  kube?: KubeIdentity;
  /** Edits the web site through the edge gateway's /admin route. */
  editor: boolean;
  /** Changes the Kong configuration through the admin port. */
  gatewayAdmin: boolean;
}

export interface ServiceAccount {
  who: KubeIdentity;
  /** The pod's address (in-cluster). */
  src: string;
  verb: string;
  resource: string;
  namespace?: string;
}

export interface Organisation {
  account: string;
  hosts: Host[];
  bastions: [Host, Host];
  edge: Host;
  kong: Host;
  apiserver: Host;
  ansible: Host;
  nodes: Host[];
  internal: Host[];
  hq: string[];
  vpn: string[];
  branch: string[];
  employees: Employee[];
  ci: { sshUser: string; uid: number; fingerprint: string; deployer: KubeIdentity };
  serviceAccounts: ServiceAccount[];
  controller: KubeIdentity;
  nodeIdentities: KubeIdentity[];
}

const NAMES = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj',
  'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'uma', 'victor', 'walter', 'xena', 'yusuf', 'zoe', 'quinn',
];

export function fingerprint(prng: Prng): string {
  return `SHA256:${prng.b64(43)}`;
}

function kubeUser(prng: Prng, name: string): KubeIdentity {
  return {
    username: `${name}@example-corp.com`,
    uid: '',
    groups: ['engineering', 'system:authenticated'],
    credentialId: `X509SHA256=${prng.hex(64)}`,
    rotates: false,
    sources: [],
    userAgent: prng.pick(['kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46', 'kubectl/v1.30.4 (darwin/arm64) kubernetes/a51b3b7', 'k9s/v0.32.5 (darwin/arm64)']),
  };
}

function serviceAccount(prng: Prng, ns: string, name: string, node: number): ServiceAccount['who'] {
  return {
    username: `system:serviceaccount:${ns}:${name}`,
    uid: prng.uuid(),
    groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
    credentialId: '',
    rotates: true,
    extra: {
      'authentication.kubernetes.io/node-name': [`node-${node}`],
      'authentication.kubernetes.io/pod-name': [`${name}-${prng.hex(9)}-${prng.hex(5)}`],
      'authentication.kubernetes.io/pod-uid': [prng.uuid()],
    },
    sources: [],
    userAgent: `${name}/v1 (linux/amd64)`,
  };
}

export function buildOrganisation(prng: Prng): Organisation {
  const account = String(prng.int(100000000000, 999999999999));
  const host = (name: string, ip: string): Host => ({ name, ip, eni: `eni-0${prng.hex(16)}` });
  const bastions: [Host, Host] = [host('bastion-1', '10.20.1.10'), host('bastion-2', '10.20.1.11')];
  const edge = host('edge-1', '10.20.2.10');
  const kong = host('kong-1', '10.20.2.20');
  const apiserver = host('k8s-api', '10.20.3.5');
  const ansible = host('ops-1', '10.20.4.5');
  const nodes = Array.from({ length: 8 }, (_, i) => host(`k8s-node-${String(i + 1).padStart(2, '0')}`, `10.20.3.${20 + i}`));
  const apps = Array.from({ length: 12 }, (_, i) => host(`app-${String(i + 1).padStart(2, '0')}`, `10.20.5.${10 + i}`));
  const dbs = Array.from({ length: 4 }, (_, i) => host(`db-${String(i + 1).padStart(2, '0')}`, `10.20.6.${10 + i}`));
  const workers = Array.from({ length: 10 }, (_, i) => host(`worker-${String(i + 1).padStart(2, '0')}`, `10.20.7.${10 + i}`));
  const misc = [host('ci-runner-1', '10.20.4.20'), host('vault-1', '10.20.4.30'), host('monitor-1', '10.20.4.40')];
  const internal = [...nodes, ...apps, ...dbs, ...workers, ...misc];
  const hosts = [...bastions, edge, kong, apiserver, ansible, ...internal];

  const hq = Array.from({ length: 6 }, () => `198.51.100.${prng.int(10, 250)}`);
  const vpn = Array.from({ length: 3 }, () => `192.0.2.${prng.int(10, 250)}`);
  const branch = Array.from({ length: 2 }, () => addressIn(BRANCH_OFFICE, prng));

  const employees: Employee[] = NAMES.map((name, i) => {
    const homeNet = CONSUMER[i % CONSUMER.length] as SourceNetwork;
    const first = addressIn(homeNet, prng);
    const homes = prng.chance(0.5) ? [first, addressIn(homeNet, prng)] : [first];
    const e: Employee = {
      name,
      uid: 1001 + i,
      keyType: prng.pick(['ED25519', 'ED25519', 'RSA', 'ECDSA'] as const),
      fingerprint: fingerprint(prng),
      homeNet,
      homes,
      branch: i % 4 === 3,
      travels: i % 6 === 0,
      editor: i % 5 === 1,
      gatewayAdmin: i < 3,
    };
    if (i % 3 === 0) e.kube = kubeUser(prng, name);
    return e;
  });

  const deployer: KubeIdentity = {
    username: 'system:serviceaccount:ci:deployer',
    uid: prng.uuid(),
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
    credentialId: '',
    rotates: true,
    sources: [],
    userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
  };
  const saDefs: [string, string, number, string, string][] = [
    ['monitoring', 'prometheus', 2, 'list', 'pods'],
    ['logging', 'fluent-bit', 3, 'watch', 'pods'],
    ['cert-manager', 'cert-manager', 4, 'list', 'certificates'],
    ['argocd', 'argocd-application-controller', 5, 'list', 'deployments'],
    ['kube-system', 'external-dns', 6, 'list', 'services'],
    ['kube-system', 'cluster-autoscaler', 1, 'list', 'nodes'],
  ];
  const serviceAccounts = saDefs.map(([ns, name, node, verb, resource]) => ({
    who: serviceAccount(prng, ns, name, node),
    src: `10.244.${node}.${prng.int(2, 250)}`,
    verb,
    resource,
    ...(resource === 'nodes' ? {} : { namespace: ns }),
  }));
  const controller: KubeIdentity = {
    username: 'system:kube-controller-manager',
    uid: '',
    groups: ['system:authenticated'],
    credentialId: `X509SHA256=${prng.hex(64)}`,
    rotates: false,
    sources: [],
    userAgent: 'kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/system:serviceaccount:kube-system:replicaset-controller',
  };
  const nodeIdentities = nodes.map((n, i) => ({
    username: `system:node:node-${i + 1}`,
    uid: '',
    groups: ['system:nodes', 'system:authenticated'],
    credentialId: `X509SHA256=${prng.hex(64)}`,
    rotates: false,
    sources: [n.ip],
    userAgent: 'kubelet/v1.31.2 (linux/amd64) kubernetes/5864a46',
  }));

  return {
    account,
    hosts,
    bastions,
    edge,
    kong,
    apiserver,
    ansible,
    nodes,
    internal,
    hq,
    vpn,
    branch,
    employees,
    ci: { sshUser: 'ci-deploy', uid: 998, fingerprint: fingerprint(prng), deployer },
    serviceAccounts,
    controller,
    nodeIdentities,
  };
}
