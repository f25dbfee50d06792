/**
 * Syslog receiver: UDP (one message per datagram, RFC 5426) and TCP (RFC 6587 framing). Binds to
 * loopback unless a wider bind is asked for explicitly (a syslog port takes unauthenticated input).
 * Messages are parsed, queued for one consumer, and offered either as parsed records or as the file
 * lines the log decoders read. Anything not accepted — malformed, oversized, over the queue — is
 * counted and kept with its reason.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { parseIp } from '../../intel/ranges.js';
import { SyslogFramer } from './syslog-framing.js';
import { parseSyslogMessage, toEnvelopeLine, type SyslogMessage } from './syslog-message.js';

export type SyslogTransport = 'udp' | 'tcp';

export interface SyslogListen {
  transport: SyslogTransport;
  host: string;
  port: number;
}

export interface SyslogReceiverOptions extends Partial<SyslogListen> {
  /** Needed to bind anything but 127.0.0.0/8 or ::1. */
  allowNonLoopback?: boolean;
  /** Largest accepted message in bytes (RFC 5424 §6.1 asks receivers for at least 2048). Default 8192. */
  maxMessageBytes?: number;
  /** Concurrent TCP connections; more are closed at once and counted. Default 64. */
  maxConnections?: number;
  /** A TCP connection silent this long is closed. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Messages waiting for the consumer; over it UDP messages are dropped (counted) and TCP reading pauses. Default 10,000. */
  maxQueue?: number;
  /** Rejected messages kept in `rejected` (oldest dropped first). Default 1,000. */
  keepRejected?: number;
  /** Called for every rejected message (e.g. to append it to a dead-letter file). */
  onReject?: (r: RejectedSyslog) => void;
  /** Receive clock, epoch ms (tests pin it). */
  now?: () => number;
}

export interface RejectedSyslog {
  reason: string;
  /** The message as received (at most 2,000 characters). */
  text: string;
  peer: string;
  transport: SyslogTransport;
  received: number;
}

export interface ReceivedSyslog extends SyslogMessage {
  peer: string;
  transport: SyslogTransport;
  received: number;
}

export interface SyslogStats {
  received: number;
  accepted: number;
  rejected: number;
  /** UDP messages dropped because the consumer fell behind (also in `rejected`). */
  dropped: number;
  connections: number;
  refusedConnections: number;
  /** Times a TCP connection was paused because the consumer fell behind. */
  pauses: number;
}

const DEFAULTS = { maxMessageBytes: 8192, maxConnections: 64, idleTimeoutMs: 300_000, maxQueue: 10_000, keepRejected: 1000 };

/** `udp://127.0.0.1:5514`, `tcp://[::1]:6514`. */
export function parseSyslogUrl(url: string): SyslogListen {
  const m = /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})\/?$/.exec(url.trim());
  if (!m) throw new Error(`syslog address "${url}": expected udp://HOST:PORT or tcp://HOST:PORT`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`syslog address "${url}": port ${port} is out of range`);
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  return { transport: m[1] as SyslogTransport, host, port };
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const ip = parseIp(host);
  return ip !== undefined && ip.range() === 'loopback';
}

/** A bounded single-consumer queue whose iterator ends when the queue is closed and drained. */
class MessageQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiting?: () => void;
  private closed = false;

  constructor(
    readonly capacity: number,
    private readonly onDrain: () => void,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** `force` admits an item over capacity: for senders that are paused instead of dropped. */
  push(item: T, force = false): boolean {
    if (this.closed || (!force && this.size >= this.capacity)) return false;
    this.items.push(item);
    this.waiting?.();
    return true;
  }

  close(): void {
    this.closed = true;
    this.waiting?.();
  }

  async *drain(): AsyncGenerator<T> {
    for (;;) {
      while (this.head < this.items.length) {
        const item = this.items[this.head]!;
        this.items[this.head++] = undefined as T;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        if (this.size === Math.floor(this.capacity / 2)) this.onDrain();
        yield item;
      }
      if (this.closed) return;
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = undefined;
    }
  }
}

export class SyslogReceiver {
  readonly stats: SyslogStats = { received: 0, accepted: 0, rejected: 0, dropped: 0, connections: 0, refusedConnections: 0, pauses: 0 };
  readonly rejected: RejectedSyslog[] = [];
  readonly transport: SyslogTransport;
  private readonly opts: typeof DEFAULTS & SyslogReceiverOptions;
  private readonly queue: MessageQueue<ReceivedSyslog>;
  private readonly sockets = new Set<Socket>();
  private readonly paused = new Set<Socket>();
  private udp?: UdpSocket;
  private tcp?: Server;
  private bound?: { host: string; port: number };
  private consumed = false;

  private constructor(opts: SyslogReceiverOptions) {
    this.opts = { ...DEFAULTS, ...opts };
    this.transport = opts.transport ?? 'udp';
    this.queue = new MessageQueue(this.opts.maxQueue, () => this.resumeAll());
  }

  /** Start listening; resolves once bound (port 0 picks a free port, see `address`). */
  static async start(opts: SyslogReceiverOptions = {}): Promise<SyslogReceiver> {
    const host = opts.host ?? '127.0.0.1';
    if (!isLoopbackHost(host) && !opts.allowNonLoopback) {
      throw new Error(`syslog receiver: refusing to bind ${host}, which is not a loopback address (allow it explicitly to listen beyond this host)`);
    }
    const r = new SyslogReceiver({ ...opts, host });
    await (r.transport === 'udp' ? r.listenUdp(host, opts.port ?? 0) : r.listenTcp(host, opts.port ?? 0));
    return r;
  }

