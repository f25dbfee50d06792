import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { makeFinding } from '../../src/model/finding.js';
import { diffStates, endpointStates, formatChanges, historyPath, ProbeHistory, recordProbeRun, scopeKey, type ProbeChanges } from '../../src/probe/history.js';
import type { AuthState, Observation } from '../../src/probe/types.js';

const obs = (host: string, port: number, service: string | undefined, auth: AuthState, rules: string[] = []): Observation => ({
  endpoint: { host, port },
  outcome: service ? 'identified' : 'unrecognised',
  ...(service ? { service } : {}),
  auth,
  facts: {},
  findings: rules.map((rule) =>
    makeFinding({ rule, subTechnique: 'unauthenticated-admin-interface', control: 'M1037', severity: 'high', title: rule, asset: host, location: { host, port }, evidence: {}, remediation: '-' }),
  ),
});

const scope = { targets: ['127.0.0.0/30'], ports: [22, 5900] };
const T0 = new Date('2026-01-01T00:00:00Z');
const T1 = new Date('2026-01-02T00:00:00Z');
const T2 = new Date('2026-01-03T00:00:00Z');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-history-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('diffStates', () => {
  const before = endpointStates([obs('127.0.0.1', 22, 'ssh', 'login'), obs('127.0.0.1', 5900, 'vnc', 'login', ['probe.vnc.exposed']), obs('127.0.0.2', 22, 'ssh', 'login')]);
  it('reports opened, closed and worse endpoints, keyed by host:port/service', () => {
    const after = endpointStates([
      obs('127.0.0.1', 22, 'ssh', 'login'),
      obs('127.0.0.1', 5900, 'vnc', 'open', ['probe.vnc.exposed', 'probe.vnc.no-auth']),
      obs('127.0.0.3', 5900, 'vnc', 'login'),
    ]);
    const d = diffStates(before, after);
    expect(d.opened.map((s) => s.key)).toEqual(['127.0.0.3:5900/vnc']);
    expect(d.closed.map((s) => s.key)).toEqual(['127.0.0.2:22/ssh']);
    expect(d.changed).toEqual([
      {
        key: '127.0.0.1:5900/vnc',
        host: '127.0.0.1',
        port: 5900,
        service: 'vnc',
        auth: { before: 'login', after: 'open' },
        newFindings: [{ id: expect.stringMatching(/^DRB-/), rule: 'probe.vnc.no-auth', severity: 'high' }],
      },
    ]);
  });
  it('does not report an improvement or an unchanged run', () => {
    expect(diffStates(before, before)).toEqual({ opened: [], closed: [], changed: [] });
    const better = endpointStates([obs('127.0.0.1', 22, 'ssh', 'refused'), obs('127.0.0.1', 5900, 'vnc', 'login'), obs('127.0.0.2', 22, 'ssh', 'login')]);
    expect(diffStates(before, better).changed).toEqual([]);
  });
  it('a different service on the same port is one closed and one opened endpoint', () => {
    const d = diffStates(endpointStates([obs('127.0.0.1', 8080, undefined, 'unknown')]), endpointStates([obs('127.0.0.1', 8080, 'jenkins', 'open')]));
    expect([d.opened.map((s) => s.key), d.closed.map((s) => s.key)]).toEqual([['127.0.0.1:8080/jenkins'], ['127.0.0.1:8080/unknown']]);
  });
  it('brackets IPv6 hosts in keys', () => {
    expect(endpointStates([obs('::1', 22, 'ssh', 'login')])[0]?.key).toBe('[::1]:22/ssh');
  });
});

