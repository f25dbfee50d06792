import { describe, expect, it } from 'vitest';
import { auditDockerConfig, dockerConfigKind } from '../../../src/audit/docker/auditor.js';
import { dockerListenAddress, parseDaemonFlags, systemdDockerdTokens } from '../../../src/audit/docker/daemon.js';

describe('docker daemon configuration', () => {
  it('recognises the three places dockerd is configured, and nothing else', () => {
    expect(dockerConfigKind('/etc/docker/daemon.json', '{}')).toBe('daemon-json');
    expect(dockerConfigKind('/etc/systemd/system/docker.service.d/x.conf', '[Service]\nExecStart=/usr/bin/dockerd -H fd://')).toBe('systemd');
    expect(dockerConfigKind('/etc/default/docker', 'DOCKER_OPTS="-H tcp://0.0.0.0:2375"')).toBe('defaults');
    expect(dockerConfigKind('/etc/systemd/system/nginx.service', '[Service]\nExecStart=/usr/sbin/nginx')).toBeUndefined();
    expect(dockerConfigKind('/etc/docker/config.json', '{}')).toBeUndefined();
  });

  it('joins ExecStart continuations and keeps each flag on its own line', () => {
    const cmds = systemdDockerdTokens('[Service]\nExecStart=\nExecStart=-/usr/bin/dockerd \\\n  -H tcp://0.0.0.0:2375 \\\n  --tlsverify=false\n');
    expect(cmds).toHaveLength(1);
    const flags = parseDaemonFlags(cmds[0] ?? []);
    expect(flags.listeners).toEqual([{ url: 'tcp://0.0.0.0:2375', line: 4 }]);
    expect(flags.tlsverify).toBe(false);
  });

  it('gives TCP listeners the default port for their TLS mode', () => {
    expect(dockerListenAddress('tcp://0.0.0.0', false).port).toBe(2375);
    expect(dockerListenAddress('tcp://0.0.0.0', true).port).toBe(2376);
    expect(dockerListenAddress('tcp://:2375', false).scope).toBe('loopback');
  });

  it('reports an unreadable daemon.json referenced by a unit instead of ignoring it', () => {
    const unit = '[Service]\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2376 --config-file=/srv/docker.json\n';
    const r = auditDockerConfig('/etc/systemd/system/docker.service', unit, (p) => (p === '/srv/docker.json' ? '{not json' : undefined));
    expect(r.problems).toEqual([{ file: '/srv/docker.json', message: expect.stringContaining('not valid JSON') }]);
    expect(r.findings.map((f) => f.rule)).toEqual(['docker-api-plaintext-tcp']);
  });

  it('keeps invalid JSON as a problem with a line', () => {
    const r = auditDockerConfig('/etc/docker/daemon.json', '{\n  "hosts": ["tcp://0.0.0.0:2375",\n');
    expect(r.findings).toEqual([]);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]?.line).toBeGreaterThanOrEqual(2);
  });
});
