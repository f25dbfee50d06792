/**
 * Conformance of the DS0015 detectors over real third-party samples (never copied into the
 * repository): real audit logs of reads raise no creation alert; real Docker engine events count
 * their one creation; real workload manifests, submitted in a (derived) audit Event as kubectl
 * would, are rated by what they hand over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigSchema } from '../src/config/schema.js';
import { eventToApi } from '../src/detect/decoders/k8s-audit.js';
import { rareContainerCreation } from '../src/detect/detectors/rare-container-creation.js';
import { rareContainerExec } from '../src/detect/detectors/rare-container-exec.js';
import { unauthenticatedWrite } from '../src/detect/detectors/unauthenticated-write.js';
import { runDetect } from '../src/detect/engine.js';
import { MemoryStateStore } from '../src/detect/state/memory.js';
import { asnLookupFromRows } from '../src/intel/asn.js';
import { testEnv } from '../test/detect/detectors/helpers.js';

const ROOT = resolve(process.cwd(), process.env.DRAWBRIDGE_REAL_DATA ?? '../shared/data/real');
const DS0015 = [unauthenticatedWrite, rareContainerCreation, rareContainerExec];
const config = ConfigSchema.parse({ stateDir: '/nonexistent', detect: { learningPeriod: 0 } });
const asn = asnLookupFromRows([]);

async function ds0015(file: string) {
  return runDetect([resolve(ROOT, file)], { config, store: new MemoryStateStore(), asn, deadLetter: false, detectors: DS0015 });
}

describe.skipIf(!existsSync(ROOT))('DS0015 detectors on real logs', () => {
  it('audit2rbac demo.log (gets and lists, some impersonated, some refused): no creation, exec or anonymous-write alert', async () => {
    const r = await ds0015('audit2rbac/demo.log');
    expect(r.stats.events).toBe(37);
    expect(r.rejected).toEqual([]);
    expect(r.alerts).toEqual([]);
  });

  it('elastic test audit logs (native, GKE and AKS records; reads and lease updates): no alert', async () => {
    for (const f of ['elastic-integrations/kubernetes-audit/test-audit.log', 'elastic-integrations/kubernetes-audit/test-kube-audit.log']) {
      const r = await ds0015(f);
      expect(r.stats.events, f).toBeGreaterThan(0);
      expect(r.alerts, f).toEqual([]);
    }
  });

  it('docker/cli events golden: the one create is a creation by an unnamed caller; the attach of docker run is not an exec', async () => {
    const r = await ds0015('docker-cli/docker-events-json.golden');
    expect(r.stats.events).toBe(4);
    expect(r.alerts.map((a) => [a.rule, a.severity, a.evidence.privilegedKnown])).toEqual([['rare-container-creation', 'medium', false]]);
  });
});

/** Workloads of the kubernetes-goat scenarios, as created by a first-time creator: the severity each deserves. */
const WORKLOADS: [file: string, kind: string, severity: string, why: string][] = [
  ['docker-bench-security/deployment.yaml', 'DaemonSet', 'critical', 'privileged, host namespaces, /var/run/docker.sock'],
  ['health-check/deployment.yaml', 'Deployment', 'critical', 'privileged with the containerd socket'],
  ['system-monitor/deployment.yaml', 'Deployment', 'critical', 'privileged, hostPID, the host root mounted'],
  ['kube-bench-security/node-job.yaml', 'Job', 'critical', 'hostPID and kubelet/etc directories from the host'],
  ['batch-check/job.yaml', 'Job', 'medium', 'a plain Job'],
  ['build-code/deployment.yaml', 'Deployment', 'medium', 'a plain Deployment'],
  ['poor-registry/deployment.yaml', 'Deployment', 'medium', 'a plain Deployment'],
];

const RESOURCE: Record<string, string> = { Deployment: 'deployments', DaemonSet: 'daemonsets', Job: 'jobs' };

describe.skipIf(!existsSync(ROOT))('DS0015 severity of real workload specs (derived audit Events)', () => {
  it.each(WORKLOADS)('%s (%s) → %s: %s', (file, kind, severity) => {
    const docs = parseAllDocuments(readFileSync(resolve(ROOT, 'kubernetes-goat/scenarios', file), 'utf8')).map((d) => d.toJSON() as Record<string, unknown>);
    const obj = docs.find((d) => d?.kind === kind);
    expect(obj, `${file} has a ${kind}`).toBeDefined();
    // Derived: the manifest as the requestObject of a create, the way kubectl apply submits it.
    const event = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Request',
      auditID: 'derived-1',
      stage: 'ResponseComplete',
      verb: 'create',
      user: { username: 'newcomer@example', groups: ['system:authenticated'] },
      sourceIPs: ['198.51.100.20'],
      objectRef: { resource: RESOURCE[kind], namespace: 'default', name: (obj!.metadata as { name: string }).name, apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      requestReceivedTimestamp: '2026-03-02T09:00:00.000000Z',
      requestObject: obj,
    };
    const ev = eventToApi(event, { source: file, offset: 0 }, JSON.stringify(event));
    expect(typeof ev).not.toBe('string');
    const env = testEnv();
    const alerts = rareContainerCreation.handle(ev as Exclude<typeof ev, string>, new MemoryStateStore(), { env, learning: false, raw: '' });
    expect(alerts.map((a) => a.severity)).toEqual([severity]);
  });
});