describe('ProbeHistory', () => {
  it('compares each run with the previous run over the same scope only', () => {
    const h = new ProbeHistory(join(dir, 'a', 'probe.db'));
    try {
      const first = h.record(scope, [obs('127.0.0.1', 22, 'ssh', 'login')], T0);
      expect(first).toEqual({ since: null, opened: [], closed: [], changed: [] });
      // Another scope in between is not the baseline.
      expect(h.record({ targets: ['127.0.0.9'], ports: [22] }, [], T1).since).toBeNull();
      const second = h.record({ ...scope, ports: [5900, 22, 22] }, [obs('127.0.0.1', 5900, 'vnc', 'open', ['probe.vnc.no-auth'])], T1);
      expect(second.since).toEqual({ run: 1, time: T0.toISOString() });
      expect(second.opened.map((s) => [s.key, s.auth, s.findings.map((f) => f.rule)])).toEqual([['127.0.0.1:5900/vnc', 'open', ['probe.vnc.no-auth']]]);
      expect(second.closed.map((s) => s.key)).toEqual(['127.0.0.1:22/ssh']);
      const third = h.record(scope, [obs('127.0.0.1', 5900, 'vnc', 'open', ['probe.vnc.no-auth'])], T2);
      expect(third).toMatchObject({ since: { run: 3 }, opened: [], closed: [], changed: [] });
    } finally {
      h.close();
    }
    // Durable: a new handle on the same file sees the last run.
    const again = new ProbeHistory(join(dir, 'a', 'probe.db'));
    expect(again.lastRun(scopeKey(scope))?.states.map((s) => s.key)).toEqual(['127.0.0.1:5900/vnc']);
    again.close();
  });

  it('scope keys ignore order, duplicates and case', () => {
    expect(scopeKey({ targets: ['B.example', '127.0.0.1'], ports: [22, 80], exclude: ['127.0.0.2'] })).toBe(
      scopeKey({ targets: ['127.0.0.1', 'b.example', '127.0.0.1'], ports: [80, 22], exclude: ['127.0.0.2'] }),
    );
    expect(scopeKey({ targets: ['127.0.0.1'], ports: [22] })).not.toBe(scopeKey({ targets: ['127.0.0.1'], ports: [22], exclude: ['127.0.0.1'] }));
  });

  it('keeps unreadable stored rows visible as problems naming run, endpoint and field', () => {
    const path = join(dir, 'b', 'probe.db');
    const h = new ProbeHistory(path);
    h.record(scope, [obs('127.0.0.1', 22, 'ssh', 'login'), obs('127.0.0.1', 5900, 'vnc', 'login')], T0);
    h.close();
    const db = new Database(path);
    db.prepare("UPDATE endpoints SET findings = '{oops' WHERE key = '127.0.0.1:22/ssh'").run();
    db.prepare("UPDATE endpoints SET auth = 'sideways' WHERE key = '127.0.0.1:5900/vnc'").run();
    db.close();
    const r = recordProbeRun(join(dir, 'b'), scope, [obs('127.0.0.1', 22, 'ssh', 'login'), obs('127.0.0.1', 5900, 'vnc', 'open')], T1);
    if ('error' in r) throw new Error(r.error);
    expect(r.problems).toEqual([
      expect.stringMatching(/^probe\.db run 1 endpoint 127\.0\.0\.1:22\/ssh: field findings: .*JSON.*\(read as none\)$/),
      'probe.db run 1 endpoint 127.0.0.1:5900/vnc: field auth: unknown value "sideways" (read as unknown)',
    ]);
    expect(r.changes.changed.map((c) => [c.key, c.auth])).toEqual([['127.0.0.1:5900/vnc', { before: 'unknown', after: 'open' }]]);
  });

  it('a state dir or database that cannot be used is reported, not thrown', () => {
    writeFileSync(join(dir, 'plain-file'), 'x');
    expect(recordProbeRun(join(dir, 'plain-file'), scope, [], T0)).toEqual({ error: expect.stringContaining(`${historyPath(join(dir, 'plain-file'))}: probe history not updated`) });
    const garbage = join(dir, 'garbage');
    mkdirSync(garbage);
    writeFileSync(historyPath(garbage), 'not sqlite at all, only text '.repeat(200));
    expect(recordProbeRun(garbage, scope, [], T0)).toEqual({ error: expect.stringMatching(/probe history not updated: file is not a database/) });
  });

  it('formats a human summary', () => {
    const c: ProbeChanges = {
      since: { run: 4, time: T0.toISOString() },
      opened: endpointStates([obs('127.0.0.3', 5900, 'vnc', 'open')]),
      closed: endpointStates([obs('127.0.0.2', 22, 'ssh', 'login')]),
      changed: [{ key: '127.0.0.1:3389/rdp', host: '127.0.0.1', port: 3389, service: 'rdp', newFindings: [{ id: 'DRB-1', rule: 'probe.rdp.nla-not-required', severity: 'high' }] }],
    };
    expect(formatChanges(c)).toEqual([
      'changes since run 4 (2026-01-01T00:00:00.000Z): 1 opened, 1 closed, 1 worse',
      '  + opened  127.0.0.3:5900/vnc auth=open',
      '  - closed  127.0.0.2:22/ssh auth=login',
      '  ! worse   127.0.0.1:3389/rdp: new: probe.rdp.nla-not-required (high)',
    ]);
    expect(formatChanges({ since: null, opened: [], closed: [], changed: [] })[0]).toMatch(/^changes: first run over this scope/);
  });
});

