import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './run-cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_REDIS, startRedis, type RedisServer } from '../detect/state/redis-server.js';


const run = (args: string[], cwd: string) => runCli(args, { cwd });

describe.skipIf(!HAVE_REDIS)('detect --store redis://', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('keeps baselines and offsets in a real Redis: same alerts as SQLite, and a second run resumes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-redis-cli-'));
    const common = ['detect', join(ROOT, 'samples/logs/auth.log'), '--config', join(ROOT, 'samples/drawbridge.yaml'), '--format', 'json'];
    const sqlite = JSON.parse(run([...common, '--state-dir', join(dir, 'sqlite')], dir).stdout) as { alerts: { id: string }[] };
    const first = run([...common, '--state-dir', join(dir, 'redis'), '--store', redis.url], dir);
    const viaRedis = JSON.parse(first.stdout) as { alerts: { id: string; rule: string }[] };
    expect(viaRedis.alerts.map((a) => a.id)).toEqual(sqlite.alerts.map((a) => a.id));
    expect(viaRedis.alerts.some((a) => a.rule === 'unseen-credential')).toBe(true);
    const second = JSON.parse(run([...common, '--state-dir', join(dir, 'redis'), '--store', redis.url], dir).stdout) as { alerts: unknown[] };
    expect(second.alerts).toEqual([]);
    const list = run(['baseline', 'list', '--store', redis.url, '--detector', 'unseen-credential', '--format', 'json'], dir);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('ci-deploy@bastion-1');
  });

  it('a malformed store is a usage error naming the flag', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-redis-cli-'));
    const r = run(['detect', join(ROOT, 'samples/logs/auth.log'), '--store', 'postgres://x'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--store: expected "sqlite" or a redis:// URL');
  });
});
