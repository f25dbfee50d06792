import { describe, expect, it } from 'vitest';
import { buildScenario } from '../../src/emulate/scenario.js';
import type { LogKind } from '../../src/emulate/output.js';
import { decodeText } from './helpers.js';

/** The registered decoder each emulated log must be recognised by. */
const DECODER_FOR: Record<LogKind, string> = {
  'sshd-syslog': 'sshd',
  'sshd-journald': 'sshd',
  'aws-vpc-flow-v2': 'aws-vpc-flow',
  'aws-vpc-flow-v5-custom': 'aws-vpc-flow',
  'gcp-vpc-flow': 'gcp-vpc-flow',
  'azure-nsg-flow-v2': 'azure-flow',
  'zeek-conn': 'zeek',
  'zeek-http': 'zeek',
  'zeek-ssh': 'zeek',
  'kubernetes-audit': 'k8s-audit',
  'docker-events': 'docker-events',
  'nginx-combined': 'nginx-access',
  'nginx-json': 'nginx-access',
  'alb-access': 'aws-alb',
};

describe.each([1, 2])('emulated logs decode without rejections (seed %i)', (seed) => {
  const scenario = buildScenario({ seed });

  it('covers every documented format', () => {
    expect(new Set(scenario.files.map((f) => f.kind))).toEqual(new Set(Object.keys(DECODER_FOR)));
  });

  it.each(scenario.files.filter((f) => !f.kind.startsWith('azure')).map((f) => [f.path, f] as const))('%s', (_p, f) => {
    const d = decodeText(f.path, f.text);
    expect(d.decoder).toBe(DECODER_FOR[f.kind]);
    expect(d.rejections).toEqual([]);
    expect(d.events.length).toBeGreaterThan(0);
  });

  it('azure NSG blobs (one per hour)', () => {
    const blobs = scenario.files.filter((f) => f.kind === 'azure-nsg-flow-v2');
    expect(blobs.length).toBeGreaterThan(24);
    let tuples = 0;
    for (const f of blobs) {
      const d = decodeText(f.path, f.text);
      expect(d.decoder, f.path).toBe('azure-flow');
      expect(d.rejections, f.path).toEqual([]);
      tuples += d.events.length;
      // The hour in the blob's path is the hour of its flows.
      const m = /y=(\d+)\/m=(\d+)\/d=(\d+)\/h=(\d+)/.exec(f.path);
      const hour = Date.UTC(Number(m?.[1]), Number(m?.[2]) - 1, Number(m?.[3]), Number(m?.[4]));
      for (const e of d.events) expect(e.time - hour).toBeLessThan(2 * 3_600_000);
    }
    expect(tuples).toBeGreaterThan(blobs.length);
  });

  it('every kind of event the detectors use is there', () => {
    const kinds = new Set<string>();
    for (const f of scenario.files) for (const e of decodeText(f.path, f.text).events) kinds.add(`${e.kind}:${'service' in e ? e.service : ''}`);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['api:docker', 'api:http', 'api:kubernetes', 'auth:ssh', 'flow:']));
  });
});
