/**
 * OpenSSH sshd message bodies (after the syslog header) → normalised events.
 * Templates follow OpenSSH's auth.c/packet.c/sshd.c log calls (see docs: log-formats §1.2–1.4).
 * Attacker-controlled text (user names, banners, disconnect reasons) is echoed inside these
 * messages, so every pattern is anchored on the whole body and server-written parts are matched
 * from the end.
 */
import type { AuthEvent, AuthMethod, FlowEvent, RecordRef } from '../../model/event.js';
import { isIp } from '../../intel/ranges.js';

/** sshd lines rarely name the local port; 22 is what they listen on unless configured otherwise. */
export const SSH_DEFAULT_PORT = 22;

export interface SshdContext {
  time: number;
  ref: RecordRef;
  observer?: string;
}

export type SshdEvent = AuthEvent | FlowEvent;
export type SshdResult = SshdEvent[] | { reject: string };

const METHODS: Record<string, AuthMethod> = {
  publickey: 'publickey',
  password: 'password',
  'keyboard-interactive': 'keyboard-interactive',
  hostbased: 'hostbased',
  'gssapi-with-mic': 'gssapi-with-mic',
  gssapi: 'gssapi-with-mic',
  none: 'none',
};

/** Accepted/Failed/Partial/Postponed {method}[/{sub}] for [invalid user ]{user} from {ip} port {port} ssh2[: {info}] */
const AUTH_RESULT = /^(Accepted|Failed|Partial|Postponed) ([^\s/]+)(?:\/\S+)? for (invalid user )?(.*) from (\S+) port (\d+)(?: ssh[12])?(?:: (.*))?$/;
/** Current: {CERTTYPE} {fp} ID {key id} (serial {n}) CA {type} {fp}[, …]; 7.x: no user-key fingerprint. */
const CERT_INFO = /^(\S+-CERT)(?: ([^\s,]+))? ID (.*) \(serial (\d+)\) CA (\S+) ([^\s,]+)(?:, .*)?$/;
const KEY_INFO = /^(\S+) ([^\s,]+)(?:, .*)?$/;
const INVALID_USER = /^Invalid user (.*) from (\S+?)(?: port (\d+))?$/;
const ROOT_REFUSED = /^ROOT LOGIN REFUSED FROM (\S+?)(?: port (\d+))?$/;
const NOT_ALLOWED = /^User (.*) from (\S+) not allowed because /;
const MAX_TRIES = /^maximum authentication attempts exceeded for (invalid user )?(.*) from (\S+) port (\d+)(?: ssh2)?$/;
const CONNECTION_FROM = /^Connection from (\S+) port (\d+) on (\S+) port (\d+)(?: rdomain .*)?$/;
/** ≥7.x: `from {ip} port {port}:{code}: {text}`; older: `from {ip}: {code}: {text}` (an IPv6 peer has colons too). */
const RECEIVED_DISCONNECT = /^Received disconnect from (\S+) port (\d+):(\d+): ?(.*)$/s;
const RECEIVED_DISCONNECT_OLD = /^Received disconnect from (\S+): (\d+): ?(.*)$/s;
const NO_IDENT = /^Did not receive identification string from (\S+?)(?: port (\d+))?$/;
const BAD_IDENT = /^Bad protocol version identification '(.*)' from (\S+?)(?: port (\d+))?$/s;
const NEGOTIATE = /^Unable to negotiate with (.+?): no matching /;
const TAGGED_CONNECTION = /^[\w ]+: Connection from (.+?): /;
const TIMEOUT_OLD = /^Timeout before authentication for (\S+?)(?: port (\d+))?$/;
const TIMEOUT_98 = /^Timeout before authentication for connection from (\S+) to (\S+), pid = \d+/;
const DROP = /^drop connection #\d+ from (\S+) on (\S+) /;
const REPEATED = /^message repeated (\d+) times: \[ ?(.*)\]$/s;

