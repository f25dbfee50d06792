import { connect as tcpConnect, type Socket } from 'node:net';
import { NotThisProtocol, ProbeTimeout, type Endpoint, type ProbeOptions } from './types.js';

/** The host as net.connect wants it: "[::1]" → "::1". */
export function socketHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Plain TCP connect with a timeout; rejects with ProbeTimeout or the socket error (ECONNREFUSED …). */
export function tcpOpen(endpoint: Endpoint, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host: socketHost(endpoint.host), port: endpoint.port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ProbeTimeout(`connect to ${endpoint.host}:${endpoint.port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      // Errors after connect surface through reads; keep one listener so none is ever unhandled.
      sock.on('error', () => undefined);
      resolve(sock);
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    });
  });
}

/** A connection for a fingerprinter: through the scheduler's rate-limited connector when there is one. */
export function openSocket(endpoint: Endpoint, opts: ProbeOptions): Promise<Socket> {
  return opts.connect ? opts.connect(endpoint) : tcpOpen(endpoint, opts.timeoutMs);
}

/**
 * Result of a framing parser over the bytes received so far: a value, or undefined for "need more".
 * A parser throws NotThisProtocol when the bytes cannot be its protocol.
 */
export type Framer<T> = (buf: Buffer, ended: boolean) => T | undefined;

/**
 * Buffers a socket's bytes and lets a caller wait for a framed value with a deadline. Reads are
 * bounded: more than `maxBytes` without a value is "not this protocol".
 */
export class SocketReader {
  private buf = Buffer.alloc(0);
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly socket: Socket,
    private readonly maxBytes = 64 * 1024,
  ) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('error', (e) => {
      this.error = e;
      this.ended = true;
      this.wake?.();
    });
  }

  /** Bytes received and not yet consumed. */
  get pending(): Buffer {
    return this.buf;
  }

  /** Drop the first n bytes (a framed value was taken from them). */
  consume(n: number): void {
    this.buf = this.buf.subarray(n);
  }

  /** Wait for `framer` to produce a value; ProbeTimeout after `timeoutMs`. */
  read<T>(framer: Framer<T>, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (f: () => void): void => {
        clearTimeout(timer);
        this.wake = undefined;
        f();
      };
      const attempt = (): void => {
        try {
          const v = framer(this.buf, this.ended);
          if (v !== undefined) return finish(() => resolve(v));
          if (this.buf.length > this.maxBytes) return finish(() => reject(new NotThisProtocol(`no ${what} in the first ${this.maxBytes} bytes`)));
          if (this.ended) {
            const why = this.error ? `connection error (${this.error.message})` : 'connection closed';
            return finish(() => reject(new NotThisProtocol(`${why} before ${what}${preview(this.buf)}`)));
          }
        } catch (e) {
          return finish(() => reject(e));
        }
      };
      const timer: NodeJS.Timeout = setTimeout(() => finish(() => reject(new ProbeTimeout(`no ${what} within ${timeoutMs} ms${preview(this.buf)}`))), timeoutMs);
      this.wake = attempt;
      attempt();
    });
  }
}

/** A short printable preview of received bytes for messages ("; received "HTTP/1.1 400 …""). */
export function preview(buf: Buffer, max = 40): string {
  if (buf.length === 0) return '';
  const text = buf
    .subarray(0, max)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
  return `; received "${text}${buf.length > max ? '…' : ''}"`;
}
