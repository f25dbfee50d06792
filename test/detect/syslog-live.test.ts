import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runDetect, type DetectResult } from '../../src/detect/engine.js';
import { MemoryStateStore } from '../../src/detect/state/memory.js';
import { SyslogReceiver, type SyslogTransport } from '../../src/io/sources/syslog.js';
import type { Alert } from '../../src/model/finding.js';
import { eventually } from '../io/sources/helpers.js';
import { ASN, DAY, T0, intrusion, liveConfig, normalDay, rfc5424 } from './live-fixtures.js';

const HOUR = 3_600_000;

/** A receiver on a free loopback port whose lines feed runDetect; alerts are collected as they come. */
async function detectOnSyslog(transport: SyslogTransport, detect: Record<string, unknown> = {}) {
  const receiver = await SyslogReceiver.start({ transport, host: '127.0.0.1', port: 0 });
  const name = `syslog+${transport}://127.0.0.1:${receiver.address.port}`;
  const alerts: Alert[] = [];
  const run = runDetect([], {
    config: liveConfig('/nonexistent-state', detect),
    store: new MemoryStateStore(),
    asn: ASN,
    now: T0,
    deadLetter: false,
    idleAfter: 50,
    lineSources: [{ name, lines: receiver.lines(), format: 'sshd' }],
    onAlert: (a) => void alerts.push(a),
  });
  // Closing the receiver ends its lines: the run reads what was accepted, commits and returns.
  const stop = async (): Promise<DetectResult> => {
    await receiver.close();
    return run;
  };
  return { receiver, name, alerts, stop };
}

function sendUdp(port: number, messages: string[]): Promise<void> {
  const sock = createSocket('udp4');
  return new Promise((done, fail) => {
    let left = messages.length;
    for (const m of messages) {
      sock.send(Buffer.from(m), port, '127.0.0.1', (err) => {
        if (err) fail(err);
        if (--left === 0) sock.close(() => done());
      });
    }
  });
}

/** RFC 6587 octet counting, all messages over one connection. */
function sendTcp(port: number, messages: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const sock = connect(port, '127.0.0.1', () => {
      sock.end(messages.map((m) => `${Buffer.byteLength(m)} ${m}`).join(''), () => done());
    });
    sock.on('error', fail);
  });
}

const history = [...normalDay(0), ...normalDay(1)].map(rfc5424);
const attack = intrusion(T0 + 2 * DAY + HOUR).map(rfc5424);

describe('runDetect over a live syslog receiver', () => {
  it('UDP: an intrusion sent after the learning period alerts while the receiver runs', async () => {
    const d = await detectOnSyslog('udp');
    try {
      // One datagram at a time, in order: UDP on loopback does not reorder, but a burst could overrun nothing here.
      for (const m of history) await sendUdp(d.receiver.address.port, [m]);
      await eventually(() => d.receiver.stats.accepted === history.length, 'the history received');
      expect(d.alerts).toEqual([]);
      for (const m of attack) await sendUdp(d.receiver.address.port, [m]);
      await eventually(() => d.alerts.length >= 2, 'the alerts of the intrusion');
    } finally {
      const r = await d.stop();
      expect(r.stats).toMatchObject({ records: history.length + attack.length, rejected: 0 });
    }
    const cred = d.alerts.find((a) => a.rule === 'unseen-credential')!;
    expect(cred.location).toMatchObject({ source: d.name });
    expect(cred.evidence).toMatchObject({ src: '203.0.113.66', user: 'alice' });
    expect(cred.asset).toBe('alice@web1');
  });

  it('TCP (octet counting): the same intrusion alerts, and a malformed frame is rejected by the receiver, not the run', async () => {
    const d = await detectOnSyslog('tcp');
    try {
      await sendTcp(d.receiver.address.port, [...history, '<999>garbage', ...attack]);
      await eventually(() => d.alerts.length >= 2, 'the alerts of the intrusion');
      expect(d.receiver.stats.rejected).toBe(1);
      expect(d.receiver.rejected[0]!.reason).toMatch(/PRI/);
    } finally {
      await d.stop();
    }
    expect(d.alerts.map((a) => a.rule).sort()).toEqual(['new-source-range', 'unseen-credential']);
  });

  const logger = ['/usr/bin/logger', '/bin/logger'].find((p) => existsSync(p));
  it.skipIf(!logger)('util-linux logger over UDP and TCP (octet counting and newline framing): its messages are decoded and alert (no learning period)', async () => {
    const msg = 'Accepted publickey for alice from 203.0.113.66 port 50000 ssh2: ED25519 SHA256:ZZZZstrangerkeyZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ';
    for (const [transport, flags] of [
      ['udp', ['-d']],
      ['tcp', ['-T', '--octet-count']],
      ['tcp', ['-T']],
    ] as const) {
      const d = await detectOnSyslog(transport, { learningPeriod: 0 });
      try {
        await new Promise<void>((done, fail) =>
          execFile(logger!, [...flags, '-n', '127.0.0.1', '-P', String(d.receiver.address.port), '--rfc5424', '-p', 'authpriv.info', '-t', 'sshd-session', `--id=4242`, msg], (err) =>
            err ? fail(err) : done(),
          ),
        );
        await eventually(() => d.alerts.length >= 2, `alerts from logger over ${transport}`);
      } finally {
        await d.stop();
      }
      expect(d.receiver.stats.rejected).toBe(0);
      const cred = d.alerts.find((a) => a.rule === 'unseen-credential')!;
      expect(cred.evidence).toMatchObject({ src: '203.0.113.66', user: 'alice', credential: 'SHA256:ZZZZstrangerkeyZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ' });
      expect(cred.location).toMatchObject({ source: d.name });
    }
  });
});
