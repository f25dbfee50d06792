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
import { UdpDropCounter, type DropScope } from './udp-drops.js';

export type SyslogTransport = 'udp' | 'tcp';

export interface SyslogListen {
  transport: SyslogTransport;
  host: string;
  port: number;
}

export interface SyslogReceiverOptions extends Partial<SyslogListen> {
  /** Needed to bind anything but 127.0.0.0/8 or ::1. */
  allowNonLoopback?: boolean;
  /**
   * UDP receive buffer asked of the kernel, in bytes: datagrams arriving while it is full are dropped by
   * the kernel (counted in `kernelDrops`). Linux caps it at net.core.rmem_max. Default 8 MiB.
   */
  udpReceiveBufferBytes?: number;
  /** Largest accepted message in bytes (RFC 5424 §6.1 asks receivers for at least 2048). Default 8192. */
  maxMessageBytes?: number;
  /**
   * Concurrent TCP connections. A new connection over it closes the connection idle longest (no whole
   * message for the longest time), so that slow or stalled senders cannot lock the others out. Default 1,024.
   */
  maxConnections?: number;
  /** Concurrent TCP connections from one source address; more are refused and counted. Default 32. */
  maxConnectionsPerSource?: number;
  /** A TCP message must be complete this long after its first byte, or the connection is closed (slowloris). Default 30 s. */
  frameTimeoutMs?: number;
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
  /** TCP connections refused: over the per-source limit. */
  refusedConnections: number;
  /** TCP connections closed to make room for a new one (the one idle longest goes first). */
  evictedConnections: number;
  /** TCP connections closed because a message was not complete within the frame timeout. */
  timedOut: number;
  /** Times a TCP connection was paused because the consumer fell behind. */
  pauses: number;
  /** UDP datagrams the kernel dropped before they were read (receive buffer full); undefined where unmeasurable. */
  kernelDrops?: number;
  /** `socket`: this receiver's own counter; `host`: every UDP socket of the host (/proc/net/snmp RcvbufErrors). */
  kernelDropsScope?: DropScope;
  /** The UDP receive buffer the kernel granted, in bytes (Linux reports twice what it keeps for data). */
  receiveBufferBytes?: number;
}

const DEFAULTS = { udpReceiveBufferBytes: 8 * 1024 * 1024, maxMessageBytes: 8192, maxConnections: 1024, maxConnectionsPerSource: 32, frameTimeoutMs: 30_000, idleTimeoutMs: 300_000, maxQueue: 10_000, keepRejected: 1000 };

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

interface Connection {
  /** When the connection last completed a message (or opened). */
  lastMessage: number;
  frameTimer?: NodeJS.Timeout;
}

export class SyslogReceiver {
  readonly stats: SyslogStats = { received: 0, accepted: 0, rejected: 0, dropped: 0, connections: 0, refusedConnections: 0, evictedConnections: 0, timedOut: 0, pauses: 0 };
  readonly rejected: RejectedSyslog[] = [];
  readonly transport: SyslogTransport;
  private readonly opts: typeof DEFAULTS & SyslogReceiverOptions;
  private readonly queue: MessageQueue<ReceivedSyslog>;
  private readonly sockets = new Map<Socket, Connection>();
  private readonly perSource = new Map<string, number>();
  private readonly paused = new Set<Socket>();
  private udp?: UdpSocket;
  private udpDrops?: UdpDropCounter;
  /** Datagrams read from the socket and not yet parsed: the socket is drained in batches, parsed after. */
  private udpBatch: [Buffer, string][] = [];
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

  /** Refresh `stats.kernelDrops` from the kernel's counter and return the stats. */
  sampleStats(): SyslogStats {
    const drops = this.udpDrops?.drops();
    if (drops !== undefined) this.stats.kernelDrops = drops;
    return this.stats;
  }

  /** Stop listening and end the generators. Safe to call more than once (a UDP socket closes only once). */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private closing: Promise<void> | undefined;

  private async shutDown(): Promise<void> {
    for (const s of this.sockets.keys()) s.destroy();
    this.sockets.clear();
    const closing: Promise<void>[] = [];
    if (this.udp) await this.readWaitingDatagrams();
    this.sampleStats();
    if (this.udp) closing.push(new Promise((r) => this.udp!.close(() => r())));
    if (this.tcp) closing.push(new Promise((r) => this.tcp!.close(() => r())));
    await Promise.all(closing);
    this.queue.close();
  }

