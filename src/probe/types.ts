import type { Finding } from '../model/finding.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface ProbeOptions {
  timeoutMs: number;
  /** Only with --try-default-credentials: vendor defaults listed in the catalogue, each attempt logged. */
  tryDefaultCredentials?: boolean;
  /** Where attempts and notable steps are logged (stderr by default). */
  log?: (message: string) => void;
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

/** What one endpoint turned out to be. */
export interface Observation {
  endpoint: Endpoint;
  /** Catalogue service id (catalog/services.yaml) when identified. */
  service?: string;
  product?: string;
  version?: string;
  auth: AuthState;
  tls?: TlsFacts;
  facts: Record<string, unknown>;
  findings: Finding[];
}

/** One protocol or product family. Returns undefined when the endpoint is not what it fingerprints. */
export interface Fingerprinter {
  id: string;
  probe(endpoint: Endpoint, opts: ProbeOptions): Promise<Observation | undefined>;
}
