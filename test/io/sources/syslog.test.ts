import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { sshdDecoder } from '../../../src/detect/decoders/sshd.js';
import { parseSyslogUrl, startSyslogReceiver, SyslogReceiver, type ReceivedSyslog } from '../../../src/io/sources/syslog.js';
import { eventually } from './helpers.js';

const run = promisify(execFile);
const FP = 'SHA256:Xy0m0r8Qk1tWw3yq5o1y2G9mB6k3p7Q2r4s5t6u7v8w';

let receivers: SyslogReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function receiver(opts: Parameters<typeof SyslogReceiver.start>[0]) {
  const r = await SyslogReceiver.start(opts);
  receivers.push(r);
  const got: ReceivedSyslog[] = [];
  const done = (async () => {
    for await (const m of r.messages()) got.push(m);
  })();
  return { r, got, done };
}

function sendUdp(port: number, ...msgs: (string | Buffer)[]): Promise<void> {
  const s = createSocket('udp4');
  return new Promise((res, rej) => {
    let left = msgs.length;
    for (const m of msgs) {
      s.send(m, port, '127.0.0.1', (e) => {
        if (e) rej(e);
        if (--left === 0) s.close(() => res());
      });
    }
  });
}

function tcpConnect(port: number): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = connect(port, '127.0.0.1', () => res(s));
    s.once('error', rej);
  });
}

describe('syslog receiver addresses', () => {
  it('parses udp:// and tcp:// addresses, IPv6 in brackets', () => {
    expect(parseSyslogUrl('udp://127.0.0.1:5514')).toEqual({ transport: 'udp', host: '127.0.0.1', port: 5514 });
    expect(parseSyslogUrl('tcp://[::1]:6514')).toEqual({ transport: 'tcp', host: '::1', port: 6514 });
    expect(() => parseSyslogUrl('http://127.0.0.1:1')).toThrow(/udp:\/\/HOST:PORT/);
    expect(() => parseSyslogUrl('udp://127.0.0.1:70000')).toThrow(/out of range/);
  });

  it('refuses a non-loopback bind unless it is allowed explicitly', async () => {
    await expect(SyslogReceiver.start({ transport: 'udp', host: '0.0.0.0', port: 0 })).rejects.toThrow(/not a loopback address/);
    await expect(SyslogReceiver.start({ transport: 'tcp', host: '192.0.2.1', port: 0 })).rejects.toThrow(/not a loopback address/);
  });
});

describe('syslog over UDP', () => {
  it('receives and parses RFC 5424 and RFC 3164 datagrams, keeping malformed and oversized ones with a reason', async () => {
    const { r, got } = await receiver({ transport: 'udp', port: 0, maxMessageBytes: 512, now: () => Date.UTC(2026, 2, 4, 10) });
    await sendUdp(
      r.address.port,
      '<38>1 2026-03-04T09:15:02.481Z web1 sshd 2211 - - Accepted publickey for alice from 198.51.100.7 port 53211 ssh2',
      '<35>Mar  4 09:15:03 web2 sshd[7]: Failed password for root from 203.0.113.9 port 4 ssh2\n',
      '<999>broken',
      `<13>${'x'.repeat(600)}`,
    );
    await eventually(() => got.length === 2 && r.stats.rejected === 2, 'two messages and two rejections');
    expect(got[0]).toMatchObject({ host: 'web1', app: 'sshd', pid: '2211', facility: 4, severity: 6, transport: 'udp', peer: '127.0.0.1' });
    expect(got[1]).toMatchObject({ host: 'web2', time: Date.UTC(2026, 2, 4, 9, 15, 3), severity: 3, msg: expect.stringMatching(/^Failed password/) });
    expect(r.rejected.map((x) => x.reason)).toEqual([expect.stringMatching(/PRI/), expect.stringMatching(/604 bytes is over the limit of 512/)]);
    expect(r.rejected[0]).toMatchObject({ text: '<999>broken', transport: 'udp', peer: '127.0.0.1' });
    expect(r.stats).toMatchObject({ received: 4, accepted: 2, rejected: 2 });
  });
});

