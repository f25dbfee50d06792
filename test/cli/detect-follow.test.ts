import { createSocket } from 'node:dgram';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../io/sources/helpers.js';
import { startCli, type CliProcess } from './cli-process.js';
import { DAY, K3, T0, fileText, intrusion, normalDay, rfc5424 } from '../detect/live-fixtures.js';

const HOUR = 3_600_000;
/** Generous: the CLI child loads TypeScript on the fly and the machine may be busy. */
const WAIT = 60_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drb-detect-live-'));
  // Out-of-orderness 1s: a quiet source stops holding the watermark after 1s of wall time.
  writeFileSync(
    join(dir, 'drawbridge.yaml'),
    'organisation:\n  asns: [64500]\n  allowedRanges: [192.0.2.0/24]\ndetect:\n  learningPeriod: 1d\n  outOfOrderness: 1s\n',
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Running extends CliProcess {
  /** JSON lines printed so far. */
  records: () => { id: string; rule: string; asset: string; location: { source?: string } }[];
}

function start(args: string[], state = 'state'): Running {
  const p = startCli([...args, '--config', join(dir, 'drawbridge.yaml'), '--state-dir', join(dir, state)], dir);
  return {
    ...p,
    records: () =>
      p
        .stdout()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { id: string; rule: string; asset: string; location: { source?: string } }),
  };
}

async function stop(r: Running): Promise<number | NodeJS.Signals> {
  r.child.kill('SIGTERM');
  return r.exit;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((ok) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => ok(s));
  });
}

describe('detect --follow', () => {
  it('streams alerts (json means jsonl) and webhooks while running; SIGTERM commits; a restart repeats nothing', async () => {
    const hooked: { id: string }[] = [];
    const server = createServer((req, res) => {
      void body(req).then((b) => {
        hooked.push(JSON.parse(b) as { id: string });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    const log = join(dir, 'auth.log');
    writeFileSync(log, fileText([...normalDay(0), ...normalDay(1)]));
    try {
      const first = start(['detect', '--follow', log, '--format', 'json', '--webhook', `http://127.0.0.1:${port}/hook`]);
      appendFileSync(log, fileText(intrusion(T0 + 2 * DAY + HOUR)));
      await eventually(() => first.records().length >= 2 && hooked.length >= 2, 'alerts on stdout and at the webhook while following', WAIT);
      expect(first.child.exitCode).toBeNull();
      const firstIds = first.records().map((a) => a.id);
      expect(first.records().map((a) => a.rule).sort()).toEqual(['new-source-range', 'unseen-credential']);
      expect(hooked.map((a) => a.id).sort()).toEqual([...firstIds].sort());
      // High alerts and the default --fail-on high: exit 1.
      expect(await stop(first)).toBe(1);
      expect(first.stderr()).toContain('stopping');
      expect(first.stderr()).toMatch(/14 records, \d+ events, 2 alerts/);

      appendFileSync(log, fileText([...normalDay(3), ...intrusion(T0 + 3 * DAY + HOUR, '203.0.113.99', 'carol', K3)]));
      const second = start(['detect', '--follow', log, '--format', 'jsonl', '--fail-on', 'critical']);
      await eventually(() => second.records().some((a) => a.asset === 'carol@web1'), 'the second intrusion', WAIT);
      expect(await stop(second)).toBe(0);
      // Only the lines written since were read; nothing of the first run came again.
      expect(second.stderr()).toMatch(/\b8 records\b/);
      expect(second.records().filter((a) => firstIds.includes(a.id))).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('--follow of standard input and --syslog on a non-loopback address are usage errors', async () => {
    const a = start(['detect', '--follow', '-']);
    expect(await a.exit).toBe(2);
    expect(a.stderr()).toContain('--follow: standard input cannot be followed');
    const b = start(['detect', '--syslog', 'udp://192.0.2.1:5514']);
    expect(await b.exit).toBe(2);
    expect(b.stderr()).toContain('not a loopback address');
  });
});

describe('detect --syslog', () => {
  const history = [...normalDay(0), ...normalDay(1)].map(rfc5424);
  const attack = intrusion(T0 + 2 * DAY + HOUR).map(rfc5424);

  async function listening(r: Running, transport: string): Promise<number> {
    let port = 0;
    await eventually(() => {
      const m = new RegExp(`listening for syslog on ${transport}://127\\.0\\.0\\.1:(\\d+)`).exec(r.stderr());
      if (m) port = Number(m[1]);
      return m !== null;
    }, 'the receiver to listen', WAIT);
    return port;
  }

  it('UDP: alerts print as they come, one JSON line each, and SIGTERM ends the run with exit 1', async () => {
    const r = start(['detect', '--syslog', 'udp://127.0.0.1:0', '--format', 'ocsf']);
    const port = await listening(r, 'udp');
    const sock = createSocket('udp4');
    for (const m of [...history, ...attack]) await new Promise<void>((ok, fail) => sock.send(m, port, '127.0.0.1', (e) => (e ? fail(e) : ok())));
    sock.close();
    await eventually(() => r.stdout().split('\n').filter(Boolean).length >= 2, 'OCSF records on stdout', WAIT);
    expect(r.child.exitCode).toBeNull();
    expect(await stop(r)).toBe(1);
    const ocsf = r.stdout().trim().split('\n').map((l) => JSON.parse(l) as { class_uid: number; finding_info?: { title?: string } });
    expect(ocsf.every((o) => o.class_uid === 2004)).toBe(true);
    expect(r.stderr()).toMatch(/syslog udp: 14 messages, 14 accepted, 0 rejected/);
  });

  it('TCP: a table is drawn per alert as it comes; messages accepted before SIGTERM are all read', async () => {
    const r = start(['detect', '--syslog', 'tcp://127.0.0.1:0', '--format', 'table']);
    const port = await listening(r, 'tcp');
    await new Promise<void>((done, fail) => {
      const sock = connect(port, '127.0.0.1', () => sock.end([...history, ...attack].map((m) => `${m}\n`).join(''), () => done()));
      sock.on('error', fail);
    });
    await eventually(() => /unseen-credential/.test(r.stdout()) && /new-source-range/.test(r.stdout()), 'both alerts drawn', WAIT);
    expect(await stop(r)).toBe(1);
    expect(r.stdout()).toContain('2 total: 1 high, 1 medium');
    expect(r.stdout()).toMatch(/Incidents at or above high: 1\n.*Activity from 203\.0\.113\.66 as alice/);
    expect(r.stderr()).toMatch(/14 records, \d+ events, 2 alerts/);
  });
});

describe('detect (one run)', () => {
  it('a table ends with the incidents at or above --fail-on; json holds them too', async () => {
    const log = join(dir, 'auth.log');
    writeFileSync(log, fileText([...normalDay(0), ...normalDay(1), ...intrusion(T0 + 2 * DAY + HOUR)]));
    const t = start(['detect', log, '--format', 'table']);
    expect(await t.exit).toBe(1);
    expect(t.stdout()).toMatch(/Incidents at or above high: 1\nHIGH {5}INC-[0-9a-f]+ {2}Activity from 203\.0\.113\.66 as alice: access → credential/);
    const j = start(['detect', log, '--format', 'json'], 'state2');
    expect(await j.exit).toBe(1);
    const doc = JSON.parse(j.stdout()) as { alerts: { incident: string }[]; incidents: { id: string; stages: string[] }[] };
    expect(doc.incidents).toHaveLength(1);
    expect(doc.incidents[0]!.stages).toEqual(['access', 'credential']);
    expect(doc.alerts.every((a) => a.incident === doc.incidents[0]!.id)).toBe(true);
  });
});