/** An RFB server written from RFC 6143 offering `types` (3.8), switchable between runs. */
async function rfbServer(types: number[], port = 0): Promise<{ port: number; set: (t: number[]) => void; close: () => Promise<void> }> {
  let offer = types;
  const sockets = new Set<Socket>();
  const srv: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    s.write('RFB 003.008\n');
    s.once('data', () => s.end(Buffer.from([offer.length, ...offer])));
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return {
    port: (srv.address() as AddressInfo).port,
    set: (t) => (offer = t),
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), srv.close(() => r()))),
  };
}

describe('drawbridge probe records history', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  async function cli(args: string[]): Promise<{ json: Record<string, unknown>; stderr: string }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += c.toString()), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += c.toString()), true));
    await main(args);
    vi.restoreAllMocks();
    if (args.includes('json') && !out.trim().startsWith('{')) throw new Error(`drawbridge ${args.join(' ')} printed no JSON; stderr:\n${err}`);
    return { json: out.trim().startsWith('{') ? (JSON.parse(out) as Record<string, unknown>) : {}, stderr: err };
  }

  it('prints "changes" in JSON and a summary on stderr for the table format', async () => {
    const a = await rfbServer([2]);
    const b = await rfbServer([2]);
    const state = join(dir, 'cli-state');
    const cfg = join(dir, 'cli.yaml');
    writeFileSync(cfg, `stateDir: ${JSON.stringify(state)}\nmanagementPorts: { vnc: [${a.port}, ${b.port}] }\nprobe: { timeout: 1s }\n`);
    const args = (fmt: string) => ['probe', '127.0.0.1', '--ports', `${a.port},${b.port}`, '-c', cfg, '--format', fmt];
    let b2: Awaited<ReturnType<typeof rfbServer>> | undefined;
    try {
      await b.close();
      const first = await cli(args('json'));
      expect(first.json['changes']).toEqual({ since: null, opened: [], closed: [], changed: [] });

      a.set([1, 2]);
      b2 = await rfbServer([2], b.port);
      const second = await cli(args('json'));
      const ch = second.json['changes'] as ProbeChanges;
      expect(ch.since?.run).toBe(1);
      expect(ch.opened.map((s) => [s.key, s.auth])).toEqual([[`127.0.0.1:${b.port}/vnc`, 'login']]);
      expect(ch.closed).toEqual([]);
      expect(ch.changed.map((c) => [c.key, c.auth, c.newFindings.map((f) => f.rule)])).toEqual([[`127.0.0.1:${a.port}/vnc`, { before: 'login', after: 'open' }, ['probe.vnc.no-auth']]]);

      await a.close();
      const third = await cli(args('table'));
      expect(third.stderr).toContain('drawbridge: changes since run 2');
      expect(third.stderr).toContain(`drawbridge:   - closed  127.0.0.1:${a.port}/vnc auth=open`);

      const off = await cli([...args('json'), '--no-history']);
      expect(off.json['changes']).toBeUndefined();
    } finally {
      await a.close().catch(() => undefined);
      await b2?.close();
    }
  });
});
