/**
 * UDP syslog under a flood: datagrams the kernel drops because the receive buffer is full are counted
 * (the socket's own counter in /proc/net/udp) and reported in the run summary and the metrics file, so
 * that "0 dropped" is never printed while messages were lost.
 */
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyslogReceiver } from '../../src/io/sources/syslog.js';
import { receiverSummary } from '../../src/io/sources/syslog-report.js';
import { findSocketQueue, procAddress, rcvbufErrors, UdpDropCounter } from '../../src/io/sources/udp-drops.js';
import { startCli } from '../cli/cli-process.js';
import { eventually } from '../io/sources/helpers.js';

const WAIT = 60_000;
const LINUX = process.platform === 'linux';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drb-udp-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Send `n` datagrams as fast as the socket takes them; resolves with how many the sender handed to the kernel. */
function flood(port: number, n: number): Promise<number> {
  const sock = createSocket('udp4');
  let sent = 0;
  let done = 0;
  return new Promise((resolve) => {
    const burst = (from: number): void => {
      for (let i = from; i < Math.min(n, from + 500); i++) {
        const msg = `<38>1 2025-03-04T09:15:02Z web1 sshd 2211 - - Failed password for root from 198.51.100.7 port ${40000 + (i % 20000)} ssh2`;
        sock.send(msg, port, '127.0.0.1', (e) => {
          if (!e) sent++;
          if (++done === n) sock.close(() => resolve(sent));
        });
      }
      if (from + 500 < n) setImmediate(() => burst(from + 500));
    };
    burst(0);
  });
}

describe.runIf(LINUX)('UDP kernel drops are counted and reported', () => {
  it('a flood into a tiny receive buffer: the summary and metrics say how many the kernel dropped, and received + dropped = sent', async () => {
    const metrics = join(dir, 'syslog.prom');
    const r = startCli(['detect', '--syslog', 'udp://127.0.0.1:0', '--udp-rcvbuf', '4096', '--state-dir', join(dir, 'state'), '--metrics-file', metrics], dir);
    let port = 0;
    await eventually(() => {
      const m = /listening for syslog on udp:\/\/127\.0\.0\.1:(\d+)/.exec(r.stderr());
      if (m) port = Number(m[1]);
      return m !== null;
    }, 'the receiver to listen', WAIT);
    const sent = await flood(port, 20_000);
    r.child.kill('SIGTERM');
    await r.exit;
    const m = /syslog udp: (\d+) messages, \d+ accepted, \d+ rejected \((\d+) dropped while busy\); (\d+) dropped by the kernel \(receive buffer full; this socket's kernel counter, receive buffer (\d+) bytes\)/.exec(r.stderr());
    expect(m, r.stderr()).not.toBeNull();
    const [received, busy, kernel, buffer] = m!.slice(1).map(Number) as [number, number, number, number];
    expect(kernel).toBeGreaterThan(0);
    expect(buffer).toBeLessThan(16_384);
    // Nothing is lost unaccounted: what the kernel did not drop was received (and, if the queue was full, counted).
    expect(received + kernel).toBe(sent);
    expect(busy).toBeLessThanOrEqual(received);
    const prom = readFileSync(metrics, 'utf8');
    expect(prom).toContain(`drawbridge_syslog_kernel_drops{receiver="syslog+udp://127.0.0.1:${port}",scope="socket"} ${kernel}`);
    expect(prom).toMatch(new RegExp(`drawbridge_syslog_receive_buffer_bytes\\{receiver="syslog\\+udp://127\\.0\\.0\\.1:${port}"\\} ${buffer}`));
  }, 120_000);

  it('asks the kernel for a large receive buffer by default (up to net.core.rmem_max)', async () => {
    const r = await SyslogReceiver.start({ transport: 'udp', port: 0 });
    try {
      const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
      expect(r.stats.receiveBufferBytes).toBeGreaterThanOrEqual(Math.min(8 * 1024 * 1024, rmemMax));
      expect(r.stats).toMatchObject({ kernelDrops: 0, kernelDropsScope: 'socket' });
    } finally {
      await r.close();
    }
  });

  it('finds its own socket in /proc/net/udp6 too', async () => {
    const r = await SyslogReceiver.start({ transport: 'udp', host: '::1', port: 0 });
    try {
      expect(r.stats.kernelDropsScope).toBe('socket');
    } finally {
      await r.close();
    }
  });
});

describe('reading the kernel counters', () => {
  it('writes addresses the way /proc/net/udp does (32-bit words in host order)', () => {
    expect(procAddress('127.0.0.1', 5514, true)).toBe('0100007F:158A');
    expect(procAddress('127.0.0.1', 5514, false)).toBe('7F000001:158A');
    expect(procAddress('::1', 80, true)).toBe('00000000000000000000000001000000:0050');
    expect(procAddress('not-an-ip', 1)).toBeUndefined();
  });

  it('reads the drop counter and the waiting bytes of one socket, and RcvbufErrors', () => {
    const table = [
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      ' 1: 0100007F:158B 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0000000000000000 0',
      ' 2: 0100007F:158A 00000000:0000 07 00000000:00000340 00:00000000 00000000     0        0 3 2 0000000000000000 4711',
    ].join('\n');
    expect(findSocketQueue(table, '0100007F:158A')).toEqual({ drops: 4711, waitingBytes: 0x340 });
    expect(findSocketQueue(table, '0100007F:FFFF')).toBeUndefined();
    expect(rcvbufErrors('Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\nUdp: 10 0 3 9 3 0\n')).toBe(3);
    expect(rcvbufErrors('Ip: 1 2\nIp: 3 4\n')).toBeUndefined();
  });

  it('without a per-socket counter, counts host-wide RcvbufErrors over the run and says they are host-wide', () => {
    const proc = join(dir, 'proc');
    mkdirSync(proc);
    writeFileSync(join(proc, 'udp'), '   sl  local_address rem_address\n');
    const snmp = (n: number): void => writeFileSync(join(proc, 'snmp'), `Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors\nUdp: 100 0 ${n} 100 ${n}\n`);
    snmp(5);
    const counter = new UdpDropCounter('127.0.0.1', 5514, proc);
    expect(counter.scope).toBe('host');
    snmp(12);
    expect(counter.drops()).toBe(7);
    const line = receiverSummary('udp', { received: 3, accepted: 3, rejected: 0, dropped: 0, connections: 0, refusedConnections: 0, evictedConnections: 0, timedOut: 0, pauses: 0, kernelDrops: 7, kernelDropsScope: 'host' });
    expect(line).toContain('7 dropped by the kernel (receive buffer full; host-wide Udp RcvbufErrors');
    expect(new UdpDropCounter('127.0.0.1', 5514, join(dir, 'none')).drops()).toBeUndefined();
    expect(receiverSummary('udp', { received: 3, accepted: 3, rejected: 0, dropped: 0, connections: 0, refusedConnections: 0, evictedConnections: 0, timedOut: 0, pauses: 0 })).toContain(
      'kernel drops cannot be measured on this system',
    );
  });
});
