/**
 * DS0002 — User Account Authentication: a successful remote login with a credential never seen for
 * that identity (user@host). The credential is the key fingerprint, the certificate's key id + CA
 * (certificates are re-issued with new keys and serials; the id and the CA are the identity), the
 * token id, or for password-style logins the method itself. Severity rises when the source is
 * outside the organisation's ranges and ASNs.
 */
import type { AuthEvent, DrawbridgeEvent } from '../../model/event.js';
import { alertText } from '../../catalog/texts.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { networkOf } from '../../intel/ranges.js';
import { authHost, authSubTechnique, evidence, logLocation, sourceOrigin } from './common.js';
import type { Detector } from './types.js';

export const UNSEEN_CREDENTIAL_NS = 'ds0002.credential';

/** The credential as one baseline key, and words for the title. */
export function credentialKey(ev: AuthEvent): { key: string; label: string } {
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
function asLogin(ev: DrawbridgeEvent): AuthEvent | undefined {
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
    const isNew = state.seen(UNSEEN_CREDENTIAL_NS, `${identity}\u0000${cred.key}`, ev.time, config.detect.baselineExpiry);
    if (!isNew || ctx.learning) return [];
    const origin = sourceOrigin(ev.src, ctx.env);
    const originText = origin.asn ? ` (AS${origin.asn.asn} ${origin.asn.org})` : origin.organisation ? ' (organisation range)' : ' (unknown ASN)';
    const passwordLike = ev.credentialKind === 'password' || cred.key.startsWith('method:');
    return [
      makeAlert({
        ...alertText(this.id, {
          vars: { identity, credential: cred.label, src: ev.src, origin: originText },
          severity: origin.foreign ? 'high' : 'medium',
          subTechnique: authSubTechnique(ev),
          variant: { explanation: origin.foreign ? 'foreign' : 'inside', remediation: passwordLike ? 'password' : 'key' },
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
          foreignSource: origin.foreign,
          line: ev.ref.line,
          raw: ctx.raw,
        }),
      }),
    ];
  },
};
