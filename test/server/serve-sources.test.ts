/**
 * What `drawbridge serve` reads and runs besides what is posted to it, in-process on loopback with real
 * SQLite: a followed log file (resumed from its checkpoint after a restart) and syslog over UDP and TCP
 * through the same detect stages as the CLI; rejected and late records in /metrics; observations kept
 * across a restart; audit and probe runs of configured inputs (a real sshd), on an admin's POST and on
 * a schedule, stored like posted findings.
 */
import { createSocket } from 'node:dgram';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { parseConfig } from '../../src/config/load.js';
import { runDetect } from '../../src/detect/engine.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import type { Alert } from '../../src/model/finding.js';
import { buildServer, type DrawbridgeServer } from '../../src/server/app.js';
import { parseTokenFile, TokenSet } from '../../src/server/tokens.js';
import { sshdAvailable, startSshd, type RunningSshd } from '../probe/helpers/sshd.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ADMIN = 'admin-token-0123456789abcdefghij';
const READ = 'read-token-0123456789abcdefghijk';
const INGEST = 'ingest-token-0123456789abcdefghi';
const TOKENS = new TokenSet(parseTokenFile(`admin:${ADMIN}\nread:${READ}\ningest:${INGEST}\n`, 'tokens.txt'));
const SAMPLE = join(ROOT, 'samples', 'logs', 'auth.log');

let dir: string;
let sshd: RunningSshd | undefined;

interface Started {
  server: DrawbridgeServer;
  store: SqliteStateStore;
  base: string;
  stop: () => Promise<void>;
}

async function start(yaml: string, state: string): Promise<Started> {
  const config = parseConfig(yaml + `\nstateDir: ${state}\n`, 'drawbridge.yaml');
  const store = new SqliteStateStore(join(state, 'state.db'));
  const server = await buildServer({ config, store, stateDir: state, tokens: TOKENS, pollMs: 100 });
  const base = (await server.listen('127.0.0.1', 0)).url;
  return {
    server,
    store,
    base,
    stop: async () => {
      await server.close();
      store.close();
    },
  };
}

const auth = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

async function getJson<T>(base: string, path: string, token = READ): Promise<T> {
  const r = await fetch(base + path, { headers: auth(token) });
  expect(r.status, `${path}: ${r.status}`).toBe(200);
  return (await r.json()) as T;
}

async function alertsOf(base: string): Promise<Alert[]> {
  return (await getJson<{ alerts: Alert[] }>(base, '/v1/alerts?limit=1000')).alerts;
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(base + '/metrics', { headers: auth(READ) })).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-serve-sources-'));
  if (sshdAvailable) sshd = await startSshd(['PasswordAuthentication yes', 'KbdInteractiveAuthentication no']);
}, 60_000);

afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('followed files and syslog', () => {
  it('follows a log file and receives syslog over UDP and TCP, with the CLI’s alerts, resuming after a restart', async () => {
    const lines = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l !== '');
    const followed = join(dir, 'auth.log');
    const half = Math.floor(lines.length / 2);
    writeFileSync(followed, lines.slice(0, half).join('\n') + '\n');
    const state = join(dir, 'state-follow');
    const yaml = `serve:\n  syslog: [udp://127.0.0.1:0, tcp://127.0.0.1:0]\n  follow:\n    - { path: ${followed}, format: sshd }\n`;
    let s = await start(yaml, state);
    try {
      // Written while the server runs: followed as it grows.
      appendFileSync(followed, lines.slice(half).join('\n') + '\n');
      const cli = await runDetect([SAMPLE], { config: parseConfig(`stateDir: ${join(dir, 'cli-state')}\n`, 'x.yaml'), deadLetter: false });
      expect(cli.alerts.length).toBeGreaterThan(3);
      const served = await waitFor('the followed file’s alerts', async () => {
        const a = await alertsOf(s.base);
        return a.length >= cli.alerts.length ? a : undefined;
      });
      expect(served.map((a) => a.id).sort()).toEqual(cli.alerts.map((a) => a.id).sort());
      expect(new Set(served.map((a) => a.location.source))).toEqual(new Set([followed]));

      // A password login of a user never seen, from a range never seen, by syslog: the same stages alert.
      const [udp, tcp] = s.server.receivers();
      expect(udp!.transport).toBe('udp');
      expect(tcp!.transport).toBe('tcp');
      const msg = (user: string, ip: string, t: string): string => `<86>1 ${t} bastion-1 sshd-session 4242 - - Accepted password for ${user} from ${ip} port 50022 ssh2`;
      const sock = createSocket('udp4');
      await new Promise<void>((ok, fail) => sock.send(msg('mallory', '203.0.113.7', '2026-11-08T10:00:00.000Z'), udp!.port, '127.0.0.1', (e) => (e ? fail(e) : ok())));
      sock.close();
      await new Promise<void>((ok, fail) => {
        const c = connect(tcp!.port, '127.0.0.1', () => c.end(msg('trudy', '198.18.7.9', '2026-11-08T10:05:00.000Z') + '\n', () => ok()));
        c.on('error', fail);
      });
      const bySyslog = await waitFor('the syslog alerts', async () => {
        const a = (await alertsOf(s.base)).filter((x) => x.location.source.startsWith('syslog+'));
        const sources = new Set(a.map((x) => x.location.source.split(':')[0]));
        return sources.size === 2 ? a : undefined;
      });
      expect(bySyslog.map((a) => a.location.source).sort()[0]).toMatch(/^syslog\+tcp:\/\/127\.0\.0\.1:\d+$/);
      expect(bySyslog.some((a) => JSON.stringify(a.evidence).includes('mallory'))).toBe(true);
      expect(bySyslog.some((a) => JSON.stringify(a.evidence).includes('trudy'))).toBe(true);
      const text = await (await fetch(s.base + '/metrics', { headers: auth(READ) })).text();
      expect(text).toMatch(/drawbridge_syslog_messages\{receiver="udp:\/\/127\.0\.0\.1:\d+",outcome="accepted"\} 1/);
    } finally {
      await s.stop();
    }

    // Stopped: more is written; started again, only the new lines are read (nothing twice).
    const before = await (async () => {
      s = await start(yaml, state);
      return alertsOf(s.base);
    })();
    try {
      appendFileSync(followed, msgLine('2026-11-09T09:00:00.000000+00:00', 'eve', '192.0.2.200') + '\n');
      const after = await waitFor('the alert of the line written after the restart', async () => {
        const a = await alertsOf(s.base);
        return a.length > before.length ? a : undefined;
      });
      expect(new Set(after.map((a) => a.id)).size).toBe(after.length);
      expect(after.slice(before.length).every((a) => a.location.source === followed && a.location.offset >= Buffer.byteLength(lines.join('\n') + '\n'))).toBe(true);
      expect(await metric(s.base, 'drawbridge_detect_records')).toBe(1);
    } finally {
      await s.stop();
    }
  });

  it('refuses a receiver beyond loopback unless allowed, and an unknown format, naming the key', async () => {
    const state = join(dir, 'state-bad');
    await expect(start('serve:\n  syslog: [udp://0.0.0.0:0]\n', state)).rejects.toThrow(/serve\.syslog\[0\] udp:\/\/0\.0\.0\.0:0: 0\.0\.0\.0 is not a loopback address/);
    await expect(start('serve:\n  follow: [{ path: /tmp/x.log, format: no-such }]\n', state)).rejects.toThrow(/serve\.follow\[0\] \/tmp\/x\.log: unknown log format "no-such"/);
  });
});

function msgLine(time: string, user: string, ip: string): string {
  return `${time} bastion-1 sshd-session[5151]: Accepted password for ${user} from ${ip} port 40404 ssh2`;
}

describe('metrics: rejected and late records', () => {
  it('counts records no decoder reads and events that come after event time moved past them', async () => {
    const s = await start('', join(dir, 'state-metrics'));
    try {
      expect(await metric(s.base, 'drawbridge_detect_rejected_total')).toBe(0);
      expect(await metric(s.base, 'drawbridge_detect_late_total')).toBe(0);
      const post = async (lines: string[]): Promise<void> => {
        const r = await fetch(s.base + '/v1/ingest/sshd', { method: 'POST', headers: auth(INGEST), body: lines.join('\n') + '\n' });
        expect(r.status).toBe(200);
      };
      // JSON objects that are no audit event: accepted by the endpoint, rejected by the decoder.
      const bad = await fetch(s.base + '/v1/ingest/k8s-audit', { method: 'POST', headers: auth(INGEST), body: '{"foo":1}\n{"kind":"Event","apiVersion":"audit.k8s.io/v1"}\n' });
      expect(bad.status).toBe(200);
      await waitFor('the rejected records', async () => ((await metric(s.base, 'drawbridge_detect_rejected_total')) === 2 ? true : undefined));
      // A day later first; once released, an event of the day before is late (more than outOfOrderness behind).
      await post([msgLine('2026-11-10T10:00:00.000000+00:00', 'alice', '10.1.1.1')]);
      await waitFor('the first event released', async () => ((await metric(s.base, 'drawbridge_detect_records')) >= 3 ? true : undefined));
      await new Promise((r) => setTimeout(r, 1_500));
      await post([msgLine('2026-11-09T10:00:00.000000+00:00', 'bob', '10.1.1.2')]);
      await waitFor('the late event', async () => ((await metric(s.base, 'drawbridge_detect_late_total')) === 1 ? true : undefined));
      const dead = readFileSync(join(dir, 'state-metrics', 'dead-letter.jsonl'), 'utf8').trim().split('\n');
      expect(dead.length).toBe(2);
    } finally {
      await s.stop();
    }
  });
});

