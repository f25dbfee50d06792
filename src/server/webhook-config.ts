/**
 * What the Kubernetes API server needs to send its audit events to `drawbridge serve`:
 * - the file for `--audit-webhook-config-file`, in kubeconfig format (Kubernetes "Auditing" docs: the
 *   cluster entry names the remote service and its CA, the user entry the API server's credentials);
 * - an audit policy (`--audit-policy-file`) that gives detection what it reads: request bodies of
 *   workload creation (privileged bits), metadata of exec/attach and everything else, never the
 *   bodies of Secrets or ConfigMaps.
 */
import { stringify } from 'yaml';

export interface WebhookCredentials {
  token?: string;
  /** PEM client certificate and key, when the server requires client certificates. */
  clientCert?: string;
  clientKey?: string;
}

export interface WebhookConfigInput {
  /** Base URL of the server, e.g. https://drawbridge.example:8787 */
  server: string;
  /** PEM of the CA that signed the server's certificate. */
  caPem?: string;
  credentials: WebhookCredentials;
}

export function webhookUrl(server: string): string {
  const base = server.replace(/\/+$/, '');
  return base.endsWith('/v1/ingest/k8s-audit') ? base : `${base}/v1/ingest/k8s-audit`;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

export function webhookKubeconfig(input: WebhookConfigInput): string {
  const url = new URL(webhookUrl(input.server));
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--server: expected an http(s) URL (got ${input.server})`);
  const user: Record<string, string> = {};
  if (input.credentials.token) user.token = input.credentials.token;
  if (input.credentials.clientCert && input.credentials.clientKey) {
    user['client-certificate-data'] = b64(input.credentials.clientCert);
    user['client-key-data'] = b64(input.credentials.clientKey);
  }
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'drawbridge', cluster: { server: url.toString(), ...(input.caPem ? { 'certificate-authority-data': b64(input.caPem) } : {}) } }],
    users: [{ name: 'kube-apiserver', user }],
    contexts: [{ name: 'drawbridge', context: { cluster: 'drawbridge', user: 'kube-apiserver' } }],
    'current-context': 'drawbridge',
  };
  return (
    '# Audit webhook backend for kube-apiserver: --audit-webhook-config-file=<this file>\n' +
    '# (with --audit-policy-file pointing at the policy written beside it). Holds a credential: keep it 0600.\n' +
    stringify(doc)
  );
}

const WORKLOADS = [
  { group: '', resources: ['pods', 'pods/ephemeralcontainers'] },
  { group: 'apps', resources: ['deployments', 'daemonsets', 'statefulsets', 'replicasets'] },
  { group: 'batch', resources: ['jobs', 'cronjobs'] },
];

export function auditPolicy(): string {
  const doc = {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', nonResourceURLs: ['/healthz*', '/readyz*', '/livez*', '/version', '/metrics'] },
      { level: 'None', verbs: ['watch', 'list', 'get'], userGroups: ['system:nodes'] },
      { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] }] },
      { level: 'Metadata', resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward'] }] },
      { level: 'Request', verbs: ['create', 'update', 'patch'], resources: WORKLOADS },
      { level: 'Metadata' },
    ],
  };
  return '# Audit policy for Drawbridge: --audit-policy-file=<this file>\n' + stringify(doc);
}
