/**
 * kube-apiserver, etcd and kubelet settings: static-pod flags, etcd env vars and KubeletConfiguration.
 * Defaults matter as much as what is written: an absent flag takes the component's documented default.
 */
import semver from 'semver';
import type { RuleHit } from '../rule-catalog.js';
import { describeScope, isOffLoopback, parseHostPort, parseListenUrl } from '../listen-address.js';
import { asArray, asObject, asText, getPath } from '../yaml-positions.js';
import { commandLineOf, commandWords, flagValue, isFalse, isTrue, type CommandLine, type Flag } from './command-line.js';
import { componentOf, imageVersion } from './components.js';
import { containersOf, lineAt, resourceName, type ContainerRef, type K8sObject } from './objects.js';
import { pushAll } from '../../util/arrays.js';

const BOOLEAN_FLAGS = new Set([
  'anonymous-auth',
  'client-cert-auth',
  'peer-client-cert-auth',
  'enable-skip-login',
  'enable-insecure-login',
  'auto-generate-certificates',
  'allow-privileged',
]);

interface ComponentContainer {
  object: K8sObject;
  ref: ContainerRef;
  cmd: CommandLine;
  resource: string;
  version?: string;
}

export function componentContainers(objects: readonly K8sObject[], component: string): ComponentContainer[] {
  const out: ComponentContainer[] = [];
  for (const object of objects) {
    for (const ref of containersOf(object)) {
      // Telling the binary apart needs only the words; line numbers wait until a rule reads the container.
      if (componentOf(ref.image, commandWords(ref)) !== component) continue;
      const cmd = commandLineOf(object, ref, BOOLEAN_FLAGS);
      const version = imageVersion(ref.image);
      out.push({ object, ref, cmd, resource: `${resourceName(object)} (container ${ref.name})`, ...(version ? { version } : {}) });
    }
  }
  return out;
}

function listValue(f: Flag | undefined): string[] {
  return f ? f.value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export function apiserverHits(objects: readonly K8sObject[]): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const c of componentContainers(objects, 'kube-apiserver')) {
    const { flags, anchorLine } = c.cmd;
    const base = { resource: c.resource };
    const authz = flagValue(flags, 'authorization-mode');
    const authzConfig = flagValue(flags, 'authorization-config');
    const modes = authz ? listValue(authz) : authzConfig ? [] : ['AlwaysAllow'];
    const alwaysAllow = modes.includes('AlwaysAllow');
    if (alwaysAllow) {
      hits.push({
        ...base,
        rule: 'k8s-apiserver-always-allow',
        line: authz?.line ?? anchorLine,
        exposes: 'every API request is authorized',
        exposedTo: 'any client the API server authenticates, including anonymous ones',
        vars: { current: authz ? `--authorization-mode=${authz.value}` : '(no --authorization-mode: defaults to AlwaysAllow)' },
        evidence: { authorizationMode: authz?.value ?? null },
      });
    }

    const anon = flagValue(flags, 'anonymous-auth');
    if (!anon || !isFalse(anon.value)) {
      hits.push({
        ...base,
        rule: 'k8s-apiserver-anonymous-auth',
        line: anon?.line ?? anchorLine,
        exposes: 'unauthenticated requests are served as system:anonymous',
        exposedTo: 'anyone who reaches the API server port',
        vars: { current: anon ? `--anonymous-auth=${anon.value}` : '(no --anonymous-auth: defaults to true)' },
        evidence: { anonymousAuth: anon?.value ?? 'default (true)', authorizationModes: modes },
        ...(alwaysAllow ? { severity: 'critical' as const } : {}),
      });
    }

    const insecurePort = flagValue(flags, 'insecure-port');
    const legacy = c.version !== undefined && semver.lt(c.version, '1.20.0');
    const port = insecurePort ? Number(insecurePort.value) : legacy ? 8080 : 0;
    if (Number.isFinite(port) && port > 0) {
      const bindFlag = flagValue(flags, 'insecure-bind-address') ?? flagValue(flags, 'address');
      const bind = parseHostPort(bindFlag?.value ?? '127.0.0.1');
      const open = isOffLoopback(bind.scope);
      hits.push({
        ...base,
        rule: 'k8s-apiserver-insecure-port',
        line: insecurePort?.line ?? bindFlag?.line ?? anchorLine,
        exposes: `the unauthenticated, unauthorized HTTP API on port ${port}`,
        exposedTo: describeScope(bind),
        vars: { port: String(port) },
        evidence: { insecurePort: port, bindAddress: bind.host, fromDefault: !insecurePort, version: c.version ?? null },
        severity: open ? 'critical' : 'medium',
        key: String(port),
      });
    }

    for (const name of ['token-auth-file', 'basic-auth-file']) {
      const f = flagValue(flags, name);
      if (!f) continue;
      hits.push({
        ...base,
        rule: 'k8s-apiserver-static-credentials',
        line: f.line,
        exposes: `long-lived static credentials from ${f.value}`,
        exposedTo: 'anyone holding a copy of that file',
        vars: { flag: `--${name}=${f.value}` },
        evidence: { flag: name, path: f.value },
        key: name,
      });
    }

    if (!flagValue(flags, 'client-ca-file')) {
      hits.push({
        ...base,
        rule: 'k8s-apiserver-no-client-ca',
        line: anchorLine,
        exposes: 'an API server that cannot verify client certificates',
        exposedTo: 'clients using only bearer tokens or passwords',
        vars: {},
      });
    }

    const plugins = [...listValue(flagValue(flags, 'enable-admission-plugins')), ...listValue(flagValue(flags, 'admission-control'))];
    if (plugins.includes('AlwaysAdmit')) {
      const f = flagValue(flags, 'enable-admission-plugins') ?? flagValue(flags, 'admission-control');
      hits.push({
        ...base,
        rule: 'k8s-apiserver-always-admit',
        line: f?.line ?? anchorLine,
        exposes: 'object creation without admission control',
        exposedTo: 'every authorized client',
        vars: { plugins: plugins.filter((p) => p !== 'AlwaysAdmit').join(',') || 'NodeRestriction' },
        evidence: { plugins },
      });
    }
  }
  return hits;
}