describe('observations across a restart', () => {
  it('lists the same observations after the server is stopped and started again', async () => {
    const state = join(dir, 'state-obs');
    let s = await start('', state);
    let first: unknown[];
    try {
      const r = await fetch(s.base + '/v1/ingest/sshd', { method: 'POST', headers: auth(INGEST), body: readFileSync(SAMPLE) });
      expect(r.status).toBe(200);
      const cli = await runDetect([SAMPLE], { config: parseConfig(`stateDir: ${join(dir, 'cli-obs')}\n`, 'x.yaml'), deadLetter: false });
      expect(cli.observations.length).toBeGreaterThan(0);
      first = await waitFor('the observations', async () => {
        const o = (await getJson<{ observations: unknown[] }>(s.base, '/v1/observations')).observations;
        return o.length >= cli.observations.length ? o : undefined;
      });
    } finally {
      await s.stop();
    }
    s = await start('', state);
    try {
      const again = (await getJson<{ observations: unknown[] }>(s.base, '/v1/observations')).observations;
      expect(again).toEqual(first);
    } finally {
      await s.stop();
    }
  });
});

describe.skipIf(!sshdAvailable)('audit and probe run by the server', () => {
  it('audits its configured paths and probes its configured targets on an admin POST, storing the findings', async () => {
    const target = `127.0.0.1:${sshd!.port}`;
    const yaml = `serve:\n  audit:\n    paths: [${join(ROOT, 'samples', 'sshd', 'sshd_config')}]\n  probe:\n    targets: ["${target}"]\n`;
    const s = await start(yaml, join(dir, 'state-runs'));
    try {
      expect((await fetch(s.base + '/v1/runs/audit', { method: 'POST', headers: auth(READ) })).status).toBe(403);
      const audit = await fetch(s.base + '/v1/runs/audit', { method: 'POST', headers: auth(ADMIN) });
      expect(audit.status).toBe(200);
      const a = (await audit.json()) as { lens: string; findings: number };
      expect(a.lens).toBe('audit');
      expect(a.findings).toBeGreaterThan(0);
      const audited = await getJson<{ findings: { lens: string; location: { file?: string } }[]; total: number }>(s.base, '/v1/findings?lens=audit&limit=1000');
      expect(audited.total).toBe(a.findings);
      expect(audited.findings.every((f) => f.location.file?.endsWith('sshd_config'))).toBe(true);

      const probe = await fetch(s.base + '/v1/runs/probe', { method: 'POST', headers: auth(ADMIN) });
      expect(probe.status).toBe(200);
      const p = (await probe.json()) as { findings: number; problems: string[] };
      expect(p.problems).toEqual([]);
      const probed = await getJson<{ findings: { rule: string; location: { host?: string; port?: number } }[] }>(s.base, '/v1/findings?lens=probe&limit=1000');
      expect(probed.findings.length).toBe(p.findings);
      // The real sshd offers password authentication: probe says so.
      expect(probed.findings.some((f) => f.location.host === '127.0.0.1' && f.location.port === sshd!.port && /password/i.test(f.rule))).toBe(true);
      const surface = await getJson<{ matrix: { subTechnique: string; audit: { count: number }; probe: { count: number } }[] }>(s.base, '/v1/surface');
      const ssh = surface.matrix.find((m) => m.subTechnique === 'ssh-access')!;
      expect(ssh.audit.count).toBeGreaterThan(0);
      expect(ssh.probe.count).toBeGreaterThan(0);

      const log = await getJson<{ entries: { actor: string; action: string }[] }>(s.base, '/v1/admin-log', ADMIN);
      expect(log.entries.map((e) => [e.actor, e.action])).toEqual([
        ['tokens.txt:1', 'run.audit'],
        ['tokens.txt:1', 'run.probe'],
      ]);
    } finally {
      await s.stop();
    }
  });

  it('runs on its schedule, and answers 404 for a lens with nothing configured', async () => {
    const s = await start(`serve:\n  audit:\n    paths: [${join(ROOT, 'samples', 'sshd', 'sshd_config')}]\n    every: 1h\n`, join(dir, 'state-schedule'));
    try {
      // The first scheduled run starts with the server.
      const found = await waitFor('the scheduled audit', async () => {
        const f = await getJson<{ total: number }>(s.base, '/v1/findings?lens=audit');
        return f.total > 0 ? f.total : undefined;
      });
      expect(found).toBeGreaterThan(0);
      const log = await getJson<{ entries: { actor: string; action: string }[] }>(s.base, '/v1/admin-log', ADMIN);
      expect(log.entries).toContainEqual(expect.objectContaining({ actor: 'schedule', action: 'run.audit' }));
      const none = await fetch(s.base + '/v1/runs/probe', { method: 'POST', headers: auth(ADMIN) });
      expect(none.status).toBe(404);
    } finally {
      await s.stop();
    }
  });
});
