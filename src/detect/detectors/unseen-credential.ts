/**
 * DS0002 — User Account Authentication: a successful remote login with a credential never seen for
 * that identity (user@host) nor for that account on any other host (a person's known key used on a
 * further server is not a new credential). The credential is the key fingerprint, the certificate's key id + CA
 * (certificates are re-issued with new keys and serials; the id and the CA are the identity), the
 * token id, or for password-style logins the method itself.
 *
 * Severity follows where the login came from (src/organisation): from the organisation's networks
 * (configured or learned) or the identity's usual ones, medium at most — new hires, rotated keys and
 * renewed certificates look like this; from an ASN unrelated to the organisation, high; from a
 * hosting/VPS ASN the organisation never used, at night for that identity, critical. A rotated
 * service-account token (JTI) used from a network the account already uses is routine and not reported.
 */
import type { AuthEvent, DrawbridgeEvent } from '../../model/event.js';
import { alertText } from '../../catalog/texts.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { networkOf } from '../../intel/ranges.js';
import { networkStanding, trusted, type NetworkStanding } from '../../organisation/networks.js';
import type { Severity } from '../../model/severity.js';
import { authHost, authSubTechnique, evidence, logLocation } from './common.js';
import type { Detector } from './types.js';

export const UNSEEN_CREDENTIAL_NS = 'ds0002.credential';
/** The same credentials per account name, across hosts: a person's known key on another host is not a new credential. */
export const ACCOUNT_CREDENTIAL_NS = 'ds0002.account-credential';

/**
 * The last login asked about, with its credential key and baseline entry: unseen-credential and the
 * organisation learner ask about the same event in turn, and a key built once is hashed once.
 */
let memoEvent: DrawbridgeEvent | undefined;
let memoLogin: AuthEvent | undefined;
let memoKeyOf: AuthEvent | undefined;
let memoKey: { key: string; label: string } = { key: '', label: '' };
let memoEntryOf: AuthEvent | undefined;
let memoEntry = '';

/** The credential as one baseline key, and words for the title. */
export function credentialKey(ev: AuthEvent): { key: string; label: string } {
  if (ev !== memoKeyOf) {
    memoKey = credentialKeyOf(ev);
    memoKeyOf = ev;
  }
  return memoKey;
}

function credentialKeyOf(ev: AuthEvent): { key: string; label: string } {
  switch (ev.credentialKind) {
    case 'certificate':
      return { key: `cert:${ev.credential ?? ''}|ca:${ev.ca ?? ''}`, label: `certificate "${ev.credential ?? ''}" signed by CA ${ev.ca ?? '?'}` };
    case 'key':
      return { key: `key:${ev.credential ?? ''}`, label: `key ${ev.keyType ? `${ev.keyType} ` : ''}${ev.credential ?? ''}` };
    case 'token': {
      // Bound service-account tokens (JTI=…) rotate every hour or so: a new JTI is routine. What is not
      // routine is the account's tokens being used from a network they were never used from.
      if (ev.credential?.startsWith('JTI=')) {
        const range = networkOf(ev.src) ?? (ev.src || '?');
        return { key: `token-from:${range}`, label: `a service-account token (${ev.credential}) used from ${range}` };
      }
      return { key: `token:${ev.credential ?? ''}`, label: `token ${ev.credential ?? ''}` };
    }
    default:
      return ev.credential !== undefined
        ? { key: `${ev.credentialKind ?? 'other'}:${ev.credential}`, label: `credential ${ev.credential}` }
        : { key: `method:${ev.method}`, label: `${ev.method} authentication` };
  }
}

/**
 * A successful use of a credential as a login: auth events as they are; API requests that name their
 * credential (service-account token id, client-certificate hash, cloud access key) and were not refused.
 */
export function asLogin(ev: DrawbridgeEvent): AuthEvent | undefined {
  if (ev !== memoEvent) {
    memoLogin = loginOf(ev);
    memoEvent = ev;
  }
  return memoLogin;
}

