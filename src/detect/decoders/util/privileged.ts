/**
 * Privileged bits of a workload: what lets a container escape to its node. One vocabulary for
 * Kubernetes pod specs and Docker HostConfig, so detectors compare like with like:
 *   privileged · hostPID · hostIPC · hostNetwork · hostPath:<path> · cap:<NAME> ·
 *   allowPrivilegeEscalation · seccomp=unconfined / apparmor=unconfined (Docker SecurityOpt)
 */
import { arr, bool, isObject, obj, str, strings } from './json.js';

/** Host paths whose mount hands over the node; an ancestor of one (e.g. /var/run) counts too. */
const SENSITIVE_PATHS = ['/', '/etc', '/root', '/proc', '/sys', '/dev', '/boot', '/var/run/docker.sock', '/run/docker.sock', '/var/lib/docker', '/var/lib/kubelet', '/run/containerd/containerd.sock', '/var/run/containerd/containerd.sock', '/var/run/crio/crio.sock', '/etc/kubernetes'];
const DANGEROUS_CAPS = new Set(['ALL', 'SYS_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'NET_ADMIN', 'BPF', 'SYS_BOOT']);

export function sensitiveHostPath(path: string): boolean {
  let p = path.trim();
  if (p.length > 1 && p.endsWith('/')) p = p.replace(/\/+$/, '');
  if (!p.startsWith('/')) return false;
  if (p === '/') return true;
  return SENSITIVE_PATHS.some((s) => s === p || s.startsWith(`${p}/`));
}

function capName(c: string): string {
  const u = c.toUpperCase();
  return u.startsWith('CAP_') ? u.slice(4) : u;
}

function addUnique(out: string[], bit: string): void {
  if (!out.includes(bit)) out.push(bit);
}

function containerBits(c: unknown, out: string[]): void {
  const sc = obj(c, 'securityContext');
  if (bool(sc, 'privileged') === true) addUnique(out, 'privileged');
  if (bool(sc, 'allowPrivilegeEscalation') === true) addUnique(out, 'allowPrivilegeEscalation');
  for (const cap of strings(obj(sc, 'capabilities'), 'add') ?? []) {
    const n = capName(cap);
    if (DANGEROUS_CAPS.has(n)) addUnique(out, `cap:${n}`);
  }
}

/** Pod spec → bits (containers, initContainers, ephemeralContainers, host namespaces, hostPath volumes). */
export function podSpecBits(spec: unknown): string[] {
  const out: string[] = [];
  if (!isObject(spec)) return out;
  if (bool(spec, 'hostPID') === true) out.push('hostPID');
  if (bool(spec, 'hostIPC') === true) out.push('hostIPC');
  if (bool(spec, 'hostNetwork') === true) out.push('hostNetwork');
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) for (const c of arr(spec, key) ?? []) containerBits(c, out);
  for (const v of arr(spec, 'volumes') ?? []) {
    const p = str(obj(v, 'hostPath'), 'path');
    if (p !== undefined && sensitiveHostPath(p)) addUnique(out, `hostPath:${p}`);
  }
  return out;
}

/**
 * The pod spec inside a Kubernetes object: a Pod's spec, a workload's spec.template.spec, a
 * CronJob's spec.jobTemplate.spec.template.spec.
 */
export function podSpecOf(o: unknown): unknown {
  const spec = obj(o, 'spec');
  if (!spec) return undefined;
  const kind = str(o, 'kind');
  if (kind === 'Pod') return spec;
  const tmpl = obj(obj(spec, 'template'), 'spec');
  if (tmpl) return tmpl;
  const job = obj(obj(obj(obj(spec, 'jobTemplate'), 'spec'), 'template'), 'spec');
  if (job) return job;
  return arr(spec, 'containers') ? spec : undefined;
}

/** Docker Engine container-create body → bits in the same vocabulary. */
export function dockerCreateBits(body: unknown): string[] {
  const out: string[] = [];
  const hc = obj(body, 'HostConfig');
  if (!hc) return out;
  if (bool(hc, 'Privileged') === true) out.push('privileged');
  if (str(hc, 'PidMode') === 'host') out.push('hostPID');
  if (str(hc, 'IpcMode') === 'host') out.push('hostIPC');
  if (str(hc, 'NetworkMode') === 'host') out.push('hostNetwork');
  for (const cap of strings(hc, 'CapAdd') ?? []) {
    const n = capName(cap);
    if (DANGEROUS_CAPS.has(n)) addUnique(out, `cap:${n}`);
  }
  for (const b of strings(hc, 'Binds') ?? []) {
    const src = b.split(':')[0] ?? '';
    if (sensitiveHostPath(src)) addUnique(out, `hostPath:${src}`);
  }
  for (const m of arr(hc, 'Mounts') ?? []) {
    const src = str(m, 'Source');
    if (str(m, 'Type') === 'bind' && src !== undefined && sensitiveHostPath(src)) addUnique(out, `hostPath:${src}`);
  }
  for (const o of strings(hc, 'SecurityOpt') ?? []) if (/^(seccomp|apparmor)[=:]unconfined$/.test(o)) addUnique(out, o.replace(':', '='));
  return out;
}
