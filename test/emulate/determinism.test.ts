import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emulate } from '../../src/emulate/index.js';
import { buildScenario } from '../../src/emulate/scenario.js';
import { buildRealisticScenario } from '../../src/emulate/realistic/scenario.js';
import { Prng } from '../../src/emulate/prng.js';

const tmp = mkdtempSync(join(tmpdir(), 'drawbridge-emulate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fingerprint(seed: number, days?: number): Map<string, string> {
  const s = buildScenario(days === undefined ? { seed } : { seed, days });
  const m = new Map(s.files.map((f) => [f.path, f.text]));
  m.set('drawbridge.yaml', s.config);
  m.set('labels.json', JSON.stringify(s.labels));
  return m;
}

describe('emulation determinism', () => {
  it('gives the same bytes for the same seed', () => {
    const a = fingerprint(42, 3);
    const b = fingerprint(42, 3);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
  });

  it('gives different content for a different seed', () => {
    const a = fingerprint(42, 3);
    const b = fingerprint(43, 3);
    const differing = [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k));
    // Every log differs (keys, addresses, times are all drawn from the seed).
    expect(differing.filter((k) => k.startsWith('logs/') && !k.includes('/azure/')).length).toBeGreaterThanOrEqual(12);
    expect(a.get('labels.json')).not.toBe(b.get('labels.json'));
  });

  it('writes exactly the scenario to disk, replacing an earlier emulation in the same directory', async () => {
    const dir = join(tmp, 'run');
    await emulate({ seed: 9, outDir: dir, days: 3 });
    const first = await emulate({ seed: 7, outDir: dir, days: 3 });
    const expected = buildScenario({ seed: 7, days: 3 });
    expect(first.files.map((f) => f.path)).toEqual(expected.files.map((f) => f.path));
    for (const f of expected.files) expect(readFileSync(join(dir, f.path), 'utf8'), f.path).toBe(f.text);
    expect(readFileSync(join(dir, 'drawbridge.yaml'), 'utf8')).toBe(expected.config);
    expect(JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8'))).toEqual(expected.labels);
    expect(first.procedures.length).toBe(expected.labels.procedures.length);
  });

  it('refuses a non-empty directory that holds no emulation', async () => {
    const dir = join(tmp, 'foreign');
    await emulate({ seed: 1, outDir: join(dir, 'sub'), days: 2 });
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    await expect(emulate({ seed: 1, outDir: dir, days: 2 })).rejects.toThrow(/not empty/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('rejects nonsense options', () => {
    expect(() => buildScenario({ seed: 1, days: 1 })).toThrow(RangeError);
    expect(() => buildScenario({ seed: 1.5 })).toThrow(RangeError);
  });
});

describe('Prng', () => {
  it('repeats its sequence for a seed and stays in range', () => {
    const a = new Prng(123);
    const b = new Prng(123);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    // Roughly uniform: each decile gets a fair share.
    const deciles = new Array<number>(10).fill(0);
    for (const x of xs) deciles[Math.floor(x * 10)]!++;
    expect(Math.min(...deciles)).toBeGreaterThan(60);
    const c = new Prng(124);
    expect(c.next()).not.toBe(new Prng(123).next());
  });
});

describe('realistic profile determinism', () => {
  const realistic = (seed: number): Map<string, string> => {
    const s = buildRealisticScenario({ seed, scale: 0.01, historyDays: 3, liveDays: 7 });
    const m = new Map(s.files.map((f) => [f.path, f.text]));
    m.set('drawbridge.yaml', s.config);
    m.set('labels.json', JSON.stringify(s.labels));
    return m;
  };

  it('gives the same bytes for the same seed, and other logs and labels for another', () => {
    const a = realistic(5);
    const b = realistic(5);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
    const c = realistic(6);
    for (const k of a.keys()) if (k.startsWith('logs/')) expect(c.get(k), k).not.toBe(a.get(k));
    expect(c.get('labels.json')).not.toBe(a.get('labels.json'));
  });

  it('keeps the shape at another scale: the same files, labels and planted events, more background', () => {
    const small = buildRealisticScenario({ seed: 5, scale: 0.01, historyDays: 3, liveDays: 7 });
    const larger = buildRealisticScenario({ seed: 5, scale: 0.03, historyDays: 3, liveDays: 7 });
    expect(larger.files.map((f) => f.path)).toEqual(small.files.map((f) => f.path));
    expect(larger.labels.procedures.map((p) => p.id)).toEqual(small.labels.procedures.map((p) => p.id));
    expect(larger.labels.benign?.map((p) => p.id)).toEqual(small.labels.benign?.map((p) => p.id));
    // Scanners, visitors and east-west flows grow with the scale; people, CI and the cluster do not.
    const flows = (s: typeof small): number => s.files.find((f) => f.path.endsWith('vpc-flow.log'))?.records ?? 0;
    expect(flows(larger)).toBeGreaterThan(flows(small) * 1.5);
  });
});
