/**
 * The SQLite store's working set is bounded: past its bound a cache is dropped after a commit and
 * the keys it held are counted as evicted; what was evicted is read back from the file, unchanged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../../src/detect/state/sqlite.js';
import { runDetect } from '../../../src/detect/pipeline/index.js';
import { ConfigSchema } from '../../../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-working-set-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite working set', () => {
  it('counts the keys it evicts, and still answers for them from the file', () => {
    const path = join(dir, 'bounded.db');
    const s = new SqliteStateStore(path, { maxCached: 100 });
    s.transaction(() => {
      for (let i = 0; i < 60; i++) s.seen('ns', `k${i}`, 1000 + i);
    });
    expect(s.cacheStats()).toEqual({ cached: 60, evicted: 0, evictions: 0 });
    s.transaction(() => {
      for (let i = 60; i < 250; i++) s.seen('ns', `k${i}`, 1000 + i);
      for (let i = 0; i < 20; i++) s.mark('m', `k${i}`, 1000, 500);
    });
    const after = s.cacheStats();
    expect(after.evicted).toBe(250);
    expect(after.evictions).toBe(1);
    // The marks cache (20 keys) stayed within the bound.
    expect(after.cached).toBe(20);
    // Evicted keys are known, with their times, and a key never seen is still new.
    s.transaction(() => {
      expect(s.seen('ns', 'k3', 5000)).toBe(false);
      expect(s.peek('ns', 'k200')).toEqual({ first: 1200, last: 1200 });
      expect(s.seen('ns', 'never', 5000)).toBe(true);
    });
    expect(s.peek('ns', 'k3')).toEqual({ first: 1003, last: 5000 });
    expect(s.marked('m', 'k5', 1400)).toBe(true);
    s.close();
    // And after a restart, from the file alone.
    const again = new SqliteStateStore(path);
    expect(again.entries('ns')).toHaveLength(251);
    expect(again.peek('ns', 'k3')).toEqual({ first: 1003, last: 5000 });
    expect(again.cacheStats().evicted).toBe(0);
    again.close();
  });

  it('a detect run reports its store working set', async () => {
    const log = join(dir, 'flows.log');
    const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
    const rows = Array.from({ length: 30 }, (_, i) => `2 123456789012 eni-1 203.0.${i}.9 10.0.1.20 50122 22 6 5 320 ${1741079702 + i} ${1741079760 + i} ACCEPT OK`);
    writeFileSync(log, [header, ...rows].join('\n') + '\n');
    const config = ConfigSchema.parse({ stateDir: join(dir, 'state') });
    const r = await runDetect([log], { config, deadLetter: false });
    // One baseline key per source range at 10.0.1.20:22, plus the marks and the engine's first-event key.
    expect(r.cache?.evicted).toBe(0);
    expect(r.cache?.cached).toBeGreaterThanOrEqual(30);
  });
});
