/** Docker daemon configuration: daemon.json, systemd units/drop-ins, /etc/default/docker. */
import { basename } from 'node:path';
import type { Auditor, AuditContext, AuditResult, InputProblem } from '../types.js';
import { runChecks } from '../checks.js';
import { hitsToFindings } from '../rule-catalog.js';
import { parseYamlDocuments } from '../yaml-positions.js';
import { DOCKER_CHECKS } from './checks.js';
import { daemonJsonDaemon, defaultsFileTokens, flagDaemon, parseDaemonFlags, systemdDockerdTokens, type DockerDaemon } from './daemon.js';

export type DockerConfigKind = 'daemon-json' | 'systemd' | 'defaults';

export function dockerConfigKind(file: string, text: string): DockerConfigKind | undefined {
  const name = basename(file);
  if (name === 'daemon.json' || /^daemon[\w.-]*\.json$/.test(name)) return 'daemon-json';
  if (/\.(service|conf)$/.test(name) && /^\s*\[Service\]/m.test(text) && /ExecStart\s*=.*\bdocker/.test(text)) return 'systemd';
  if (/^(docker|docker\.env|docker-defaults)$/.test(name) && /^\s*(?:export\s+)?(DOCKER_OPTS|OPTIONS)\s*=/m.test(text)) return 'defaults';
  return undefined;
}

export function auditDockerConfig(file: string, text: string, readFile: (p: string) => string | undefined = () => undefined): AuditResult {
  const problems: InputProblem[] = [];
  const daemons: DockerDaemon[] = [];
  const resource = `dockerd (${file})`;
  switch (dockerConfigKind(file, text)) {
    case 'daemon-json': {
      const parsed = parseYamlDocuments(file, text);
      problems.push(...parsed.problems);
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
  recognises: (file, text) => dockerConfigKind(file, text) !== undefined,
  audit: (file: string, text: string, ctx: AuditContext) => auditDockerConfig(file, text, (p) => ctx.readFile(p)),
};
