import http from 'node:http';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import { openSocket, socketHost } from '../net.js';
import type { Endpoint, ProbeOptions } from '../types.js';
import type { HttpExchange } from './engine.js';
import type { HttpResponse } from './match.js';

export type Scheme = 'http' | 'https';

export interface ClientOptions {
  timeoutMs: number;
  /** The scheduler's rate-limited connector (ProbeOptions.connect); plain TCP otherwise. */
  connect?: ProbeOptions['connect'];
  /** Replies are hostile: read at most this many body bytes, then hang up. */
  maxBodyBytes?: number;
}

export type HttpOutcome = { ok: true; response: HttpResponse; truncated: boolean } | { ok: false; code: string; message: string };

export const USER_AGENT = 'drawbridge-probe/0.1 (read-only management-surface check)';

/** Host header value: IPv6 literals need brackets. */
function hostHeader(ep: Endpoint): string {
  const h = socketHost(ep.host);
  return isIP(h) === 6 ? `[${h}]:${ep.port}` : `${h}:${ep.port}`;
}

function flattenHeaders(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = (raw[i] as string).toLowerCase();
    const v = raw[i + 1] as string;
    out[k] = out[k] === undefined ? v : `${out[k]}\n${v}`;
  }
  return out;
}

/**
 * One request, no keep-alive, no redirects followed, certificate not verified (we are looking, not trusting),
 * tolerant parser (appliances send odd headers), bounded body and time.
 */
export async function sendHttp(ep: Endpoint, scheme: Scheme, req: HttpExchange, opts: ClientOptions): Promise<HttpOutcome> {
  let raw: Socket;
  try {
    raw = await openSocket(ep, { timeoutMs: opts.timeoutMs, connect: opts.connect });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, code: err.code ?? err.name, message: err.message };
  }
  const sock: Socket =
    scheme === 'https'
      ? tls.connect({
          socket: raw,
          rejectUnauthorized: false,
          // SNI must be a name, never an IP literal.
          servername: isIP(socketHost(ep.host)) ? undefined : socketHost(ep.host),
          minVersion: 'TLSv1',
        })
      : raw;
  return exchange(ep, sock, req, opts);
}

function exchange(ep: Endpoint, sock: Socket, req: HttpExchange, opts: ClientOptions): Promise<HttpOutcome> {
  const maxBytes = opts.maxBodyBytes ?? 256 * 1024;
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: HttpOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    const headers: Record<string, string> = { host: hostHeader(ep), 'user-agent': USER_AGENT, accept: '*/*', connection: 'close', ...req.headers };
    if (req.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(req.body));
    }
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const finish = (): void =>
        done({ ok: true, truncated, response: { status: res.statusCode ?? 0, headers: flattenHeaders(res.rawHeaders), body: Buffer.concat(chunks).toString('utf8') } });
      res.on('data', (c: Buffer) => {
        if (truncated) return;
        const room = maxBytes - size;
        if (c.length > room) {
          chunks.push(c.subarray(0, room));
          size = maxBytes;
          truncated = true;
          finish();
          return;
        }
        chunks.push(c);
        size += c.length;
      });
      res.on('end', finish);
      // A server that resets mid-body still gave us its status and headers.
      res.on('error', finish);
      res.on('aborted', finish);
    };
    const r = http.request(
      {
        method: req.method,
        path: req.path,
        headers,
        // The connection is ours (opened through the scheduler's connector, TLS-wrapped if needed).
        createConnection: () => sock,
        insecureHTTPParser: true,
      },
      onResponse,
    );
    const timer = setTimeout(() => done({ ok: false, code: 'ETIMEDOUT', message: `no answer within ${opts.timeoutMs} ms` }), opts.timeoutMs);
    r.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, code: e.code ?? 'ERROR', message: e.message }));
    sock.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, code: e.code ?? 'ERROR', message: e.message }));
    r.end(req.body);
  });
}

/** The well-known answers a TLS-only server gives to plain HTTP (probe-facts §0); the text names the stack. */
export function plainHttpRejection(r: HttpResponse): string | undefined {
  // Cockpit (cockpitwebserver.c) redirects remote plain-HTTP clients of a TLS port to https:// with this body.
  if (r.status === 301 && /Please use TLS/i.test(r.body)) return 'cockpit';
  if (r.status !== 400 && r.status !== 200 && r.status !== 497) return undefined;
  if (/Client sent an HTTP request to an HTTPS server/i.test(r.body)) return 'go';
  if (/The plain HTTP request was sent to HTTPS port/i.test(r.body)) return 'nginx';
  if (/running in SSL mode/i.test(r.body)) return 'webmin';
  if (/speaking plain HTTP to an SSL-enabled server port/i.test(r.body)) return 'apache';
  return undefined;
}

/** TLS handshake errors that say "this port speaks TLS but wants a client certificate". */
export function isClientCertRefusal(code: string, message: string): boolean {
  return /CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_HANDSHAKE_FAILURE|ALERT_NO_CERTIFICATE|certificate required/i.test(`${code} ${message}`);
}

/** TLS errors that mean the other side does not speak TLS at all. */
export function isNotTls(code: string, message: string): boolean {
  return /WRONG_VERSION_NUMBER|wrong version number|packet length too long|unknown protocol|http request|record layer failure/i.test(`${code} ${message}`);
}