/** etcd reads ETCD_<FLAG> environment variables as flags; command-line flags win. */
function etcdSettings(c: ComponentContainer): Flag[] {
  const env: Flag[] = [];
  asArray(c.ref.container.env).forEach((e, i) => {
    const item = asObject(e);
    const name = asText(item?.name);
    const value = asText(item?.value);
    if (!name?.startsWith('ETCD_') || value === undefined) return;
    env.push({ name: name.slice(5).toLowerCase().replace(/_/g, '-'), value, line: lineAt(c.object, [...c.ref.path, 'env', i, 'value']) });
  });
  return [...env, ...c.cmd.flags];
}

export function etcdHits(objects: readonly K8sObject[]): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const c of componentContainers(objects, 'etcd')) {
    const flags = etcdSettings(c);
    const listen = flagValue(flags, 'listen-client-urls');
    const urls = (listen ? listValue(listen) : ['http://localhost:2379']).map((u) => parseListenUrl(u));
    const line = listen?.line ?? c.cmd.anchorLine;
    for (const u of urls.filter((x) => x.scheme === 'http' && isOffLoopback(x.scope))) {
      hits.push({
        resource: c.resource,
        rule: 'k8s-etcd-plaintext-client-url',
        line,
        exposes: `the etcd client API over plain HTTP on ${u.host || '*'}:${u.port ?? 2379}`,
        exposedTo: describeScope(u),
        vars: { url: `http://${u.host}:${u.port ?? 2379}`, port: String(u.port ?? 2379) },
        evidence: { listenClientUrls: listen?.value ?? null },
        key: `${u.host}:${u.port ?? 2379}`,
      });
    }
    const tlsOpen = urls.filter((x) => x.scheme === 'https' && isOffLoopback(x.scope));
    const certAuth = flagValue(flags, 'client-cert-auth');
    if (tlsOpen.length > 0 && !(certAuth && isTrue(certAuth.value))) {
      hits.push({
        resource: c.resource,
        rule: 'k8s-etcd-no-client-cert-auth',
        line: certAuth?.line ?? line,
        exposes: 'the etcd client API (the whole cluster state, Secrets included) without client certificates',
        exposedTo: tlsOpen.map((u) => describeScope(u)).join(', '),
        vars: {},
        evidence: { clientCertAuth: certAuth?.value ?? 'default (false)', listenClientUrls: listen?.value ?? null },
      });
    }
  }
  return hits;
}

export interface KubeletSettings {
  anonymous: { value: boolean; line: number; explicit: boolean };
  authorizationMode: { value: string; line: number; explicit: boolean };
  readOnlyPort: { value: number; line: number; explicit: boolean };
  address: string;
}

