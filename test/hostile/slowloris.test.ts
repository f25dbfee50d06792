/**
 * Slow senders on TCP syslog (slowloris): connections that trickle bytes and never finish a message
 * must not lock out a sender that behaves. Slow connections come from several loopback addresses
 * (127.0.1.x), as a real attack would come from several hosts.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SyslogReceiver, type ReceivedSyslog, type SyslogReceiverOptions } from '../../src/io/sources/syslog.js';
import { receiverSummary } from '../../src/io/sources/syslog-report.js';
import { eventually } from '../io/sources/helpers.js';

const MESSAGE = '<38>1 2025-03-04T09:15:02Z web1 sshd 2211 - - Accepted publickey for alice from 198.51.100.7 port 50522 ssh2';

let receivers: SyslogReceiver[] = [];
let clients: Socket[] = [];
let timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  for (const t of timers) clearInterval(t);
  for (const c of clients) c.destroy();
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
  clients = [];
  timers = [];
});

async function receiver(opts: SyslogReceiverOptions): Promise<{ r: SyslogReceiver; got: ReceivedSyslog[] }> {
  const r = await SyslogReceiver.start({ transport: 'tcp', port: 0, ...opts });
  receivers.push(r);
  const got: ReceivedSyslog[] = [];
  void (async () => {
    for await (const m of r.messages()) got.push(m);
  })();
  return { r, got };
}

/** A connection from `from`; resolves once connected, or with the socket already closed if refused. */
function open(port: number, from: string): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1', localAddress: from });
    clients.push(s);
    s.on('error', () => undefined);
    s.once('connect', () => resolve(s));
    s.once('close', () => resolve(s));
  });
}

/** A slowloris connection: one byte of a message every `everyMs`, never its end. */
async function slow(port: number, from: string, everyMs: number): Promise<Socket> {
  const s = await open(port, from);
  let i = 0;
  timers.push(setInterval(() => !s.destroyed && s.write(MESSAGE[i++ % MESSAGE.length]!), everyMs));
  return s;
}

const closed = (s: Socket): boolean => s.destroyed || s.closed;

describe('slow TCP senders do not lock out the others', () => {
  it('80 trickling connections from 16 addresses, default limits: a well-behaved sender still gets every message in', async () => {
    const { r, got } = await receiver({});
    for (let i = 0; i < 80; i++) await slow(r.address.port, `127.0.1.${1 + (i % 16)}`, 500);
    await eventually(() => r.stats.connections === 80, 'the slow connections to be accepted');
    const good = await open(r.address.port, '127.0.0.2');
    expect(closed(good)).toBe(false);
    good.end(Array.from({ length: 10 }, (_, i) => `${MESSAGE} #${i}\n`).join(''));
    await eventually(() => got.length === 10, 'the good sender\'s messages');
    expect(got.every((m) => m.peer === '127.0.0.2')).toBe(true);
    expect(r.stats).toMatchObject({ refusedConnections: 0, evictedConnections: 0 });
  });

  it('at the connection cap, a new connection closes the one idle longest — a slow one, not a sender that completes messages', async () => {
    const { r, got } = await receiver({ maxConnections: 8 });
    const slowOnes: Socket[] = [];
    for (let i = 0; i < 7; i++) slowOnes.push(await slow(r.address.port, `127.0.1.${i + 1}`, 200));
    const good = await open(r.address.port, '127.0.0.2');
    good.write(`${MESSAGE} first\n`);
    await eventually(() => got.length === 1, 'the first message');
    // Two newcomers at the cap: each closes a slow connection, and the good one stays.
    const newcomers = [await open(r.address.port, '127.0.0.3'), await open(r.address.port, '127.0.0.4')];
    await eventually(() => slowOnes.filter(closed).length === 2, 'two slow connections closed');
    expect(closed(good)).toBe(false);
    expect(newcomers.some(closed)).toBe(false);
    good.end(`${MESSAGE} second\n`);
    await eventually(() => got.length === 2, 'the second message');
    expect(r.stats).toMatchObject({ evictedConnections: 2, refusedConnections: 0 });
  });

  it('one source gets at most maxConnectionsPerSource connections; the others are refused and counted', async () => {
    const { r } = await receiver({ maxConnectionsPerSource: 4 });
    const mine: Socket[] = [];
    for (let i = 0; i < 10; i++) mine.push(await slow(r.address.port, '127.0.0.3', 1000));
    await eventually(() => r.stats.refusedConnections === 6, 'six refused');
    await eventually(() => mine.filter((s) => !closed(s)).length === 4, 'four left open');
    const other = await open(r.address.port, '127.0.0.4');
    expect(closed(other)).toBe(false);
    expect(r.stats).toMatchObject({ connections: 5, refusedConnections: 6 });
  });

  it('a message not complete within the frame timeout closes its connection, counted and reported; a slow but complete one passes', async () => {
    const { r, got } = await receiver({ frameTimeoutMs: 400 });
    const loris = await slow(r.address.port, '127.0.1.1', 50);
    // A whole message in three pieces, well within the timeout.
    const patient = await open(r.address.port, '127.0.0.2');
    patient.write(MESSAGE.slice(0, 20));
    await new Promise((ok) => setTimeout(ok, 50));
    patient.write(MESSAGE.slice(20, 60));
    await new Promise((ok) => setTimeout(ok, 50));
    patient.write(`${MESSAGE.slice(60)}\n`);
    await eventually(() => got.length === 1, 'the patient message');
    await eventually(() => closed(loris), 'the slow connection to be closed');
    expect(r.stats.timedOut).toBe(1);
    expect(r.rejected.map((x) => x.reason)).toEqual(['message not complete 0.4 s after its first byte; connection closed']);
    expect(closed(patient)).toBe(false);
    expect(receiverSummary('tcp', r.stats)).toMatch(/; 2 connections, 0 refused, 0 closed to make room, 1 timed out mid-message$/);
  });
});
