import { isCompiledDefaultOffer, isKexMarker, offersStrictKex, SSH_LISTS, terrapinModes, weakIn, type SshList } from '../../catalog/ssh-algorithms.js';
import type { Kexinit } from './wire.js';

/*
 * What a server's KEXINIT offer says about its configuration, judged with the SSH algorithm
 * catalogue (catalog/ssh/algorithms.yaml) that the sshd_config audit uses too.
 */

export interface WeakOffer {
  list: SshList;
  name: string;
  why: string;
  /** The list offered is OpenSSH's compiled-in default (catalog/audit/sshd/defaults.yaml): no administrator chose it. */
  compiledDefault: boolean;
}

function offered(k: Kexinit): Record<SshList, string[]> {
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  return {
    kex: k.kex.filter((n) => !isKexMarker(n)),
    hostKey: k.hostKey,
    cipher: uniq([...k.ciphersServerToClient, ...k.ciphersClientToServer]),
    mac: uniq([...k.macsServerToClient, ...k.macsClientToServer]),
  };
}

/** Every offered algorithm the catalogue calls weak, in offer order. */
export function weakAlgorithms(k: Kexinit): WeakOffer[] {
  const lists = offered(k);
  const strictKex = offersStrictKex(k.kex);
  return SSH_LISTS.flatMap((list) => {
    const compiledDefault = isCompiledDefaultOffer(list, lists[list]);
    return weakIn(list, lists[list], strictKex).map((w) => ({ list, name: w.name, why: w.reason, compiledDefault }));
  });
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
  const strictKex = offersStrictKex(k.kex);
  const { chacha20, cbcWithEtm } = terrapinModes(lists.cipher, lists.mac);
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