  get address(): { host: string; port: number } {
    if (!this.bound) throw new Error('syslog receiver is not listening');
    return this.bound;
  }

  /** Parsed messages in arrival order, until close(). One consumer only. */
  messages(): AsyncGenerator<ReceivedSyslog> {
    if (this.consumed) throw new Error('syslog receiver: messages can be consumed once');
    this.consumed = true;
    return this.queue.drain();
  }

  /** Messages as decoder-ready file lines ending in "\n", e.g. for the detect engine's stream input. */
  async *lines(): AsyncGenerator<string> {
    for await (const m of this.messages()) yield toEnvelopeLine(m) + '\n';
  }

  /** Stop listening and end the generators. Safe to call more than once (a UDP socket closes only once). */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private closing: Promise<void> | undefined;

  private async shutDown(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const closing: Promise<void>[] = [];
    if (this.udp) closing.push(new Promise((r) => this.udp!.close(() => r())));
    if (this.tcp) closing.push(new Promise((r) => this.tcp!.close(() => r())));
    await Promise.all(closing);
    this.queue.close();
  }

  private listenUdp(host: string, port: number): Promise<void> {
    const sock = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    this.udp = sock;
    sock.on('message', (msg, rinfo) => {
      const peer = rinfo.address;
      if (msg.length > this.opts.maxMessageBytes) {
        this.stats.received++;
        this.reject(`datagram of ${msg.length} bytes is over the limit of ${this.opts.maxMessageBytes}`, msg.toString('utf8', 0, 2000), peer);
        return;
      }
      this.accept(msg, peer);
    });
    return new Promise((res, rej) => {
      sock.once('error', rej);
      sock.bind(port, host, () => {
        sock.off('error', rej);
        // A socket error after binding (e.g. ICMP noise) must not crash the process.
        sock.on('error', () => undefined);
        const a = sock.address();
        this.bound = { host: a.address, port: a.port };
        res();
      });
    });
  }

  private listenTcp(host: string, port: number): Promise<void> {
    const server = createServer((socket) => this.onConnection(socket));
    this.tcp = server;
    server.on('error', () => undefined);
    return new Promise((res, rej) => {
      server.once('error', rej);
      server.listen(port, host, () => {
        server.off('error', rej);
        const a = server.address();
        if (a && typeof a === 'object') this.bound = { host: a.address, port: a.port };
        res();
      });
    });
  }

  private onConnection(socket: Socket): void {
    const peer = socket.remoteAddress ?? '?';
    if (this.sockets.size >= this.opts.maxConnections) {
      this.stats.refusedConnections++;
      socket.destroy();
      return;
    }
    this.stats.connections++;
    this.sockets.add(socket);
    const framer = new SyslogFramer(this.opts.maxMessageBytes);
    const take = (out: ReturnType<SyslogFramer['push']>): void => {
      for (const e of out.errors) {
        this.stats.received++;
        this.reject(e.reason, e.text, peer, 'tcp');
      }
      for (const f of out.frames) this.accept(f, peer, socket);
    };
    socket.setTimeout(this.opts.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => take(framer.push(chunk)));
    socket.on('end', () => take(framer.end()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.paused.delete(socket);
    });
  }

  private accept(bytes: Buffer, peer: string, socket?: Socket): void {
    this.stats.received++;
    const transport: SyslogTransport = socket ? 'tcp' : 'udp';
    const received = (this.opts.now ?? Date.now)();
    const text = bytes.toString('utf8');
    const parsed = parseSyslogMessage(text, { received, peer });
    if ('reject' in parsed) {
      this.reject(parsed.reject, text.slice(0, 2000), peer, transport, received);
      return;
    }
    // TCP is never dropped: its reading pauses instead, so the overshoot is bounded by one chunk per connection.
    if (!this.queue.push({ ...parsed, peer, transport, received }, socket !== undefined)) {
      this.stats.dropped++;
      this.reject(`receive queue full (${this.queue.capacity} messages waiting)`, text.slice(0, 2000), peer, transport, received);
      return;
    }
    this.stats.accepted++;
    if (socket && this.queue.size >= this.queue.capacity && !this.paused.has(socket)) {
      // Back-pressure the TCP sender until the consumer has taken half the queue.
      socket.pause();
      this.paused.add(socket);
      this.stats.pauses++;
    }
  }

  private resumeAll(): void {
    for (const s of this.paused) s.resume();
    this.paused.clear();
  }

  private reject(reason: string, text: string, peer: string, transport: SyslogTransport = this.transport, received = (this.opts.now ?? Date.now)()): void {
    this.stats.rejected++;
    const r: RejectedSyslog = { reason, text, peer, transport, received };
    this.rejected.push(r);
    if (this.rejected.length > this.opts.keepRejected) this.rejected.shift();
    this.opts.onReject?.(r);
  }
}

/** Start a receiver from a `udp://host:port` / `tcp://host:port` address. */
export function startSyslogReceiver(url: string, opts: Omit<SyslogReceiverOptions, keyof SyslogListen> = {}): Promise<SyslogReceiver> {
  return SyslogReceiver.start({ ...opts, ...parseSyslogUrl(url) });
}