function loginOf(ev: DrawbridgeEvent): AuthEvent | undefined {
  if (ev.kind === 'auth') return ev.success ? ev : undefined;
  if (ev.kind !== 'api' || ev.credential === undefined || ev.credential === '') return undefined;
  if (ev.status !== undefined && ev.status >= 400) return undefined;
  return {
    kind: 'auth',
    time: ev.time,
    ref: ev.ref,
    observer: ev.observer,
    service: ev.service === 'http' ? 'other' : ev.service,
    user: ev.actor,
    // A proxy-verified client certificate (x509-…) is a certificate, anything else a token.
    method: ev.credential.startsWith('x509-') ? 'certificate' : 'token',
    credential: ev.credential,
    credentialKind: ev.credential.startsWith('x509-') ? 'other' : 'token',
    src: ev.src,
    dst: ev.dst ?? ev.host ?? ev.service,
    dstPort: ev.dstPort,
    success: true,
  };
}

/** The baseline key of a login's credential for its identity. */
export function credentialEntry(ev: AuthEvent): string {
  if (ev !== memoEntryOf) {
    memoEntry = `${ev.user}@${authHost(ev)}\u0000${credentialKey(ev).key}`;
    memoEntryOf = ev;
  }
  return memoEntry;
}

/** The table in the header. */
export function credentialSeverity(s: NetworkStanding): Severity {
  if (trusted(s)) return 'medium';
  if (s.standing === 'hosting' && s.night) return 'critical';
  return 'high';
}

export const unseenCredential: Detector = {
  id: 'unseen-credential',
  control: 'DS0002',
  description: 'Successful remote login with a credential never seen for that user@host',
  handle(event, state, ctx): Alert[] {
    const ev = asLogin(event);
    if (!ev) return [];
    const { config } = ctx.env;
    const identity = `${ev.user}@${authHost(ev)}`;
    const cred = credentialKey(ev);
    const newForAccount = state.seen(ACCOUNT_CREDENTIAL_NS, `${ev.user}\u0000${cred.key}`, ev.time, config.detect.baselineExpiry);
    const isNew = state.seen(UNSEEN_CREDENTIAL_NS, credentialEntry(ev), ev.time, config.detect.baselineExpiry);
    if (!isNew || !newForAccount || ctx.learning) return [];
    const origin = networkStanding(ev.src, ev.user, ev.time, state, ctx.env);
    if (cred.key.startsWith('token-from:') && trusted(origin)) return [];
    const severity = credentialSeverity(origin);
    const asText = ` (${origin.why})`;
    const passwordLike = ev.credentialKind === 'password' || cred.key.startsWith('method:');
    return [
      makeAlert({
        ...alertText(this.id, {
          vars: { identity, credential: cred.label, src: ev.src, origin: asText },
          severity,
          subTechnique: authSubTechnique(ev),
          variant: { explanation: trusted(origin) ? 'inside' : 'foreign', remediation: passwordLike ? 'password' : 'key' },
        }),
        asset: identity,
        location: logLocation(ev),
        time: new Date(ev.time).toISOString(),
        key: cred.key,
        evidence: evidence({
          user: ev.user,
          host: authHost(ev),
          service: ev.service,
          method: ev.method,
          credentialKind: ev.credentialKind,
          credential: ev.credential,
          keyType: ev.keyType,
          keyFingerprint: ev.keyFingerprint,
          certSerial: ev.certSerial,
          ca: ev.ca,
          src: ev.src,
          srcPort: ev.srcPort,
          asn: origin.asn?.asn,
          asOrg: origin.asn?.org,
          foreignSource: !trusted(origin),
          standing: origin.standing,
          standingWhy: origin.why,
          night: origin.night,
          line: ev.ref.line,
          raw: ctx.raw,
        }),
      }),
    ];
  },
};
