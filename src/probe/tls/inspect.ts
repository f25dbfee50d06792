import { X509Certificate } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { openSocket, socketHost } from '../net.js';
import type { Endpoint, ProbeOptions, TlsFacts } from '../types.js';
import { ServerFlightScanner, type ServerFlight } from './records.js';

export interface TlsInspection {
  /** The port speaks TLS. */
  tls: boolean;
  facts?: TlsFacts;
  /** Negotiated protocol when a handshake completed. */
  protocol?: string;
  /** Alert or error that ended the handshake. */
  alert?: string;
  error?: string;
  /** How client-certificate facts were established. */
  method?: 'tls12-cleartext-certificate-request' | 'tls13-post-handshake-alert';
}

/** Subject/issuer/expiry/self-signed from a DER certificate. */
export function certificateFacts(der: Buffer): Pick<TlsFacts, 'subject' | 'issuer' | 'validTo' | 'selfSigned'> {
  try {
    const x = new X509Certificate(der);
    let selfSigned = false;
    try {
      // Self-issued AND verifiable with its own key: issuer name equality alone is not proof.
      selfSigned = x.checkIssued(x) && x.verify(x.publicKey);
    } catch {
      selfSigned = false;
    }
    const validTo = new Date(x.validTo);
    return {
      subject: x.subject.split('\n').join(', '),
      issuer: x.issuer.split('\n').join(', '),
      validTo: Number.isNaN(validTo.getTime()) ? x.validTo : validTo.toISOString(),
      selfSigned,
    };
  } catch {
    return {};
  }
}

interface Attempt {
  flight: ServerFlight;
  secure: boolean;
  protocol?: string;
  der?: Buffer;
  errorCode?: string;
  errorMessage?: string;
}

/**
 * One handshake without a client certificate. The raw bytes pass through a tap so the cleartext part of
 * the server's flight can be read (Node does not expose the CertificateRequest itself). With `settleMs`,
 * waits that long after the handshake for a post-handshake refusal (TLS 1.3 certificate_required).
 */
async function handshake(ep: Endpoint, o: { maxVersion: tls.SecureVersion; timeoutMs: number; settleMs: number; connect?: ProbeOptions['connect'] }): Promise<Attempt> {
  let raw: Socket;
  try {
    raw = await openSocket(ep, { timeoutMs: o.timeoutMs, connect: o.connect });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { flight: new ServerFlightScanner().result, secure: false, errorCode: err.code ?? err.name, errorMessage: err.message };
  }
  return new Promise((resolve) => {
    const scanner = new ServerFlightScanner();
    const tap = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        raw.write(chunk, (err) => cb(err ?? null));
      },
      final(cb) {
        raw.end();
        cb();
      },
      destroy(err, cb) {
        raw.destroy();
        cb(err);
      },
    });
    raw.on('data', (c: Buffer) => {
      scanner.push(c);
      tap.push(c);
    });
    raw.on('end', () => tap.push(null));
    raw.on('error', (e) => tap.destroy(e));

    const attempt: Attempt = { flight: scanner.result, secure: false };
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(settle);
      attempt.flight = scanner.result;
      attempt.der ??= attempt.flight.leafCertificate;
      sock.destroy();
      raw.destroy();
      resolve(attempt);
    };
    const timer = setTimeout(() => {
      attempt.errorCode ??= 'ETIMEDOUT';
      attempt.errorMessage ??= `no TLS answer within ${o.timeoutMs} ms`;
      finish();
    }, o.timeoutMs);
    let settle: NodeJS.Timeout | undefined;

    const sock = tls.connect({
      socket: tap,
      servername: isIP(socketHost(ep.host)) ? undefined : socketHost(ep.host),
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      maxVersion: o.maxVersion,
    });
    sock.on('secureConnect', () => {
      attempt.secure = true;
      attempt.protocol = sock.getProtocol() ?? undefined;
      const cert = sock.getPeerCertificate();
      if (cert && cert.raw) attempt.der = cert.raw;
      if (o.settleMs > 0) settle = setTimeout(finish, o.settleMs);
      else finish();
    });
    sock.on('data', () => {
      // A TLS 1.3 server that sends application data (or a ticket) is still talking; keep waiting for settle.
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      attempt.errorCode = e.code ?? 'ERROR';
      attempt.errorMessage = e.message;
      finish();
    });
    sock.on('close', () => {
      if (!attempt.secure) {
        attempt.errorCode ??= 'ECONNRESET';
        attempt.errorMessage ??= 'closed during handshake';
      }
      // After a completed handshake a quiet close is not a refusal; let settle (or close) decide.
      if (!attempt.secure || o.settleMs === 0) finish();
    });
  });
}