describe('syslog over TCP', () => {
  it('accepts octet-counted and LF-framed messages and offers them as lines the sshd decoder decodes', async () => {
    const r = await SyslogReceiver.start({ transport: 'tcp', port: 0 });
    receivers.push(r);
    const lines: string[] = [];
    const reading = (async () => {
      for await (const l of r.lines()) lines.push(l);
    })();
    const s = await tcpConnect(r.address.port);
    const m1 = `<38>1 2026-03-04T09:15:02.481Z web1 sshd-session 2211 - [meta x="1"] Accepted publickey for alice from 198.51.100.7 port 53211 ssh2: ED25519 ${FP}`;
    s.write(`${Buffer.byteLength(m1)} ${m1.slice(0, 40)}`);
    s.write(m1.slice(40));
    s.write('<86>Mar  4 09:15:04 web1 sshd[99]: Connection closed by 203.0.113.9 port 4 [preauth]\nnot-a-count\n');
    s.end();
    await eventually(() => lines.length === 3, 'three lines');
    expect(lines[0]).toBe(`2026-03-04T09:15:02.481Z web1 sshd-session[2211]: Accepted publickey for alice from 198.51.100.7 port 53211 ssh2: ED25519 ${FP}\n`);
    const dec = sshdDecoder.open('syslog', { defaultYear: 2026 });
    const ev = dec.line(lines[0]!.trimEnd(), { source: 'syslog', offset: 0, line: 1 });
    expect(ev).toEqual([expect.objectContaining({ kind: 'auth', user: 'alice', success: true, credential: FP })]);
    // No syslog header at all: kept as content, stamped by the receiver, host = the peer.
    expect(lines[2]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z 127\.0\.0\.1 -: not-a-count\n$/);
    await r.close();
    await reading;
  });

  it('limits concurrent connections: at the cap a new one closes the one idle longest', async () => {
    const { r } = await receiver({ transport: 'tcp', port: 0, maxConnections: 1 });
    const a = await tcpConnect(r.address.port);
    await eventually(() => r.stats.connections === 1, 'first connection');
    const closed = new Promise<void>((res) => a.on('close', () => res()));
    a.on('error', () => undefined);
    const b = await tcpConnect(r.address.port);
    await closed;
    expect(r.stats).toMatchObject({ connections: 2, evictedConnections: 1, refusedConnections: 0 });
    b.destroy();
  });

  it('pauses a fast TCP sender instead of dropping when the consumer lags', async () => {
    const r = await SyslogReceiver.start({ transport: 'tcp', port: 0, maxQueue: 10 });
    receivers.push(r);
    const s = await tcpConnect(r.address.port);
    const total = 500;
    let payload = '';
    for (let i = 0; i < total; i++) payload += `<13>Mar  4 09:15:02 h app: message ${i}\n`;
    s.end(payload);
    // Nobody reads yet: the receiver holds what it has and pauses the socket.
    await eventually(() => r.stats.accepted >= 10, 'queue filled');
    const got: string[] = [];
    for await (const m of r.messages()) {
      got.push(m.msg);
      if (got.length === total) break;
    }
    expect(got).toEqual(Array.from({ length: total }, (_, i) => `message ${i}`));
    expect(r.stats.dropped).toBe(0);
    expect(r.stats.pauses).toBeGreaterThan(0);
  });
});

const LOGGER = '/usr/bin/logger';

describe.skipIf(!existsSync(LOGGER))('util-linux logger as the sender', () => {
  it('receives logger --tcp --octet-count (RFC 5424 with timeQuality structured data)', async () => {
    const { r, got } = await receiver({ transport: 'tcp', port: 0 });
    await run(LOGGER, ['-n', '127.0.0.1', '-P', String(r.address.port), '-T', '--octet-count', '--rfc5424', '-t', 'sshd', '--id=2211', '-p', 'auth.info', `Accepted publickey for alice from 198.51.100.7 port 53211 ssh2: ED25519 ${FP}`]);
    await eventually(() => got.length === 1, 'logger message');
    expect(got[0]).toMatchObject({ format: 'rfc5424', app: 'sshd', pid: '2211', facility: 4, severity: 6, msg: expect.stringMatching(/^Accepted publickey for alice/) });
    expect(got[0]!.receiverTime).toBeUndefined();
  });

  it('receives logger --udp --rfc3164', async () => {
    const { r, got } = await receiver({ transport: 'udp', port: 0 });
    await run(LOGGER, ['-n', '127.0.0.1', '-P', String(r.address.port), '-d', '--rfc3164', '-t', 'sshd', '--id=7', '-p', 'authpriv.warning', 'Failed password for root from 203.0.113.9 port 4 ssh2']);
    await eventually(() => got.length === 1, 'logger message');
    expect(got[0]).toMatchObject({ format: 'rfc3164', app: 'sshd', pid: '7', facility: 10, severity: 4, msg: 'Failed password for root from 203.0.113.9 port 4 ssh2' });
    expect(r.stats.rejected).toBe(0);
  });
});

describe('startSyslogReceiver', () => {
  it('starts from an address string', async () => {
    const r = await startSyslogReceiver('udp://127.0.0.1:0');
    receivers.push(r);
    expect(r.transport).toBe('udp');
    expect(r.address.host).toBe('127.0.0.1');
    expect(r.address.port).toBeGreaterThan(0);
  });

  it('can be closed more than once (a UDP socket refuses a second close)', async () => {
    const r = await startSyslogReceiver('udp://127.0.0.1:0');
    await r.close();
    await expect(r.close()).resolves.toBeUndefined();
  });
});
