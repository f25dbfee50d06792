import type { Kexinit } from './wire.js';

/*
 * What a server's KEXINIT offer says about its configuration. Weak-algorithm knowledge is a table:
 * each entry names the list it applies to, how names are matched and why the algorithm is weak.
 */

export const STRICT_KEX_SERVER = 'kex-strict-s-v00@openssh.com';

/** Names in the kex list that are markers, not key exchange methods (OpenSSH kex.c). */
const KEX_MARKERS = new Set(['ext-info-s', 'ext-info-c', STRICT_KEX_SERVER, 'kex-strict-c-v00@openssh.com', 'kex-strict-s', 'kex-strict-c']);

type ListName = 'kex' | 'hostKey' | 'cipher' | 'mac';

interface WeakRule {
  list: ListName;
  /** Exact name, or a RegExp source when `pattern` is set. */
  match: string;
  pattern?: boolean;
  why: string;
}

export const WEAK_ALGORITHMS: readonly WeakRule[] = [
  { list: 'kex', match: 'diffie-hellman-group1-sha1', why: '1024-bit group with SHA-1 (RFC 9142: MUST NOT)' },
  { list: 'kex', match: 'diffie-hellman-group14-sha1', why: 'SHA-1 exchange hash (RFC 9142: SHOULD NOT)' },
  { list: 'kex', match: 'diffie-hellman-group-exchange-sha1', why: 'SHA-1 exchange hash (RFC 9142: MUST NOT)' },
  { list: 'kex', match: '^gss-.*-sha1-', pattern: true, why: 'SHA-1 GSS-API key exchange' },
  { list: 'hostKey', match: 'ssh-dss', why: 'DSA host keys: 1024-bit, SHA-1, removed from OpenSSH' },
  { list: 'hostKey', match: 'ssh-rsa', why: 'RSA signatures with SHA-1 (disabled by default since OpenSSH 8.8)' },
  { list: 'hostKey', match: '^ssh-(rsa|dss)-cert-v01@openssh\\.com$', pattern: true, why: 'SHA-1 certificate signatures' },
  { list: 'cipher', match: '-cbc(@|$)', pattern: true, why: 'CBC mode (plaintext-recovery attacks; Terrapin with EtM MACs)' },
  { list: 'cipher', match: '^arcfour', pattern: true, why: 'RC4 stream cipher' },
  { list: 'cipher', match: 'none', why: 'no encryption' },
  { list: 'mac', match: 'md5', pattern: true, why: 'MD5-based MAC' },
  { list: 'mac', match: '-96(@|$)', pattern: true, why: 'truncated 96-bit MAC' },
  { list: 'mac', match: 'none', why: 'no integrity protection' },
];

export interface WeakOffer {
  list: ListName;
  name: string;
  why: string;
}

function matches(rule: WeakRule, name: string): boolean {
  return rule.pattern ? new RegExp(rule.match).test(name) : rule.match === name;
}

function offered(k: Kexinit): Record<ListName, string[]> {
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  return {
    kex: k.kex.filter((n) => !KEX_MARKERS.has(n)),
    hostKey: k.hostKey,
    cipher: uniq([...k.ciphersServerToClient, ...k.ciphersClientToServer]),
    mac: uniq([...k.macsServerToClient, ...k.macsClientToServer]),
  };
}

/** Every offered algorithm that a rule calls weak, in offer order. */
export function weakAlgorithms(k: Kexinit): WeakOffer[] {
  const lists = offered(k);
  const out: WeakOffer[] = [];
  for (const list of ['kex', 'hostKey', 'cipher', 'mac'] as const) {
    for (const name of lists[list]) {
      const rule = WEAK_ALGORITHMS.find((r) => r.list === list && matches(r, name));
      if (rule) out.push({ list, name, why: rule.why });
    }
  }
  return out;
}

export interface TerrapinPosture {
  strictKex: boolean;
  /** chacha20-poly1305 offered. */
  chacha20: string[];
  /** CBC ciphers offered together with encrypt-then-MAC MACs. */
  cbcWithEtm: { ciphers: string[]; macs: string[] };
  /** Exploitable modes offered and no strict-KEX countermeasure (CVE-2023-48795). */
  prone: boolean;
}

export function terrapinPosture(k: Kexinit): TerrapinPosture {
  const lists = offered(k);
  const strictKex = k.kex.includes(STRICT_KEX_SERVER);
  const chacha20 = lists.cipher.filter((c) => c.startsWith('chacha20-poly1305'));
  const cbc = lists.cipher.filter((c) => /-cbc(@|$)/.test(c));
  const etm = lists.mac.filter((m) => m.endsWith('-etm@openssh.com'));
  const cbcWithEtm = cbc.length > 0 && etm.length > 0 ? { ciphers: cbc, macs: etm } : { ciphers: [], macs: [] };
  return { strictKex, chacha20, cbcWithEtm, prone: !strictKex && (chacha20.length > 0 || cbcWithEtm.ciphers.length > 0) };
}

/** Signals that advisories can be ruled out by (database_specific.drawbridge.notAffectedWhen). */
export function kexSignals(k: Kexinit): string[] {
  const t = terrapinPosture(k);
  const out: string[] = [];
  if (t.strictKex) out.push('ssh:strict-kex');
  if (t.chacha20.length === 0 && t.cbcWithEtm.ciphers.length === 0) out.push('ssh:no-terrapin-modes');
  return out;
}
