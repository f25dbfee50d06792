import { describe, expect, it } from 'vitest';
import { dockerCreateBits, podSpecBits, podSpecOf, sensitiveHostPath } from '../../../../src/detect/decoders/util/privileged.js';

describe('privileged bits', () => {
  it('flags sensitive host paths and their ancestors, not unrelated ones', () => {
    for (const p of ['/', '/etc', '/etc/', '/proc', '/var/run/docker.sock', '/var/run', '/var', '/var/lib/kubelet', '/run/containerd/containerd.sock']) expect(sensitiveHostPath(p), p).toBe(true);
    for (const p of ['/etc/ssl/certs', '/var/log', '/data', 'relative', '/var/lib/kubelet-plugins']) expect(sensitiveHostPath(p), p).toBe(false);
  });

  it('reads pod specs from pods, workload templates and cronjobs', () => {
    const spec = { hostIPC: true, initContainers: [{ securityContext: { capabilities: { add: ['CAP_SYS_PTRACE', 'CHOWN'] } } }] };
    expect(podSpecBits(podSpecOf({ kind: 'Pod', spec }))).toEqual(['hostIPC', 'cap:SYS_PTRACE']);
    expect(podSpecBits(podSpecOf({ kind: 'DaemonSet', spec: { template: { spec } } }))).toEqual(['hostIPC', 'cap:SYS_PTRACE']);
    expect(podSpecBits(podSpecOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec } } } } }))).toEqual(['hostIPC', 'cap:SYS_PTRACE']);
    expect(podSpecBits(podSpecOf({ kind: 'Pod', spec: { containers: [{ name: 'c' }] } }))).toEqual([]);
  });

  it('reads Docker HostConfig in the same vocabulary', () => {
    const body = { HostConfig: { Privileged: true, NetworkMode: 'host', IpcMode: 'host', Binds: ['/var/run/docker.sock:/var/run/docker.sock', '/srv/data:/data'], Mounts: [{ Type: 'bind', Source: '/etc', Target: '/h' }], CapAdd: ['NET_ADMIN'], SecurityOpt: ['seccomp:unconfined'] } };
    expect(dockerCreateBits(body)).toEqual(['privileged', 'hostIPC', 'hostNetwork', 'cap:NET_ADMIN', 'hostPath:/var/run/docker.sock', 'hostPath:/etc', 'seccomp=unconfined']);
    expect(dockerCreateBits({ Image: 'alpine' })).toEqual([]);
  });
});
