import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAlert, type Alert } from '../../../src/model/finding.js';
import { MultiSink, openSink, parseSinkSpec, type Sink } from '../../../src/io/sinks/index.js';
import { tempDir } from '../sources/helpers.js';

function alert(n: number, severity: Alert['severity'] = 'high'): Alert {
  return makeAlert({
    rule: 'new-source-range',
    subTechnique: 'exposed-kubernetes-api',
    control: 'DS0029',
    severity,
    title: `New source range reached the API (${n})`,
    asset: 'k8s-api:6443',
    location: { source: 'flow.log', offset: n },
    time: '2026-03-04T09:15:02.000Z',
    evidence: { src: '198.51.100.7', port: 6443 },
    remediation: 'Restrict the API to the VPN range.',
  });
}

/** A stdout stand-in that reports back-pressure on every other write. */
function fakeStdout() {
  const chunks: string[] = [];
  const drains: (() => void)[] = [];
  let n = 0;
  return {
    chunks,
    write(s: string): boolean {
      chunks.push(s);
      if (++n % 2 === 0) {
        setImmediate(() => drains.splice(0).forEach((d) => d()));
        return false;
      }
      return true;
    },
    once(_e: 'drain', l: () => void) {
      drains.push(l);
    },
  };
}

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('sinks')));
afterEach(() => cleanup());

describe('parseSinkSpec', () => {
  it('accepts a kind with an optional path', () => {
    expect(parseSinkSpec('ecs')).toEqual({ kind: 'ecs' });
    expect(parseSinkSpec('ocsf:/tmp/a.jsonl')).toEqual({ kind: 'ocsf', path: '/tmp/a.jsonl' });
    expect(() => parseSinkSpec('splunk')).toThrow(/unknown sink "splunk"/);
    expect(() => parseSinkSpec('jsonl:')).toThrow(/empty path/);
  });
});

describe('line sinks', () => {
  it('writes JSONL, OCSF and ECS documents, one per line, to stdout or a file', async () => {
    const out = fakeStdout();
    const sinks: Sink[] = [
      openSink({ kind: 'jsonl' }, { stdout: out }),
      openSink({ kind: 'ocsf', path: join(dir, 'o.jsonl') }, { version: '1.2.3', now: () => 0 }),
      openSink({ kind: 'ecs', path: join(dir, 'sub', 'e.jsonl') }),
    ];
    const all = new MultiSink(sinks);
    const alerts = [alert(1), alert(2), alert(3)];
    for (const a of alerts) await all.write(a);
    await all.close();
    expect(out.chunks.map((c) => (JSON.parse(c) as Alert).id)).toEqual(alerts.map((a) => a.id));
    const ocsf = readFileSync(join(dir, 'o.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(ocsf.map((r) => r.class_uid)).toEqual([2004, 2004, 2004]);
    expect(ocsf[0]).toMatchObject({ metadata: { uid: alerts[0]!.id, product: { version: '1.2.3' } } });
    const ecs = readFileSync(join(dir, 'sub', 'e.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(ecs.map((r) => (r.event as { id: string }).id)).toEqual(alerts.map((a) => a.id));
    expect(ecs[0]).toMatchObject({ event: { kind: 'alert', category: ['network', 'intrusion_detection'] }, source: { ip: '198.51.100.7' } });
  });

  it('draws each alert as the table formatter does and one summary at close', async () => {
    const out = fakeStdout();
    const t = openSink({ kind: 'terminal' }, { stdout: out, colour: false });
    await t.write(alert(1, 'high'));
    await t.write(alert(2, 'critical'));
    await t.write(alert(3, 'high'));
    await t.close();
    const text = out.chunks.join('');
    expect(text.match(/^HIGH {5}New source range/gm)).toHaveLength(2);
    expect(text).toMatch(/^CRITICAL New source range reached the API \(2\)$/m);
    expect(text.match(/total:/g)).toHaveLength(1);
    expect(text.trimEnd().split('\n').at(-1)).toBe('3 total: 1 critical, 2 high');
  });

  it('says so when a run raised no alerts', async () => {
    const out = fakeStdout();
    const t = openSink({ kind: 'terminal' }, { stdout: out });
    await t.close();
    expect(out.chunks).toEqual(['No alerts.\n']);
  });

  it('lets the other sinks have their alerts when one fails', async () => {
    const got: string[] = [];
    const broken: Sink = { write: () => Promise.reject(new Error('disk full')), close: async () => {} };
    const ok: Sink = { write: async (a) => void got.push(a.id), close: async () => {} };
    const m = new MultiSink([broken, ok]);
    await expect(m.write(alert(1))).rejects.toThrow('disk full');
    expect(got).toEqual([alert(1).id]);
  });
});
