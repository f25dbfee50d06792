/**
 * Decoding in worker threads (--threads 2) must not change what detect finds: the same alerts (ids,
 * severities, evidence), observations, incidents, counts and resume points as one thread, over an
 * emulated week of every log format, and with a format named for the run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { runDetect, type DetectOptions } from '../../../src/detect/pipeline/index.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { emulate } from '../../../src/emulate/index.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(files: string[], threads: number, extra: Partial<DetectOptions> = {}) {
  const config = parseConfig(readFileSync(join(dir, 'drawbridge.yaml'), 'utf8'), join(dir, 'drawbridge.yaml'));
  const store = new MemoryStateStore();
  try {
    const r = await runDetect(files, { config, store, deadLetter: false, threads, ...extra });
    const checkpoints = files.map((f) => store.checkpoint(f));
    return { ...r, checkpoints };
  } finally {
    store.close();
  }
}

describe('detect with decode worker threads', () => {
  // A worker run from source compiles the decoders through tsx: slow to start, so few files.
  it('finds exactly what one thread finds, over sshd (syslog, journald), Kubernetes audit and VPC flow logs', { timeout: 240_000 }, async () => {
    const summary = await emulate({ seed: 5, outDir: dir, days: 6 });
    const kinds = ['sshd-syslog', 'sshd-journald', 'kubernetes-audit', 'aws-vpc-flow-v2'];
    const files = summary.files.filter((f) => kinds.includes(f.kind)).map((f) => join(dir, f.path));
    expect(files.length).toBe(4);
    const one = await run(files, 1);
    const two = await run(files, 2);
    expect(one.alerts.length).toBeGreaterThan(0);
    expect(one.stats.events).toBeGreaterThan(1000);
    expect(two.alerts).toEqual(one.alerts);
    expect(two.observations).toEqual(one.observations);
    expect(two.incidents).toEqual(one.incidents);
    expect(two.stats).toEqual(one.stats);
    expect(two.rejected).toEqual(one.rejected);
    expect(two.sources).toEqual(one.sources);
  });

  it('decodes a format named for the run alike, and rejects alike', { timeout: 240_000 }, async () => {
    const summary = await emulate({ seed: 6, outDir: dir, days: 2 });
    const sshd = summary.files.filter((f) => f.kind === 'sshd-syslog').map((f) => join(dir, f.path));
    expect(sshd.length).toBe(1);
    const one = await run(sshd, 1, { format: 'sshd' });
    const two = await run(sshd, 2, { format: 'sshd' });
    expect(two.alerts).toEqual(one.alerts);
    expect(two.stats).toEqual(one.stats);
    // Another format named: every line is rejected, by both, with the same reasons.
    const wrongOne = await run(sshd, 1, { format: 'k8s-audit' });
    const wrongTwo = await run(sshd, 2, { format: 'k8s-audit' });
    expect(wrongOne.stats.rejected).toBeGreaterThan(0);
    expect(wrongTwo.rejected).toEqual(wrongOne.rejected);
  });
});
