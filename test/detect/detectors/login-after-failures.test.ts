import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loginAfterFailures, TRACKED_USERS } from '../../../src/detect/detectors/login-after-failures.js';
import { unseenCredential } from '../../../src/detect/detectors/unseen-credential.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { SqliteStateStore } from '../../../src/detect/state/sqlite.js';
import { learnLogin } from '../../../src/organisation/networks.js';
import { DAY, MIN, run, sshLogin, T0, testEnv } from './helpers.js';

const env = testEnv({ bruteForceFailures: 5 });

describe('login-after-failures (DS0002)', () => {
  it('a success after five failures from the same range is a brute force that worked (high), once per range', () => {
    const s = new MemoryStateStore();
    const fails = Array.from({ length: 5 }, (_, i) => sshLogin(T0 + i * MIN, '203.0.114.7', 'root', false));
    expect(run(loginAfterFailures, s, env, fails)).toEqual([]);
    const alerts = run(loginAfterFailures, s, env, [sshLogin(T0 + 10 * MIN, '203.0.114.99', 'root'), sshLogin(T0 + 11 * MIN, '203.0.114.99', 'root')]);
    expect(alerts.map((a) => [a.rule, a.severity, a.evidence.failures, a.evidence.spray])).toEqual([['login-after-failures', 'high', 5, false]]);
  });

  it('a password spray (one range, many users) that succeeds is critical; a few typos are nothing', () => {
    const s = new MemoryStateStore();
    const spray = ['admin', 'oracle', 'test'].map((u, i) => sshLogin(T0 + i * MIN, '203.0.114.7', u, false));
    expect(run(loginAfterFailures, s, env, [...spray, sshLogin(T0 + 5 * MIN, '203.0.114.8', 'deploy')]).map((a) => [a.severity, a.evidence.failedUsers])).toEqual([['critical', 3]]);
    const t = new MemoryStateStore();
    expect(run(loginAfterFailures, t, env, [sshLogin(T0, '203.0.114.7', 'alice', false), sshLogin(T0 + 1000, '203.0.114.7', 'alice', false), sshLogin(T0 + 2000, '203.0.114.7', 'alice')])).toEqual([]);
  });

  const W = env.config.detect.contextWindow;
  const fails = (from: number, n: number, src: string, user: (i: number) => string) => Array.from({ length: n }, (_, i) => sshLogin(from + i * 1000, src, user(i), false));

  it('failures count over the current and the previous window; older ones have lapsed', () => {
    const edge = Math.ceil(T0 / W) * W;
    // Three failures just before a window edge, two after it: five within reach of a success after the edge.
    const s = new MemoryStateStore();
    run(loginAfterFailures, s, env, [...fails(edge - 3000, 3, '203.0.114.7', () => 'root'), ...fails(edge + 1000, 2, '203.0.114.7', () => 'root')]);
    expect(run(loginAfterFailures, s, env, [sshLogin(edge + 10_000, '203.0.114.9', 'root')]).map((a) => a.evidence.failures)).toEqual([5]);
    // The same five, but the success two windows later: the failures are out of every window.
    const t = new MemoryStateStore();
    run(loginAfterFailures, t, env, fails(edge - 5000, 5, '203.0.114.7', () => 'root'));
    expect(run(loginAfterFailures, t, env, [sshLogin(edge + W + 10_000, '203.0.114.9', 'root')])).toEqual([]);
  });

  it('keeps one short-lived tally per range, whatever the number of failures or users; a wide spray is reported as "at least"', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'drawbridge-laf-')), 'state.db');
    const s = new SqliteStateStore(path);
    const spray = fails(T0, 2000, '203.0.114.7', (i) => `user${i % 200}`);
    s.transaction(() => run(loginAfterFailures, s, env, spray));
    const [alert] = s.transaction(() => run(loginAfterFailures, s, env, [sshLogin(T0 + 2_100_000, '203.0.114.8', 'user7')]));
    expect([alert?.severity, alert?.evidence.failures, alert?.evidence.failedUsers]).toEqual(['critical', 2000, TRACKED_USERS]);
    expect(alert?.title).toContain(`after 2000 failed logins for at least ${TRACKED_USERS} users`);
    s.close();
    const db = new Database(path, { readonly: true });
    const rows = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(rows("SELECT count(*) AS n FROM cells WHERE ns LIKE 'ds0002.%'")).toBe(1);
    expect(rows("SELECT count(*) AS n FROM seen WHERE ns LIKE 'ds0002.%'")).toBe(0);
    db.close();
  });
});

describe('unseen-credential: a person’s known key on another host', () => {
  it('is no new credential; a key new to the account is, on any host', () => {
    const s = new MemoryStateStore();
    const on = (t: number, host: string, user: string, k: string) => ({ ...sshLogin(t, '10.20.1.10', user), observer: host, credential: k });
    run(unseenCredential, s, env, [on(T0, 'web1', 'alice', 'SHA256:a')], true);
    expect(run(unseenCredential, s, env, [on(T0 + DAY, 'web2', 'alice', 'SHA256:a')])).toEqual([]);
    expect(run(unseenCredential, s, env, [on(T0 + DAY, 'web2', 'bob', 'SHA256:a')]).map((a) => a.asset)).toEqual(['bob@web2']);
    expect(run(unseenCredential, s, env, [on(T0 + DAY, 'web3', 'alice', 'SHA256:new')]).map((a) => a.asset)).toEqual(['alice@web3']);
  });
});

describe('unseen-credential severity follows the organisation', () => {
  const key = (t: number, src: string, user: string, k: string) => ({ ...sshLogin(t, src, user), credential: k });
  it('a new key of a known identity from its usual network is medium; from an unrelated ASN high; from a hosting ASN at night for it critical', () => {
    const s = new MemoryStateStore();
    // alice logs in every morning (09:00 UTC) from her ISP.
    for (let d = 0; d < 12; d++) {
      const ev = key(T0 + d * DAY, '100.20.1.5', 'alice', 'SHA256:old');
      unseenCredential.handle(ev, s, { env, learning: true, raw: '' });
      learnLogin(s, env, 'alice', ev.src, ev.time);
    }
    const sev = (t: number, src: string, k: string) => run(unseenCredential, s, env, [key(t, src, 'alice', k)]).map((a) => a.severity);
    expect(sev(T0 + 20 * DAY, '100.20.1.99', 'SHA256:rotated')).toEqual(['medium']);
    expect(sev(T0 + 20 * DAY + MIN, '198.51.100.3', 'SHA256:office')).toEqual(['medium']); // organisation ASN (config)
    expect(sev(T0 + 20 * DAY + 2 * MIN, '203.0.114.3', 'SHA256:other')).toEqual(['high']);
    expect(sev(T0 + 20 * DAY - 6 * 3600_000, '203.0.113.3', 'SHA256:evil')).toEqual(['critical']); // 03:00, Faraway Hosting
  });
});
