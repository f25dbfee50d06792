/** Docker daemon configuration: daemon.json, systemd units/drop-ins, /etc/default/docker. */
import type { Auditor, AuditContext, AuditResult, InputProblem } from '../types.js';
import { runChecks } from '../checks.js';
import { recognition, RECOGNITION_HEAD, type Recogniser } from '../recognise.js';
import { hitsToFindings } from '../rule-catalog.js';
import { parseYamlDocuments } from '../yaml-positions.js';
import { DOCKER_CHECKS } from './checks.js';
import { daemonJsonDaemon, defaultsFileTokens, flagDaemon, parseDaemonFlags, systemdDockerdTokens, type DockerDaemon } from './daemon.js';
import { pushAll } from '../../util/arrays.js';

export type DockerConfigKind = 'daemon-json' | 'systemd' | 'defaults';

const DAEMON_JSON_NAME = /(^|\/)daemon[\w.-]*\.json$/;

/** Top-level keys of dockerd's daemon.json (dockerd reference, "Daemon configuration file"). */
const DAEMON_JSON_KEYS = new Set([
  'hosts', 'tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey', 'log-driver', 'log-opts', 'log-level', 'storage-driver', 'storage-opts',
  'data-root', 'exec-root', 'insecure-registries', 'registry-mirrors', 'live-restore', 'userns-remap', 'default-address-pools', 'exec-opts',
  'bip', 'iptables', 'ip6tables', 'ipv6', 'fixed-cidr', 'fixed-cidr-v6', 'dns', 'dns-opts', 'dns-search', 'features', 'builder',
  'experimental', 'debug', 'icc', 'ip', 'ip-forward', 'ip-masq', 'mtu', 'group', 'labels', 'seccomp-profile', 'selinux-enabled',
  'no-new-privileges', 'metrics-addr', 'containerd', 'default-runtime', 'runtimes', 'default-ulimits', 'max-concurrent-downloads',
  'max-concurrent-uploads', 'shutdown-timeout', 'userland-proxy', 'init', 'cgroup-parent', 'default-cgroupns-mode', 'authorization-plugins',
  'oom-score-adjust', 'pidfile', 'raw-logs', 'bridge', 'default-shm-size', 'icc', 'mtu', 'proxies', 'cri-containerd',
]);

/** A JSON object whose keys are mostly dockerd's own. */
function looksLikeDaemonJson(head: string): boolean {
  if (!head.trimStart().startsWith('{')) return false;
  let value: unknown;
  try {
    value = JSON.parse(head);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const known = keys.filter((k) => DAEMON_JSON_KEYS.has(k)).length;
  return known > 0 && known * 2 >= keys.length;
}

const SYSTEMD_DOCKERD = (head: string): boolean => /^\s*\[Service\]/m.test(head) && /ExecStart\s*=.*\bdocker/.test(head);
const DOCKER_OPTS = /^\s*(?:export\s+)?DOCKER_OPTS\s*=/m;
/** /etc/sysconfig/docker names its variable OPTIONS: only dockerd flags in it tell it apart. */
const SYSCONFIG_OPTIONS = /^\s*(?:export\s+)?OPTIONS\s*=.*(?:\s|["'])(?:-H|--host|--tls\w*|--selinux-enabled|--log-driver)\b/m;

export const DOCKER_RECOGNISER: Recogniser = {
  names: [DAEMON_JSON_NAME],
  nameAlone: 1,
  signals: [
    { what: 'a systemd unit whose ExecStart runs dockerd', confidence: 0.9, test: SYSTEMD_DOCKERD },
    { what: 'DOCKER_OPTS=', confidence: 0.85, test: (head) => DOCKER_OPTS.test(head) },
    { what: 'OPTIONS= with dockerd flags', confidence: 0.6, test: (head) => SYSCONFIG_OPTIONS.test(head) },
    { what: 'a JSON object of daemon.json keys', confidence: 0.8, test: looksLikeDaemonJson },
  ],
};

/** Which of dockerd's three config places the text is, by name hint and content. */
export function dockerConfigKind(file: string, text: string): DockerConfigKind | undefined {
  const head = text.slice(0, RECOGNITION_HEAD);
  if (DAEMON_JSON_NAME.test(file) || looksLikeDaemonJson(head)) return 'daemon-json';
  if (SYSTEMD_DOCKERD(head)) return 'systemd';
  if (DOCKER_OPTS.test(head) || SYSCONFIG_OPTIONS.test(head)) return 'defaults';
  return undefined;
}

export function auditDockerConfig(file: string, text: string, readFile: (p: string) => string | undefined = () => undefined): AuditResult {
  const problems: InputProblem[] = [];
  const daemons: DockerDaemon[] = [];
  const resource = `dockerd (${file})`;
  switch (dockerConfigKind(file, text)) {
    case 'daemon-json': {
      const parsed = parseYamlDocuments(file, text);
      pushAll(problems, parsed.problems);
      for (const doc of parsed.documents) {
        const daemon = daemonJsonDaemon(file, doc);
        if (daemon) daemons.push(daemon);
      }
      break;
    }
    case 'systemd':
      for (const tokens of systemdDockerdTokens(text)) daemons.push(flagDaemon(resource, parseDaemonFlags(tokens), readFile, problems, file));
      break;
    case 'defaults':
      daemons.push(flagDaemon(resource, parseDaemonFlags(defaultsFileTokens(text)), readFile, problems, file));
      break;
    default:
      problems.push({ file, line: 1, message: 'not a recognised Docker daemon configuration' });
  }
  return { findings: hitsToFindings('docker', runChecks(DOCKER_CHECKS, { daemons }), file), problems };
}

export const dockerDaemonAuditor: Auditor = {
  id: 'docker',
  description: 'Docker daemon: TCP listeners without TLS client verification in daemon.json, systemd units, DOCKER_OPTS',
  recognise: (text, name) => recognition(DOCKER_RECOGNISER, text, name),
  audit: (file: string, text: string, ctx: AuditContext) => auditDockerConfig(file, text, (p) => ctx.readFile(p)),
};