/** Messages that are sshd's but carry nothing the detectors use (or repeat a line that does). */
const IGNORED_PREFIXES = [
  'input_userauth_request: ', // repeats "Invalid user"
  'reverse mapping checking getaddrinfo for ',
  'Address ', // "... maps to ..., but this does not map back to the address"
  'Nasty PTR record ',
  'Server listening on ',
  'Received signal ',
  'Received SIGHUP',
  'Starting session: ',
  'Close session: ',
  'Accepted key ', // VERBOSE pre-check; the "Accepted publickey" line follows
  'Accepted certificate ID ',
  'Disconnecting: ', // pre-7.x form without the peer
  'PAM ',
  'Transferred: ',
  'Closing connection to ',
  'subsystem request for ',
  'User child is on pid ',
  'Changed root directory ',
  'Set /proc/self/oom_score_adj',
  'Authentication refused: ',
  'Exiting on signal ',
  'Timeout, client not responding',
  'Protocol major versions differ',
  'Bad packet length',
  'Corrupted MAC on input',
  'rexec line ',
  'Authorized to ',
  'Postponed ',
  'Partial ',
];

function method(m: string): AuthMethod {
  return METHODS[m] ?? 'other';
}

function port(p: string | undefined): number | undefined {
  if (p === undefined) return undefined;
  const n = Number(p);
  return n >= 0 && n <= 65535 ? n : undefined;
}

/** `[preamble ]{ip}[ port {port}]`, preamble = `authenticating user U` | `invalid user U` | `user U`. */
export function parseRemoteId(s: string): { user?: string; ip: string; port?: number; invalidUser?: boolean } | undefined {
  let end = s.length;
  let p: number | undefined;
  // ` port {digits}` at the very end (read by hand: this runs for most sshd lines).
  let d = end;
  while (d > 0 && isDigitAt(s, d - 1)) d--;
  if (d < end && d >= 6 && s.startsWith(' port ', d - 6)) {
    p = port(s.slice(d, end));
    end = d - 6;
  }
  const sp = end > 0 ? s.lastIndexOf(' ', end - 1) : -1;
  const ip = s.slice(sp + 1, end);
  if (sp < 0) return { ip, port: p };
  for (const pre of PREAMBLES) {
    if (sp > pre.length && s.startsWith(pre, 0) && s.charCodeAt(pre.length) === 32) {
      return { user: s.slice(pre.length + 1, sp), ip, port: p, invalidUser: pre === 'invalid user' };
    }
  }
  return undefined;
}

/** What may precede the peer in a remote id, tried in this order. */
const PREAMBLES = ['authenticating user', 'invalid user', 'user'] as const;

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * Whether `^[\w ]+: Connection from ` can match: the run of word characters and spaces at the start
 * must end in that colon. Most lines fail this on their first non-word character, without a regex.
 */
function mayBeTaggedConnection(msg: string): boolean {
  let i = 0;
  for (; i < msg.length; i++) {
    const c = msg.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 32)) break;
  }
  return i > 0 && msg.startsWith(': Connection from ', i);
}

/** `[ip]:port`, `ip:port` (v4) or a bare ip. */
function parseAddr(s: string): { ip: string; port?: number } {
  const b = /^\[(.*)\]:(\d+)$/.exec(s);
  if (b) return { ip: b[1] as string, port: port(b[2]) };
  const v4 = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(s);
  if (v4) return { ip: v4[1] as string, port: port(v4[2]) };
  return { ip: s };
}

function flow(ctx: SshdContext, src: string, srcPort: number | undefined, opts: { dst?: string; dstPort?: number; action?: 'accept' | 'reject' } = {}): FlowEvent {
  return {
    kind: 'flow',
    time: ctx.time,
    ref: ctx.ref,
    observer: ctx.observer,
    src,
    srcPort,
    // The logging host is the destination: its name keeps sshd flows and logins under one key.
    dst: ctx.observer ?? opts.dst ?? '',
    dstPort: opts.dstPort ?? SSH_DEFAULT_PORT,
    protocol: 'tcp',
    direction: 'inbound',
    action: opts.action ?? 'accept',
  };
}

/** A connection line: a flow when the peer is an address, nothing when sshd did not know it (UNKNOWN). */
function connection(ctx: SshdContext, remote: string, what: string): SshdResult {
  const r = parseRemoteId(remote);
  if (!r) return { reject: `${what}: peer "${remote.slice(0, 80)}" not understood` };
  if (r.ip === 'UNKNOWN') return [];
  if (!isIp(r.ip)) return { reject: `${what}: peer address "${r.ip.slice(0, 60)}" is not an IP` };
  return [flow(ctx, r.ip, r.port)];
}

