/**
 * SSH algorithm knowledge shared by both lenses (catalog/ssh/algorithms.yaml): which algorithms are
 * weak and why, what Terrapin needs, which kex names are markers. `audit` judges sshd_config lists
 * with it, `probe` the server's KEXINIT offer, so the two cannot disagree.
 */
import { z } from 'zod';
import { wildcardMatch } from '../util/wildcard.js';
import { readCatalogue, type CatalogueKind } from './loader.js';

export const SSH_LISTS = ['kex', 'hostKey', 'cipher', 'mac'] as const;
export type SshList = (typeof SSH_LISTS)[number];

const WeakSchema = z
  .object({
    pattern: z.string().min(1),
    reason: z.string().min(1),
    /** Added to the reason unless the server offers strict key exchange. */
    terrapin: z.string().min(1).optional(),
  })
  .strict();

const ListSchema = z
  .object({
    /** sshd_config keywords whose values are lists of this kind. */
    sshdKeywords: z.array(z.string().min(1)).min(1),
    weak: z.array(WeakSchema),
  })
  .strict();

const SshAlgorithmsSchema = z
  .object({
    lists: z.object({ kex: ListSchema, hostKey: ListSchema, cipher: ListSchema, mac: ListSchema }).strict(),
    kexMarkers: z.array(z.string().min(1)),
    terrapin: z
      .object({
        cipher: z.string(),
        cbcCipher: z.string(),
        etmMac: z.string(),
        strictKexServer: z.string(),
        /** First upstream OpenSSH release with strict key exchange. */
        strictKexSince: z.string().regex(/^\d+\.\d+$/),
      })
      .strict(),
    aead: z.array(z.string()),
  })
  .strict();
export type SshAlgorithms = z.infer<typeof SshAlgorithmsSchema>;

export const SSH_ALGORITHMS_KIND: CatalogueKind<SshAlgorithms> = {
  id: 'ssh-algorithms',
  description: 'Weak SSH algorithms per list, Terrapin conditions and kex markers, shared by audit and probe (catalog/ssh/algorithms.yaml)',
  schema: SshAlgorithmsSchema,
  // An sshd keyword holds one kind of list, so the audit finds its weak names in exactly one place.
  check: (c) => {
    const seen = new Set<string>();
    return SSH_LISTS.flatMap((list) =>
      c.lists[list].sshdKeywords.flatMap((k, i) => {
        if (seen.has(k)) return [{ path: ['lists', list, 'sshdKeywords', i], message: `keyword ${k} belongs to another list too` }];
        seen.add(k);
        return [];
      }),
    );
  },
};

export function sshAlgorithms(): SshAlgorithms {
  return readCatalogue(SSH_ALGORITHMS_KIND, 'ssh', 'algorithms.yaml');
}

const DefaultsSchema = z.object({ openssh: z.string(), values: z.record(z.string(), z.string()) }).strict();
export type SshdDefaults = z.infer<typeof DefaultsSchema>;

export const SSHD_DEFAULTS_KIND: CatalogueKind<SshdDefaults> = {
  id: 'sshd-defaults',
  description: "sshd's compiled-in defaults per keyword, as `sshd -T` prints them for an empty config (catalog/audit/sshd/defaults.yaml)",
  schema: DefaultsSchema,
};

/** sshd's compiled-in defaults (catalog/audit/sshd/defaults.yaml), keyed by canonical keyword. */
export function sshdDefaults(): SshdDefaults {
  return readCatalogue(SSHD_DEFAULTS_KIND, 'audit', 'sshd', 'defaults.yaml');
}

/**
 * Is this offer OpenSSH's compiled-in default for the list (the administrator chose nothing)? Weak
 * names in it are kept last, for old peers; the audit judges them lower than ones an administrator adds.
 */
export function isCompiledDefaultOffer(list: SshList, offered: readonly string[]): boolean {
  const keyword = sshAlgorithms().lists[list].sshdKeywords[0] as string;
  const defaults = new Set((sshdDefaults().values[keyword] ?? '').split(',').filter(Boolean));
  const seen = new Set(offered);
  return seen.size === defaults.size && [...seen].every((n) => defaults.has(n));
}

/** The list kind an sshd_config keyword holds (Ciphers → cipher), if it is an algorithm list. */
export function listOfKeyword(keyword: string): SshList | undefined {
  const lists = sshAlgorithms().lists;
  return SSH_LISTS.find((l) => lists[l].sshdKeywords.includes(keyword));
}

export interface WeakVerdict {
  name: string;
  reason: string;
}

/**
 * Every weak name of `offered` (in offer order) with its reason. `strictKex`: the server is known to
 * offer strict key exchange, so no reason may call an algorithm Terrapin-prone.
 */
export function weakIn(list: SshList, offered: readonly string[], strictKex = false): WeakVerdict[] {
  const rules = sshAlgorithms().lists[list].weak;
  const out: WeakVerdict[] = [];
  for (const name of offered) {
    const rule = rules.find((r) => wildcardMatch(name, r.pattern));
    if (rule) out.push({ name, reason: rule.terrapin && !strictKex ? `${rule.reason} ${rule.terrapin}` : rule.reason });
  }
  return out;
}

export function isKexMarker(name: string): boolean {
  return sshAlgorithms().kexMarkers.includes(name);
}

export function offersStrictKex(kex: readonly string[]): boolean {
  return kex.includes(sshAlgorithms().terrapin.strictKexServer);
}

/** The modes CVE-2023-48795 needs among the offered ciphers and MACs (strict KEX aside). */
export function terrapinModes(ciphers: readonly string[], macs: readonly string[]): { chacha20: string[]; cbcWithEtm: { ciphers: string[]; macs: string[] } } {
  const t = sshAlgorithms().terrapin;
  const chacha20 = ciphers.filter((c) => c === t.cipher);
  const cbc = ciphers.filter((c) => wildcardMatch(c, t.cbcCipher));
  const etm = macs.filter((m) => wildcardMatch(m, t.etmMac));
  return { chacha20, cbcWithEtm: cbc.length > 0 && etm.length > 0 ? { ciphers: cbc, macs: etm } : { ciphers: [], macs: [] } };
}

/** True when every offered cipher carries its own integrity protection, so MACs are never used. */
export function onlyAead(ciphers: readonly string[]): boolean {
  const aead = sshAlgorithms().aead;
  return ciphers.every((c) => aead.includes(c));
}
