/**
 * Datagrams the kernel dropped before a UDP receiver could read them (its receive buffer was full).
 * Linux keeps a drop counter per socket, shown in the last column of /proc/net/udp and /proc/net/udp6
 * with the bytes still waiting (rx_queue); the socket is found by its local address and port. Where
 * that table is missing, the host-wide Udp RcvbufErrors counter of /proc/net/snmp is the fallback:
 * its delta over a run counts every UDP socket of the host (in this network namespace), so it is
 * reported as such. Elsewhere drops cannot be measured, and the summary says so.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { parseIp } from '../../intel/ranges.js';

export type DropScope = 'socket' | 'host';

export interface SocketQueue {
  /** Datagrams dropped by the kernel since the socket was opened. */
  drops: number;
  /** Bytes received by the kernel and not yet read. */
  waitingBytes: number;
}

/** The /proc/net/udp{,6} form of an address: each 32-bit word in host byte order, in hex. */
export function procAddress(host: string, port: number, littleEndian = endianness() === 'LE'): string | undefined {
  const ip = parseIp(host);
  if (!ip) return undefined;
  const bytes = ip.toByteArray();
  let hex = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const word = bytes.slice(i, i + 4);
    if (littleEndian) word.reverse();
    hex += word.map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return `${hex.toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The queue and drop counter of the socket bound to `local` (a procAddress) in a /proc/net/udp table. */
export function findSocketQueue(table: string, local: string): SocketQueue | undefined {
  for (const line of table.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[1] !== local || cols.length < 13) continue;
    const waiting = Number.parseInt(cols[4]!.split(':')[1] ?? '', 16);
    const drops = Number(cols[12]);
    if (!Number.isFinite(waiting) || !Number.isInteger(drops)) return undefined;
    return { drops, waitingBytes: waiting };
  }
  return undefined;
}

/** Udp RcvbufErrors from a /proc/net/snmp text (the header row names the columns). */
export function rcvbufErrors(snmp: string): number | undefined {
  const rows = snmp.split('\n').filter((l) => l.startsWith('Udp:'));
  if (rows.length < 2) return undefined;
  const names = rows[0]!.split(/\s+/);
  const values = rows[1]!.split(/\s+/);
  const i = names.indexOf('RcvbufErrors');
  const n = i > 0 ? Number(values[i]) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Watches one bound UDP socket's kernel drops: per socket where the kernel shows it, else host-wide. */
export class UdpDropCounter {
  private readonly local?: string;
  private readonly table: string;
  private readonly proc?: string;
  private readonly hostBaseline?: number;
  readonly scope?: DropScope;

  constructor(host: string, port: number, proc = '/proc/net') {
    this.table = `${proc}/${host.includes(':') ? 'udp6' : 'udp'}`;
    this.local = procAddress(host, port);
    if (this.local && this.socketQueue()) {
      this.scope = 'socket';
      return;
    }
    this.proc = proc;
    this.hostBaseline = this.hostErrors();
    if (this.hostBaseline !== undefined) this.scope = 'host';
  }

  /** The socket's queue now, where the kernel shows it. */
  socketQueue(): SocketQueue | undefined {
    const text = this.local ? readOrUndefined(this.table) : undefined;
    return text === undefined ? undefined : findSocketQueue(text, this.local!);
  }

  private hostErrors(): number | undefined {
    const text = this.proc ? readOrUndefined(`${this.proc}/snmp`) : undefined;
    return text === undefined ? undefined : rcvbufErrors(text);
  }

  /** Drops so far (since the socket opened, or host-wide since this counter started); undefined if unknown. */
  drops(): number | undefined {
    if (this.scope === 'socket') return this.socketQueue()?.drops;
    if (this.scope === 'host') {
      const now = this.hostErrors();
      return now === undefined ? undefined : Math.max(0, now - this.hostBaseline!);
    }
    return undefined;
  }
}