/** KubeletConfiguration file: defaults of the v1beta1 config API (anonymous off, Webhook, read-only port 0). */
export function kubeletConfigSettings(o: K8sObject): KubeletSettings {
  const b = o.body;
  const anon = getPath(b, ['authentication', 'anonymous', 'enabled']);
  const mode = asText(getPath(b, ['authorization', 'mode']));
  const ro = asText(b.readOnlyPort);
  return {
    anonymous: { value: anon === true || (typeof anon === 'string' && isTrue(anon)), line: lineAt(o, ['authentication', 'anonymous', 'enabled']), explicit: anon !== undefined },
    authorizationMode: { value: mode ?? 'Webhook', line: lineAt(o, ['authorization', 'mode']), explicit: mode !== undefined },
    readOnlyPort: { value: ro !== undefined ? Number(ro) : 0, line: lineAt(o, ['readOnlyPort']), explicit: ro !== undefined },
    address: asText(b.address) ?? '0.0.0.0',
  };
}

/** kubelet flags: without --config the legacy flag defaults apply (anonymous on, AlwaysAllow, 10255). */
export function kubeletFlagSettings(cmd: CommandLine): KubeletSettings {
  const fromFile = flagValue(cmd.flags, 'config') !== undefined;
  const anon = flagValue(cmd.flags, 'anonymous-auth');
  const mode = flagValue(cmd.flags, 'authorization-mode');
  const ro = flagValue(cmd.flags, 'read-only-port');
  return {
    anonymous: { value: anon ? !isFalse(anon.value) : !fromFile, line: anon?.line ?? cmd.anchorLine, explicit: !!anon },
    authorizationMode: { value: mode?.value ?? (fromFile ? 'Webhook' : 'AlwaysAllow'), line: mode?.line ?? cmd.anchorLine, explicit: !!mode },
    readOnlyPort: { value: ro ? Number(ro.value) : fromFile ? 0 : 10255, line: ro?.line ?? cmd.anchorLine, explicit: !!ro },
    address: flagValue(cmd.flags, 'address')?.value ?? '0.0.0.0',
  };
}

export function kubeletSettingsHits(resource: string, s: KubeletSettings, configFile: boolean): RuleHit[] {
  const hits: RuleHit[] = [];
  const bind = parseHostPort(s.address);
  const onlyLocal = !isOffLoopback(bind.scope);
  const where = describeScope(bind);
  const howAnon = configFile ? 'authentication:\n  anonymous:\n    enabled: false' : '--anonymous-auth=false';
  const howAuthz = configFile ? 'authorization:\n  mode: Webhook' : '--authorization-mode=Webhook';
  const howRo = configFile ? 'readOnlyPort: 0' : '--read-only-port=0';
  if (s.anonymous.value) {
    hits.push({
      resource,
      rule: 'k8s-kubelet-anonymous-auth',
      line: s.anonymous.line,
      exposes: 'the kubelet API (:10250: exec, logs, pod list) to unauthenticated requests',
      exposedTo: where,
      vars: { fix: howAnon },
      evidence: { anonymousEnabled: true, explicit: s.anonymous.explicit, address: s.address },
      ...(onlyLocal ? { severity: 'medium' as const } : {}),
    });
  }
  if (s.authorizationMode.value === 'AlwaysAllow') {
    hits.push({
      resource,
      rule: 'k8s-kubelet-always-allow',
      line: s.authorizationMode.line,
      exposes: 'every kubelet API operation (exec into any pod on the node) to any authenticated caller',
      exposedTo: s.anonymous.value ? `${where}, anonymous callers included` : where,
      vars: { fix: howAuthz },
      evidence: { authorizationMode: 'AlwaysAllow', explicit: s.authorizationMode.explicit },
      ...(onlyLocal ? { severity: 'medium' as const } : {}),
    });
  }
  if (Number.isFinite(s.readOnlyPort.value) && s.readOnlyPort.value > 0) {
    hits.push({
      resource,
      rule: 'k8s-kubelet-readonly-port',
      line: s.readOnlyPort.line,
      exposes: `the unauthenticated read-only kubelet API on port ${s.readOnlyPort.value}`,
      exposedTo: where,
      vars: { fix: howRo, port: String(s.readOnlyPort.value) },
      evidence: { readOnlyPort: s.readOnlyPort.value, explicit: s.readOnlyPort.explicit, address: s.address },
      ...(onlyLocal ? { severity: 'low' as const } : {}),
    });
  }
  return hits;
}

export function kubeletHits(objects: readonly K8sObject[]): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const o of objects) {
    if (o.kind !== 'KubeletConfiguration') continue;
    const resource = o.name === '(unnamed)' ? 'KubeletConfiguration' : resourceName(o);
    pushAll(hits, kubeletSettingsHits(resource, kubeletConfigSettings(o), true));
  }
  for (const c of componentContainers(objects, 'kubelet')) pushAll(hits, kubeletSettingsHits(c.resource, kubeletFlagSettings(c.cmd), false));
  return hits;
}
