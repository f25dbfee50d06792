import { describe, expect, it } from 'vitest';
import { FINGERPRINTERS, selectFingerprinters } from '../../src/probe/registry.js';
import type { Fingerprinter } from '../../src/probe/types.js';
import { TokenBucket } from '../../src/probe/rate.js';

const fake = (id: string, protocols: string[], serverSpeaksFirst = false): Fingerprinter => ({ id, protocols, serverSpeaksFirst, probe: async () => undefined });
const ssh = fake('ssh', ['ssh'], true);
const http = fake('http', ['http', 'https']);
const vnc = fake('vnc', ['vnc'], true);
const all = [http, ssh, vnc];

describe('selectFingerprinters', () => {
  it('registers the SSH fingerprinter', () => {
    expect(FINGERPRINTERS.map((f) => f.id)).toContain('ssh');
  });
  it('uses the catalogue protocol of a known port', () => {
    expect(selectFingerprinters(22, all).map((f) => f.id)).toEqual(['ssh']);
    expect(selectFingerprinters(6443, all).map((f) => f.id)).toEqual(['http']);
    // etcd is http-or-https
    expect(selectFingerprinters(2379, all).map((f) => f.id)).toEqual(['http']);
  });
  it('tries server-speaks-first fingerprinters first on unknown ports', () => {
    expect(selectFingerprinters(40123, all).map((f) => f.id)).toEqual(['ssh', 'vnc', 'http']);
  });
  it('falls back to everything when no fingerprinter handles the catalogue protocol', () => {
    expect(selectFingerprinters(22, [http]).map((f) => f.id)).toEqual(['http']);
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then spaces connections at the rate', async () => {
    let now = 0;
    const slept: number[] = [];
    const bucket = new TokenBucket(
      10,
      2,
      () => now,
      async (ms) => {
        slept.push(Math.round(ms));
        now += ms;
      },
    );
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(slept).toEqual([100, 100, 100]);
    expect(Math.round(now)).toBe(300);
  });
});