function auth(ctx: SshdContext, fields: Omit<AuthEvent, 'kind' | 'time' | 'ref' | 'observer' | 'service'>): AuthEvent {
  return { kind: 'auth', time: ctx.time, ref: ctx.ref, observer: ctx.observer, service: 'ssh', ...fields };
}

function authResult(ctx: SshdContext, m: RegExpExecArray): SshdResult {
  const [, verdict, meth, invalid, user, src, p, info] = m as unknown as [string, string, string, string | undefined, string, string, string, string | undefined];
  if (verdict === 'Partial' || verdict === 'Postponed') return [];
  const ev = auth(ctx, {
    user,
    method: method(meth),
    src,
    srcPort: port(p),
    success: verdict === 'Accepted',
    invalidUser: invalid !== undefined ? true : undefined,
  });
  if (ev.method === 'password' || ev.method === 'keyboard-interactive') ev.credentialKind = 'password';
  if ((meth === 'publickey' || meth === 'hostbased') && info !== undefined) {
    const cert = CERT_INFO.exec(info);
    if (cert) {
      ev.credentialKind = 'certificate';
      ev.keyType = cert[1];
      ev.keyFingerprint = cert[2];
      ev.credential = cert[3];
      ev.certSerial = cert[4];
      ev.ca = cert[6];
    } else {
      const key = KEY_INFO.exec(info);
      if (!key) return { reject: `${verdict} ${meth}: key info "${info.slice(0, 80)}" not understood` };
      ev.credentialKind = 'key';
      ev.keyType = key[1];
      ev.credential = key[2];
    }
  }
  return [ev];
}

