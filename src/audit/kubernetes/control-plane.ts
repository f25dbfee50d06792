/**
 * kube-apiserver, etcd and kubelet settings: static-pod flags, etcd env vars and KubeletConfiguration.
 * Defaults matter as much as what is written: an absent flag takes the component's documented default.
 */
import semver from 'semver';
import type { CheckHit } from '../checks.js';
import { describeScope, isOffLoopback, parseHostPort, parseListenUrl } from '../listen-address.js';
import { asArray, asObject, asText, getPath } from '../yaml-positions.js';
import { commandLineOf, commandWords, flagValue, isFalse, isTrue, type CommandLine, type Flag } from './command-line.js';
import { componentOf, imageVersion } from './components.js';
import { containersOf, lineAt, resourceName, type ContainerRef, type K8sObject } from './objects.js';

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

/** Several rules read the same component's containers: find them once per input. */
const componentCache = new WeakMap<readonly K8sObject[], Map<string, ComponentContainer[]>>();

export function componentContainers(objects: readonly K8sObject[], component: string): ComponentContainer[] {
  let byComponent = componentCache.get(objects);
  if (!byComponent) componentCache.set(objects, (byComponent = new Map()));
  const hit = byComponent.get(component);
  if (hit) return hit;
  const out: ComponentContainer[] = [];
  byComponent.set(component, out);
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

/** kube-apiserver authorization modes; without a mode or an authorization config it authorizes everything. */
function authorizationModes(flags: readonly Flag[]): { flag?: Flag; modes: string[] } {
  const authz = flagValue(flags, 'authorization-mode');
  if (authz) return { flag: authz, modes: listValue(authz) };
  return { modes: flagValue(flags, 'authorization-config') ? [] : ['AlwaysAllow'] };
}

const apiservers = (objects: readonly K8sObject[]): ComponentContainer[] => componentContainers(objects, 'kube-apiserver');

export function apiserverAlwaysAllow(objects: readonly K8sObject[]): CheckHit[] {
  return apiservers(objects).flatMap((c) => {
    const { flag: authz, modes } = authorizationModes(c.cmd.flags);
    if (!modes.includes('AlwaysAllow')) return [];
    return [
      {
        resource: c.resource,
        line: authz?.line ?? c.cmd.anchorLine,
        exposes: 'every API request is authorized',
        exposedTo: 'any client the API server authenticates, including anonymous ones',
        vars: { current: authz ? `--authorization-mode=${authz.value}` : '(no --authorization-mode: defaults to AlwaysAllow)' },
        evidence: { authorizationMode: authz?.value ?? null },
      },
    ];
  });
}

export function apiserverAnonymousAuth(objects: readonly K8sObject[]): CheckHit[] {
  return apiservers(objects).flatMap((c) => {
    const anon = flagValue(c.cmd.flags, 'anonymous-auth');
    if (anon && isFalse(anon.value)) return [];
    const { modes } = authorizationModes(c.cmd.flags);
    return [
      {
        resource: c.resource,
        line: anon?.line ?? c.cmd.anchorLine,
        exposes: 'unauthenticated requests are served as system:anonymous',
        exposedTo: 'anyone who reaches the API server port',
        vars: { current: anon ? `--anonymous-auth=${anon.value}` : '(no --anonymous-auth: defaults to true)' },
        evidence: { anonymousAuth: anon?.value ?? 'default (true)', authorizationModes: modes },
        ...(modes.includes('AlwaysAllow') ? { severity: 'critical' as const } : {}),
      },
    ];
  });
}

export function apiserverInsecurePort(objects: readonly K8sObject[]): CheckHit[] {
  return apiservers(objects).flatMap((c) => {
    const insecure = insecurePortHit(c.cmd.flags, c.version);
    if (!insecure) return [];
    const { port, bind, fromDefault, flagLine, confidence } = insecure;
    return [
      {
        resource: c.resource,
        line: flagLine ?? c.cmd.anchorLine,
        exposes: `the unauthenticated, unauthorized HTTP API on port ${port}`,
        exposedTo: describeScope(bind),
        vars: { port: String(port) },
        evidence: { insecurePort: port, bindAddress: bind.host, fromDefault, version: c.version ?? null, ...(confidence === 'possible' ? { release: 'unknown: the port exists only before 1.20 (removed in 1.24)' } : {}) },
        severity: isOffLoopback(bind.scope) ? 'critical' : 'medium',
        ...(confidence === 'possible' ? { confidence } : {}),
        key: String(port),
      },
    ];
  });
}

export function apiserverStaticCredentials(objects: readonly K8sObject[]): CheckHit[] {
  return apiservers(objects).flatMap((c) =>
    ['token-auth-file', 'basic-auth-file'].flatMap((name) => {
      const f = flagValue(c.cmd.flags, name);
      if (!f) return [];
      return [
        {
          resource: c.resource,
          line: f.line,
          exposes: `long-lived static credentials from ${f.value}`,
          exposedTo: 'anyone holding a copy of that file',
          vars: { flag: `--${name}=${f.value}` },
          evidence: { flag: name, path: f.value },
          key: name,
        },
      ];
    }),
  );
}

export function apiserverNoClientCa(objects: readonly K8sObject[]): CheckHit[] {
  return apiservers(objects)
    .filter((c) => !flagValue(c.cmd.flags, 'client-ca-file'))
    .map((c) => ({
      resource: c.resource,
      line: c.cmd.anchorLine,
      exposes: 'an API server that cannot verify client certificates',
      exposedTo: 'clients using only bearer tokens or passwords',
      vars: {},
    }));
}

export function apiserverAlwaysAdmit(objects: readonly K8sObject[]): CheckHit[] {
  return apiservers(objects).flatMap((c) => {
    const { flags, anchorLine } = c.cmd;
    const plugins = [...listValue(flagValue(flags, 'enable-admission-plugins')), ...listValue(flagValue(flags, 'admission-control'))];
    if (!plugins.includes('AlwaysAdmit')) return [];
    const f = flagValue(flags, 'enable-admission-plugins') ?? flagValue(flags, 'admission-control');
    return [
      {
        resource: c.resource,
        line: f?.line ?? anchorLine,
        exposes: 'object creation without admission control',
        exposedTo: 'every authorized client',
        vars: { plugins: plugins.filter((p) => p !== 'AlwaysAdmit').join(',') || 'NodeRestriction' },
        evidence: { plugins },
      },
    ];
  });
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

interface EtcdClientApi {
  c: ComponentContainer;
  flags: Flag[];
  listen?: Flag;
  urls: ReturnType<typeof parseListenUrl>[];
  line: number;
}

/** Where each etcd member serves its client API (default http://localhost:2379). */
function etcdClientApis(objects: readonly K8sObject[]): EtcdClientApi[] {
  return componentContainers(objects, 'etcd').map((c) => {
    const flags = etcdSettings(c);
    const listen = flagValue(flags, 'listen-client-urls');
    const urls = (listen ? listValue(listen) : ['http://localhost:2379']).map((u) => parseListenUrl(u));
    return { c, flags, urls, line: listen?.line ?? c.cmd.anchorLine, ...(listen ? { listen } : {}) };
  });
}

export function etcdPlaintextClientUrl(objects: readonly K8sObject[]): CheckHit[] {
  return etcdClientApis(objects).flatMap(({ c, listen, urls, line }) =>
    urls
      .filter((x) => x.scheme === 'http' && isOffLoopback(x.scope))
      .map((u) => ({
        resource: c.resource,
        line,
        exposes: `the etcd client API over plain HTTP on ${u.host || '*'}:${u.port ?? 2379}`,
        exposedTo: describeScope(u),
        vars: { url: `http://${u.host}:${u.port ?? 2379}`, port: String(u.port ?? 2379) },
        evidence: { listenClientUrls: listen?.value ?? null },
        key: `${u.host}:${u.port ?? 2379}`,
      })),
  );
}

export function etcdNoClientCertAuth(objects: readonly K8sObject[]): CheckHit[] {
  return etcdClientApis(objects).flatMap(({ c, flags, listen, urls, line }) => {
    const tlsOpen = urls.filter((x) => x.scheme === 'https' && isOffLoopback(x.scope));
    const certAuth = flagValue(flags, 'client-cert-auth');
    if (tlsOpen.length === 0 || (certAuth && isTrue(certAuth.value))) return [];
    return [
      {
        resource: c.resource,
        line: certAuth?.line ?? line,
        exposes: 'the etcd client API (the whole cluster state, Secrets included) without client certificates',
        exposedTo: tlsOpen.map((u) => describeScope(u)).join(', '),
        vars: {},
        evidence: { clientCertAuth: certAuth?.value ?? 'default (false)', listenClientUrls: listen?.value ?? null },
      },
    ];
  });
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

interface Kubelet {
  resource: string;
  settings: KubeletSettings;
  /** Settings come from a KubeletConfiguration file (the fix is written in its syntax), not flags. */
  configFile: boolean;
}

/** Every kubelet the input configures: KubeletConfiguration objects and kubelet containers' flags. */
export function kubelets(objects: readonly K8sObject[]): Kubelet[] {
  const out: Kubelet[] = [];
  for (const o of objects) {
    if (o.kind !== 'KubeletConfiguration') continue;
    out.push({ resource: o.name === '(unnamed)' ? 'KubeletConfiguration' : resourceName(o), settings: kubeletConfigSettings(o), configFile: true });
  }
  for (const c of componentContainers(objects, 'kubelet')) out.push({ resource: c.resource, settings: kubeletFlagSettings(c.cmd), configFile: false });
  return out;
}

function kubeletScope(s: KubeletSettings): { onlyLocal: boolean; where: string } {
  const bind = parseHostPort(s.address);
  return { onlyLocal: !isOffLoopback(bind.scope), where: describeScope(bind) };
}

export function kubeletAnonymousAuth(objects: readonly K8sObject[]): CheckHit[] {
  return kubelets(objects)
    .filter((k) => k.settings.anonymous.value)
    .map(({ resource, settings: s, configFile }) => {
      const { onlyLocal, where } = kubeletScope(s);
      return {
        resource,
        line: s.anonymous.line,
        exposes: 'the kubelet API (:10250: exec, logs, pod list) to unauthenticated requests',
        exposedTo: where,
        vars: { fix: configFile ? 'authentication:\n  anonymous:\n    enabled: false' : '--anonymous-auth=false' },
        evidence: { anonymousEnabled: true, explicit: s.anonymous.explicit, address: s.address },
        ...(onlyLocal ? { severity: 'medium' as const } : {}),
      };
    });
}

export function kubeletAlwaysAllow(objects: readonly K8sObject[]): CheckHit[] {
  return kubelets(objects)
    .filter((k) => k.settings.authorizationMode.value === 'AlwaysAllow')
    .map(({ resource, settings: s, configFile }) => {
      const { onlyLocal, where } = kubeletScope(s);
      return {
        resource,
        line: s.authorizationMode.line,
        exposes: 'every kubelet API operation (exec into any pod on the node) to any authenticated caller',
        exposedTo: s.anonymous.value ? `${where}, anonymous callers included` : where,
        vars: { fix: configFile ? 'authorization:\n  mode: Webhook' : '--authorization-mode=Webhook' },
        evidence: { authorizationMode: 'AlwaysAllow', explicit: s.authorizationMode.explicit },
        ...(onlyLocal ? { severity: 'medium' as const } : {}),
      };
    });
}

export function kubeletReadonlyPort(objects: readonly K8sObject[]): CheckHit[] {
  return kubelets(objects)
    .filter((k) => Number.isFinite(k.settings.readOnlyPort.value) && k.settings.readOnlyPort.value > 0)
    .map(({ resource, settings: s, configFile }) => {
      const { onlyLocal, where } = kubeletScope(s);
      return {
        resource,
        line: s.readOnlyPort.line,
        exposes: `the unauthenticated read-only kubelet API on port ${s.readOnlyPort.value}`,
        exposedTo: where,
        vars: { fix: configFile ? 'readOnlyPort: 0' : '--read-only-port=0', port: String(s.readOnlyPort.value) },
        evidence: { readOnlyPort: s.readOnlyPort.value, explicit: s.readOnlyPort.explicit, address: s.address },
        ...(onlyLocal ? { severity: 'low' as const } : {}),
      };
    });
}

/**
 * The legacy insecure port, judged by release: before 1.20 it listens on 8080 (127.0.0.1 unless
 * --insecure-bind-address says otherwise) unless --insecure-port=0; 1.20 to 1.23 accept only 0 and 1.24
 * removed the flags, so from 1.20 on there is no such port whatever the flags say. With the release
 * unknown, an explicit port or an off-loopback bind address is reported as possible.
 */
export function insecurePortHit(
  flags: Parameters<typeof flagValue>[0],
  version: string | undefined,
): { port: number; bind: ReturnType<typeof parseHostPort>; fromDefault: boolean; flagLine?: number; confidence: 'confirmed' | 'possible' } | undefined {
  if (version !== undefined && semver.gte(version, '1.20.0')) return undefined;
  const portFlag = flagValue(flags, 'insecure-port');
  const bindFlag = flagValue(flags, 'insecure-bind-address') ?? flagValue(flags, 'address');
  const bind = parseHostPort(bindFlag?.value ?? '127.0.0.1');
  const confidence = version === undefined ? 'possible' : 'confirmed';
  let port: number;
  if (portFlag) port = Number(portFlag.value);
  else if (version !== undefined || (bindFlag && isOffLoopback(bind.scope))) port = 8080;
  else return undefined;
  if (!Number.isFinite(port) || port <= 0) return undefined;
  return { port, bind, fromDefault: !portFlag, flagLine: portFlag?.line ?? bindFlag?.line, confidence };
}
