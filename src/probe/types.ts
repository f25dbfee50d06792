import type { Socket } from 'node:net';
import type { Finding } from '../model/finding.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface ProbeOptions {
  timeoutMs: number;
  /** Only with --try-default-credentials: vendor defaults listed in the catalogue, each attempt logged. */
  tryDefaultCredentials?: boolean;
  /** false: do not walk the catalogue's admin routes behind web servers and gateways (probe.routeWalk). */
  routeWalk?: boolean;
  /** Where attempts and notable steps are logged (stderr by default). */
  log?: (message: string) => void;
  /**
   * Opens a TCP connection to the endpoint. The scheduler supplies one that honours the run's rate limit
   * and timeout; fingerprinters should use it (via `openSocket` in src/probe/net.ts) for every connection
   * they make, wrapping it in TLS themselves when needed (`tls.connect({ socket })`).
   */
  connect?: (endpoint: Endpoint) => Promise<Socket>;
}

/** Whether a stranger gets in (probe-facts.md verdicts). */
export type AuthState = 'open' | 'login' | 'refused' | 'info' | 'unknown';

export interface TlsFacts {
  subject?: string;
  issuer?: string;
  validTo?: string;
  selfSigned?: boolean;
  /** The server asked for a client certificate during the handshake. */
  clientCertRequested?: boolean;
  /** The server refused the connection without one. */
  clientCertRequired?: boolean;
}

/**
 * How the endpoint's fingerprinting ended. `identified`: a fingerprinter recognised it.
 * `unrecognised`: it answered, but no fingerprinter knew it (e.g. "not ssh").
 * `timeout`: the port accepted the connection and then said nothing in time. `error`: anything else.
 */
export type ProbeOutcome = 'identified' | 'unrecognised' | 'timeout' | 'error';

/** What one endpoint turned out to be. */
export interface Observation {
  endpoint: Endpoint;
  /** Set by the scheduler; a fingerprinter returning an observation may leave it out (= identified). */
  outcome?: ProbeOutcome;
  /** Why an endpoint was not identified, one line per fingerprinter tried ("ssh: not ssh: …"). */
  notes?: string[];
  /** Catalogue service id (catalog/services.yaml) when identified. */
  service?: string;
  product?: string;
  version?: string;
  auth: AuthState;
  tls?: TlsFacts;
  facts: Record<string, unknown>;
  findings: Finding[];
}

/**
 * One protocol or product family. When the endpoint is not what it fingerprints, `probe` returns
 * undefined or, to say why, throws `NotThisProtocol`; it throws `ProbeTimeout` when the endpoint
 * stayed silent. Any other exception is caught by the scheduler and reported as outcome `error`.
 */
export interface Fingerprinter {
  id: string;
  /** Catalogue protocols (catalog/services.yaml `protocol`) this fingerprinter handles, e.g. ['ssh'] or ['http','https']. */
  protocols: readonly string[];
  /** The server speaks first (SSH, VNC): tried first, passively, on ports the catalogue does not know. */
  serverSpeaksFirst?: boolean;
  /** Catalogue ports this fingerprinter also claims, whatever protocol the catalogue gives them (gRPC on Ray's 10001). */
  ports?: readonly number[];
  probe(endpoint: Endpoint, opts: ProbeOptions): Promise<Observation | undefined>;
}

/** Thrown by a fingerprinter when the endpoint answered but is not its protocol. */
export class NotThisProtocol extends Error {
  override name = 'NotThisProtocol';
}

/** Thrown when an endpoint accepted the connection but did not answer in time. */
export class ProbeTimeout extends Error {
  override name = 'ProbeTimeout';
}