/** Decode one sshd message body (no syslog header). */
export function decodeSshdMessage(body: string, ctx: SshdContext): SshdResult {
  let msg = body;
  if (msg.endsWith('\r')) msg = msg.slice(0, -1);
  if (msg.endsWith(' [preauth]')) msg = msg.slice(0, -10);
  let diagnostic = false;
  if (msg.startsWith('error: ') || msg.startsWith('fatal: ')) {
    msg = msg.slice(7);
    diagnostic = true;
  } else if (msg.charCodeAt(0) === 100 /* d */ && /^debug\d: /.test(msg)) return [];

  const first = msg.charCodeAt(0);
  let m: RegExpExecArray | null;
  // Dispatch on the first letter: most lines are decided by one regex.
  switch (first) {
    case 65 /* A */:
    case 70 /* F */:
    case 80 /* P */:
      if ((m = AUTH_RESULT.exec(msg))) return authResult(ctx, m);
      if (/^(Accepted|Failed) \S+ for /.test(msg)) return { reject: 'auth result: not "<verdict> <method> for <user> from <ip> port <n>"' };
      break;
    case 73 /* I */:
      if ((m = INVALID_USER.exec(msg))) {
        return [auth(ctx, { user: m[1] as string, method: 'none', src: m[2] as string, srcPort: port(m[3]), success: false, invalidUser: true })];
      }
      if (msg.startsWith('Invalid user ')) return { reject: 'Invalid user: no "from <ip>"' };
      break;
    case 67 /* C */:
      if ((m = CONNECTION_FROM.exec(msg))) {
        const src = m[1] as string;
        if (!isIp(src)) return { reject: `Connection from: "${src.slice(0, 60)}" is not an IP` };
        return [flow(ctx, src, port(m[2]), { dst: m[3], dstPort: port(m[4]) })];
      }
      if (msg.startsWith('Connection closed by ')) return connection(ctx, msg.slice(21), 'Connection closed');
      if (msg.startsWith('Connection reset by ')) return connection(ctx, msg.slice(20), 'Connection reset');
      if (msg.startsWith('Connection from ') && msg.endsWith(' timed out')) return connection(ctx, msg.slice(16, -10), 'Connection timed out');
      if (msg.startsWith('Connection from ')) return { reject: 'Connection from: not "<ip> port <n> on <ip> port <n>"' };
      if (msg.startsWith('Close session: ')) return [];
      break;
    case 68 /* D */:
      if (msg.startsWith('Disconnected from ')) return connection(ctx, msg.slice(18), 'Disconnected');
      if (msg.startsWith('Disconnecting ')) {
        const colon = msg.indexOf(': ', 14);
        if (colon < 0) return { reject: 'Disconnecting: no reason after the peer' };
        return connection(ctx, msg.slice(14, colon), 'Disconnecting');
      }
      if ((m = NO_IDENT.exec(msg))) return isIp(m[1] as string) ? [flow(ctx, m[1] as string, port(m[2]))] : { reject: 'Did not receive identification string: peer is not an IP' };
      break;
    case 82 /* R */:
      if ((m = RECEIVED_DISCONNECT.exec(msg) ?? RECEIVED_DISCONNECT_OLD.exec(msg))) {
        const src = m[1] as string;
        const p = m.length === 5 ? port(m[2]) : undefined;
        return isIp(src) ? [flow(ctx, src, p)] : { reject: `Received disconnect: peer "${src.slice(0, 60)}" is not an IP` };
      }
      if ((m = ROOT_REFUSED.exec(msg))) {
        return [auth(ctx, { user: 'root', method: 'none', src: m[1] as string, srcPort: port(m[2]), success: false })];
      }
      if (msg.startsWith('Received disconnect from ')) return { reject: 'Received disconnect: not "<ip> port <n>:<code>: <text>"' };
      break;
    case 66 /* B */:
      if ((m = BAD_IDENT.exec(msg))) return isIp(m[2] as string) ? [flow(ctx, m[2] as string, port(m[3]))] : { reject: 'Bad protocol version identification: peer is not an IP' };
      break;
    case 85 /* U */:
      if ((m = NEGOTIATE.exec(msg))) return connection(ctx, m[1] as string, 'Unable to negotiate');
      if ((m = NOT_ALLOWED.exec(msg))) {
        // With UseDNS the peer may be a host name; the login attempt still happened.
        return [auth(ctx, { user: m[1] as string, method: 'none', src: m[2] as string, success: false })];
      }
      if (msg.startsWith('User ') && msg.includes(' not allowed because ')) return [];
      break;
    case 84 /* T */:
      if ((m = TIMEOUT_98.exec(msg))) {
        const r = parseAddr(m[1] as string);
        const l = parseAddr(m[2] as string);
        return isIp(r.ip) ? [flow(ctx, r.ip, r.port, { dst: l.ip, dstPort: l.port })] : { reject: 'Timeout before authentication: peer is not an IP' };
      }
      if ((m = TIMEOUT_OLD.exec(msg))) return isIp(m[1] as string) ? [flow(ctx, m[1] as string, port(m[2]))] : { reject: 'Timeout before authentication: peer is not an IP' };
      break;
    case 100 /* d */:
      if ((m = DROP.exec(msg))) {
        const r = parseAddr(m[1] as string);
        const l = parseAddr(m[2] as string);
        return isIp(r.ip) ? [flow(ctx, r.ip, r.port, { dst: l.ip, dstPort: l.port, action: 'reject' })] : { reject: 'drop connection: peer is not an IP' };
      }
      break;
    case 109 /* m */:
      if ((m = MAX_TRIES.exec(msg))) {
        const src = m[3] as string;
        return isIp(src) ? [flow(ctx, src, port(m[4]))] : [];
      }
      if ((m = REPEATED.exec(msg))) return repeated(Number(m[1]), m[2] as string, ctx);
      break;
    default:
      break;
  }
  if (mayBeTaggedConnection(msg) && (m = TAGGED_CONNECTION.exec(msg))) return connection(ctx, m[1] as string, 'Connection');
  // Diagnostics (error:/fatal:) vary with strerror texts and versions; they carry no login or peer.
  if (diagnostic) return [];
  if (/^pam_\w+\(/.test(msg)) return [];
  for (const p of IGNORED_PREFIXES) if (msg.startsWith(p)) return [];
  return { reject: `unrecognised sshd message "${msg.slice(0, 60)}"` };
}

/** rsyslog's "message repeated N times: [ msg]": the message happened N times. */
function repeated(n: number, inner: string, ctx: SshdContext): SshdResult {
  const r = decodeSshdMessage(inner, ctx);
  if (!Array.isArray(r) || r.length === 0 || !Number.isSafeInteger(n) || n < 1) return r;
  // Bounded so a forged count cannot make one line into millions of events.
  const times = Math.min(n, 1000);
  const out: SshdEvent[] = [];
  for (let i = 0; i < times; i++) for (const e of r) out.push(e);
  return out;
}
