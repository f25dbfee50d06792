/**
 * Normalised records every decoder yields (DESIGN.md "Contracts").
 * Times are epoch milliseconds of *event* time; `raw` keeps the source position for evidence.
 */
export interface RecordRef {
  source: string;
  /** Byte offset of the record in its source (line start for line formats). */
  offset: number;
  /** 1-based line number where the format is line-based. */
  line?: number;
}

interface EventBase {
  time: number;
  ref: RecordRef;
  /** Host or sensor that logged the record (sshd host, flow-log interface, cluster). */
  observer?: string;
}

export interface FlowEvent extends EventBase {
  kind: 'flow';
  src: string;
  srcPort?: number;
  dst: string;
  dstPort: number;
  protocol: 'tcp' | 'udp' | 'icmp' | 'other';
  direction?: 'inbound' | 'outbound';
  action: 'accept' | 'reject';
  bytes?: number;
  packets?: number;
  /** TCP flags OR-ed over the record's window (AWS VPC tcp-flags: FIN 1, SYN 2, RST 4, PSH 8, ACK 16). */
  tcpFlags?: number;
}

export type AuthMethod = 'publickey' | 'password' | 'keyboard-interactive' | 'hostbased' | 'gssapi-with-mic' | 'none' | 'token' | 'certificate' | 'other';

export interface AuthEvent extends EventBase {
  kind: 'auth';
  service: 'ssh' | 'kubernetes' | 'docker' | 'other';
  user: string;
  method: AuthMethod;
  /** Credential identity: key fingerprint, certificate key id + CA, token id. */
  credential?: string;
  credentialKind?: 'key' | 'certificate' | 'token' | 'password' | 'other';
  /** For certificates: the signing CA fingerprint. */
  ca?: string;
  /** Key algorithm as logged (e.g. ED25519, RSA-CERT). */
  keyType?: string;
  /** Fingerprint of the user key when `credential` names something else (a certificate's key id). */
  keyFingerprint?: string;
  /** Certificate serial number, as a decimal string (it is a uint64). */
  certSerial?: string;
  src: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
  success: boolean;
  invalidUser?: boolean;
  /** Software banners where the sensor saw them (Zeek ssh.log client/server). */
  clientSoftware?: string;
  serverSoftware?: string;
}

export interface ApiEvent extends EventBase {
  kind: 'api';
  service: 'kubernetes' | 'docker' | 'http';
  actor: string;
  credential?: string;
  src: string;
  dst?: string;
  dstPort?: number;
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  status?: number;
  /** Summary of privileged bits of a created object. */
  privileged?: string[];
  /** HTTP method where the record shows it (access logs, Zeek http, Docker API requests). */
  method?: string;
  userAgent?: string;
  /** Host header, SNI or virtual host the request was addressed to. */
  host?: string;
  /** Kubernetes subresource (exec, attach, portforward, log, …). */
  subresource?: string;
  /** Kind of the submitted object (requestObject.kind, e.g. Pod, Deployment). */
  objectKind?: string;
  /** Kubernetes: groups of the authenticated user; the user acted as `impersonatedUser` when set. */
  groups?: string[];
  impersonatedUser?: string;
}

export type DrawbridgeEvent = FlowEvent | AuthEvent | ApiEvent;
