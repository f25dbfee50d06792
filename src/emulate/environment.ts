/**
 * The emulated organisation: hosts and services, identities with their credentials, and the
 * networks normal traffic comes from. Everything is drawn from the seeded PRNG.
 */
import { addressIn, network } from './networks.js';
import type { Prng } from './prng.js';

export const ORG_V4 = '198.51.100.0/24';
export const ORG_V6 = '2001:db8::/32';
/** Documentation ASN standing in for the organisation's own network. */
export const ORG_ASN = 64500;

export interface SshUser {
  name: string;
  uid: number;
  /** The sshd `info` text of the user's credential (key or certificate), without a serial for certificates. */
  keyType: string;
  fingerprint: string;
  cert?: { keyId: string; caFingerprint: string };
  /** Source addresses this user normally logs in from. */
  sources: string[];
  /** Bastion this user uses. */
  bastion: 'bastion-1' | 'bastion-2';
  /** Logins per working day. */
  perDay: number;
  weekends: boolean;
}

export interface KubeIdentity {
  username: string;
  uid: string;
  groups: string[];
  /** Value of user.extra["authentication.kubernetes.io/credential-id"]; rotated hourly when `rotates`. */
  credentialId: string;
  rotates: boolean;
  /** Further user.extra entries (pod-bound tokens name their pod and node). */
  extra?: Record<string, string[]>;
  sources: string[];
  userAgent: string;
}

export interface Environment {
  account: string;
  accountEni: { bastion1: string; gateway: string; docker: string };
  vpcId: string;
  hosts: {
    bastion1: string;
    gateway: string;
    docker: string;
    bastion2: string;
    apiserver: string;
    nodes: string[];
    ciRunnerInternal: string;
  };
  officeV4: string[];
  officeV6: string[];
  /** CI runners on the cloud provider the organisation uses (its ASN is listed as the organisation's). */
  ciRunners: string[];
  bobHome: string;
  sshUsers: SshUser[];
  kube: { alice: KubeIdentity; bob: KubeIdentity; deployer: KubeIdentity; controller: KubeIdentity; nodes: KubeIdentity[]; prometheus: KubeIdentity };
  /** Internet scanners that come back every day (learned during the learning period). */
  scanners: string[];
  albName: string;
  targetGroupArn: string;
}

function x509(prng: Prng): string {
  return `X509SHA256=${prng.hex(64)}`;
}

export function buildEnvironment(prng: Prng): Environment {
  const account = String(prng.int(100000000000, 999999999999));
  const eni = (): string => `eni-0${prng.hex(16)}`;
  const officeV4 = [1, 2, 3].map(() => `198.51.100.${prng.int(10, 250)}`);
  const officeV6 = [1, 2].map(() => `2001:db8:10:${prng.int(1, 0xff).toString(16)}::${prng.int(1, 0xfff).toString(16)}`);
  const aws = network('aws');
  const firstRunner = addressIn(aws, prng);
  const ciRunners = [firstRunner, addressIn(aws, prng)];
  const bobHome = addressIn(network('comcast'), prng);
  const scannerNets = ['linode', 'chunghwa', 'dtag', 'azure', 'digitalocean', 'm247'];
  const scanners = Array.from({ length: 10 }, (_, i) => addressIn(network(scannerNets[i % scannerNets.length] as string), prng));
  const nodes = ['10.240.0.10', '10.240.0.11', '10.240.0.12'];
  const fp = (): string => `SHA256:${prng.b64(43)}`;

  const sshUsers: SshUser[] = [
    { name: 'alice', uid: 1001, keyType: 'ED25519', fingerprint: fp(), sources: [officeV4[0] as string, officeV6[0] as string], bastion: 'bastion-1', perDay: 3, weekends: false },
    {
      name: 'bob',
      uid: 1002,
      keyType: 'ED25519-CERT',
      fingerprint: fp(),
      cert: { keyId: 'bob@example-corp', caFingerprint: fp() },
      sources: [officeV4[1] as string, bobHome],
      bastion: 'bastion-1',
      perDay: 2,
      weekends: true,
    },
    { name: 'carol', uid: 1003, keyType: 'RSA', fingerprint: fp(), sources: [officeV4[2] as string, officeV6[1] as string], bastion: 'bastion-2', perDay: 3, weekends: false },
    { name: 'ci-deploy', uid: 998, keyType: 'ED25519', fingerprint: fp(), sources: ciRunners, bastion: 'bastion-1', perDay: 6, weekends: true },
    { name: 'ci-deploy', uid: 998, keyType: 'ED25519', fingerprint: fp(), sources: ciRunners, bastion: 'bastion-2', perDay: 4, weekends: true },
  ];

  const kube = {
    alice: { username: 'alice@example-corp', uid: '', groups: ['ops', 'system:authenticated'], credentialId: x509(prng), rotates: false, sources: [officeV4[0] as string], userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46' },
    bob: { username: 'bob@example-corp', uid: '', groups: ['ops', 'system:authenticated'], credentialId: x509(prng), rotates: false, sources: [officeV4[1] as string, bobHome], userAgent: 'kubectl/v1.30.4 (darwin/arm64) kubernetes/a51b3b7' },
    deployer: {
      username: 'system:serviceaccount:ci:deployer',
      uid: prng.uuid(),
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
      credentialId: `JTI=${prng.uuid()}`,
      rotates: false,
      sources: ciRunners,
      userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
    },
    controller: { username: 'system:kube-controller-manager', uid: '', groups: ['system:authenticated'], credentialId: x509(prng), rotates: false, sources: ['10.240.0.4'], userAgent: 'kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/system:serviceaccount:kube-system:replicaset-controller' },
    nodes: nodes.map((ip, i) => ({ username: `system:node:node-${i + 1}`, uid: '', groups: ['system:nodes', 'system:authenticated'], credentialId: x509(prng), rotates: false, sources: [ip], userAgent: 'kubelet/v1.31.2 (linux/amd64) kubernetes/5864a46' })),
    prometheus: {
      username: 'system:serviceaccount:monitoring:prometheus',
      uid: prng.uuid(),
      groups: ['system:serviceaccounts', 'system:serviceaccounts:monitoring', 'system:authenticated'],
      credentialId: `JTI=${prng.uuid()}`,
      rotates: true,
      extra: {
        'authentication.kubernetes.io/node-name': ['node-2'],
        'authentication.kubernetes.io/node-uid': [prng.uuid()],
        'authentication.kubernetes.io/pod-name': ['prometheus-k8s-0'],
        'authentication.kubernetes.io/pod-uid': [prng.uuid()],
      },
      sources: [`10.244.${prng.int(0, 2)}.${prng.int(2, 250)}`],
      userAgent: 'prometheus/2.54.1',
    },
  };

  return {
    account,
    accountEni: { bastion1: eni(), gateway: eni(), docker: eni() },
    vpcId: `vpc-0${prng.hex(16)}`,
    hosts: { bastion1: '10.0.1.10', gateway: '10.0.1.30', docker: '10.0.2.20', bastion2: '10.128.0.5', apiserver: '10.240.0.4', nodes, ciRunnerInternal: '10.0.3.15' },
    officeV4,
    officeV6,
    ciRunners,
    bobHome,
    sshUsers,
    kube,
    scanners,
    albName: `app/web-alb/${prng.hex(16)}`,
    targetGroupArn: `arn:aws:elasticloadbalancing:eu-west-1:${account}:targetgroup/kong-proxy/${prng.hex(16)}`,
  };
}