function looksLikeVersionRefusal(a: Attempt): boolean {
  return a.flight.alerts.some((x) => x.description === 70) || /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|no protocols available/i.test(`${a.errorCode} ${a.errorMessage}`);
}

function isRefusalAlert(a: Attempt): boolean {
  const alertHit = a.flight.alerts.some((x) => [40, 41, 42, 46, 48, 116].includes(x.description));
  return alertHit || /CERTIFICATE_REQUIRED|BAD_CERTIFICATE|HANDSHAKE_FAILURE|NO_CERTIFICATE|ECONNRESET|closed during handshake/i.test(`${a.errorCode} ${a.errorMessage}`);
}

/**
 * TLS facts for one port (probe-facts §2): certificate subject, issuer, expiry, self-signed, whether the
 * server asks for a client certificate and whether it refuses without one.
 *
 * Method: a TLS 1.2 handshake first, because there the CertificateRequest is cleartext and a refusal is an
 * alert before the handshake completes. Servers that only speak TLS 1.3 get a second handshake; there the
 * request is encrypted, so only a refusal (certificate_required after the handshake) can be seen.
 */
export async function inspectTls(ep: Endpoint, opts: { timeoutMs: number; settleMs?: number; connect?: ProbeOptions['connect'] }): Promise<TlsInspection> {
  const settleMs = opts.settleMs ?? Math.min(1500, opts.timeoutMs);
  const a12 = await handshake(ep, { maxVersion: 'TLSv1.2', timeoutMs: opts.timeoutMs, settleMs: 0, connect: opts.connect });
  if (a12.flight.notTls) {
    return { tls: false, error: a12.flight.notTls ? 'the server does not speak TLS' : `${a12.errorCode}: ${a12.errorMessage}` };
  }
  if (!a12.secure && a12.flight.handshakeTypes.length === 0 && !looksLikeVersionRefusal(a12)) {
    // No ServerHello and not a version refusal: not TLS (or something in between we cannot judge).
    return { tls: false, error: `${a12.errorCode}: ${a12.errorMessage}` };
  }
  if (a12.secure || !looksLikeVersionRefusal(a12)) {
    const requested = a12.flight.handshakeTypes.includes(13);
    const refused = !a12.secure && requested && isRefusalAlert(a12);
    const last = a12.flight.alerts.at(-1);
    return {
      tls: true,
      protocol: a12.protocol ?? versionName(a12.flight.version),
      facts: { ...(a12.der ? certificateFacts(a12.der) : {}), clientCertRequested: requested, clientCertRequired: refused },
      alert: last?.name,
      error: a12.secure ? undefined : `${a12.errorCode}: ${a12.errorMessage}`,
      method: 'tls12-cleartext-certificate-request',
    };
  }
  const a13 = await handshake(ep, { maxVersion: 'TLSv1.3', timeoutMs: opts.timeoutMs, settleMs, connect: opts.connect });
  const refused = /CERTIFICATE_REQUIRED|BAD_CERTIFICATE|HANDSHAKE_FAILURE|NO_CERTIFICATE/i.test(`${a13.errorCode} ${a13.errorMessage}`);
  return {
    tls: a13.secure || a13.flight.handshakeTypes.length > 0,
    protocol: a13.protocol ?? versionName(a13.flight.version),
    facts: {
      ...(a13.der ? certificateFacts(a13.der) : {}),
      // In TLS 1.3 the request is encrypted: a refusal proves it was asked for; its absence proves nothing.
      clientCertRequested: refused ? true : undefined,
      clientCertRequired: refused,
    },
    alert: refused ? 'certificate_required' : undefined,
    error: a13.errorCode ? `${a13.errorCode}: ${a13.errorMessage}` : undefined,
    method: 'tls13-post-handshake-alert',
  };
}

function versionName(v: number | undefined): string | undefined {
  return v === 0x0304 ? 'TLSv1.3' : v === 0x0303 ? 'TLSv1.2' : v === 0x0302 ? 'TLSv1.1' : v === 0x0301 ? 'TLSv1' : undefined;
}