  private listenUdp(host: string, port: number): Promise<void> {
    const sock = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: this.opts.udpReceiveBufferBytes });
    this.udp = sock;
    // Reading is kept cheap so that the socket is emptied quickly; parsing happens once per batch.
    sock.on('message', (msg, rinfo) => {
      if (this.udpBatch.push([msg, rinfo.address]) === 1) setImmediate(() => this.takeUdpBatch());
    });
    return new Promise((res, rej) => {
      sock.once('error', rej);
      sock.bind(port, host, () => {
        sock.off('error', rej);
        // A socket error after binding (e.g. ICMP noise) must not crash the process.
        sock.on('error', () => undefined);
        const a = sock.address();
        this.bound = { host: a.address, port: a.port };
        this.stats.receiveBufferBytes = sock.getRecvBufferSize();
        this.udpDrops = new UdpDropCounter(a.address, a.port);
        if (this.udpDrops.scope) {
          this.stats.kernelDropsScope = this.udpDrops.scope;
          this.stats.kernelDrops = this.udpDrops.drops() ?? 0;
        }
        res();
      });
    });
  }

  private takeUdpBatch(): void {
    const batch = this.udpBatch;
    this.udpBatch = [];
    for (const [msg, peer] of batch) {
      if (msg.length > this.opts.maxMessageBytes) {
        this.stats.received++;
        this.reject(`datagram of ${msg.length} bytes is over the limit of ${this.opts.maxMessageBytes}`, msg.toString('utf8', 0, 2000), peer);
        continue;
      }
      this.accept(msg, peer);
    }
  }

  /** At close, read what the kernel already holds for us rather than discard it (bounded: 2 s). */
  private async readWaitingDatagrams(): Promise<void> {
    for (let i = 0; i < 200 && (this.udpDrops?.socketQueue()?.waitingBytes ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setImmediate(r));
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
    const fromPeer = this.perSource.get(peer) ?? 0;
    if (fromPeer >= this.opts.maxConnectionsPerSource) {
      this.stats.refusedConnections++;
      socket.destroy();
      return;
    }
    if (this.sockets.size >= this.opts.maxConnections) this.evictIdlest();
    this.stats.connections++;
    this.perSource.set(peer, fromPeer + 1);
    const conn: Connection = { lastMessage: this.clock() };
    this.sockets.set(socket, conn);
    const framer = new SyslogFramer(this.opts.maxMessageBytes);
    const take = (out: ReturnType<SyslogFramer['push']>): void => {
      for (const e of out.errors) {
        this.stats.received++;
        this.reject(e.reason, e.text, peer, 'tcp');
      }
      for (const f of out.frames) this.accept(f, peer, socket);
      if (out.frames.length > 0 || out.errors.length > 0) conn.lastMessage = this.clock();
      this.watchFrame(socket, conn, framer, peer);
    };
    socket.setTimeout(this.opts.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => take(framer.push(chunk)));
    socket.on('end', () => take(framer.end()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(conn.frameTimer);
      this.sockets.delete(socket);
      this.paused.delete(socket);
      const left = (this.perSource.get(peer) ?? 1) - 1;
      if (left > 0) this.perSource.set(peer, left);
      else this.perSource.delete(peer);
    });
  }

  /** A message begun must end within the frame timeout, however slowly its bytes keep coming. */
  private watchFrame(socket: Socket, conn: Connection, framer: SyslogFramer, peer: string): void {
    if (!framer.midFrame) {
      clearTimeout(conn.frameTimer);
      conn.frameTimer = undefined;
      return;
    }
    const expire = (): void => {
      // A sender we paused is not slow: its frame waits for us.
      if (this.paused.has(socket)) {
        conn.frameTimer = setTimeout(expire, this.opts.frameTimeoutMs);
        return;
      }
      this.stats.timedOut++;
      this.stats.received++;
      this.reject(`message not complete ${this.opts.frameTimeoutMs / 1000} s after its first byte; connection closed`, '', peer, 'tcp');
      socket.destroy();
    };
    conn.frameTimer ??= setTimeout(expire, this.opts.frameTimeoutMs);
  }

  /** Make room: close the connection that has gone longest without a whole message. */
  private evictIdlest(): void {
    let idlest: [Socket, Connection] | undefined;
    for (const entry of this.sockets) if (!idlest || entry[1].lastMessage < idlest[1].lastMessage) idlest = entry;
    if (!idlest) return;
    this.stats.evictedConnections++;
    clearTimeout(idlest[1].frameTimer);
    // Forgotten now, so that the count is right before its close event comes.
    this.sockets.delete(idlest[0]);
    idlest[0].destroy();
  }

  private clock(): number {
    return (this.opts.now ?? Date.now)();
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
