/** Recognise control-plane components in containers: by the binary they run, else by their image. */
import { parseImage } from '../shared/images.js';
import { basename, type Token } from '../shared/command-line.js';

export type Component = 'kube-apiserver' | 'etcd' | 'kubelet' | 'kubernetes-dashboard';

const BINARIES: Record<string, Component> = {
  'kube-apiserver': 'kube-apiserver',
  apiserver: 'kube-apiserver',
  etcd: 'etcd',
  kubelet: 'kubelet',
  dashboard: 'kubernetes-dashboard',
};

/** Launchers that come before the real binary in a command line. */
const LAUNCHERS = new Set(['sh', 'bash', 'ash', '-c', '-ec', '-xc', 'exec', 'env', 'dumb-init', 'tini', '--', 'hyperkube']);

export function componentOf(image: string, tokens: readonly Pick<Token, 'text'>[]): Component | undefined {
  for (const t of tokens.slice(0, 6)) {
    if (t.text.startsWith('--')) break;
    const b = basename(t.text);
    if (LAUNCHERS.has(b)) continue;
    // `apiserver` and `dashboard` alone are only meaningful after hyperkube / as the dashboard binary.
    if (b === 'apiserver' && !tokens.some((x) => basename(x.text) === 'hyperkube')) break;
    const c = BINARIES[b];
    if (c) return c;
    break;
  }
  const repo = parseImage(image).repository;
  const last = repo.split('/').pop() ?? '';
  if (/^kube-apiserver(-(amd64|arm64|arm|ppc64le|s390x))?$/.test(last)) return 'kube-apiserver';
  if (/^etcd(-(amd64|arm64|arm|ppc64le|s390x))?$/.test(last)) return 'etcd';
  if (repo === 'kubernetesui/dashboard' || last === 'kubernetes-dashboard-amd64' || last === 'kubernetes-dashboard') return 'kubernetes-dashboard';
  return undefined;
}
