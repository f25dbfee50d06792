import { wildcardMatch } from './match.js';
import { algorithmData, sshdDefaults, type AlgorithmKeyword } from './data.js';
import type { Setting } from './effective.js';
import { pushAll } from '../../util/arrays.js';

export interface AlgorithmList {
  keyword: AlgorithmKeyword;
  /** What sshd offers, in order. */
  offered: string[];
  /** Names the administrator wrote (plain list, `+` or `^`); empty for defaults and `-` lists. */
  written: string[];
  mode: 'default' | 'replace' | 'append' | 'remove' | 'prepend';
}

function uniq(list: string[]): string[] {
  return [...new Set(list.filter((s) => s !== ''))];
}

/**
 * Apply sshd's list syntax to the compiled-in default: `+` appends, `-` removes (wildcards allowed),
 * `^` puts names first, anything else replaces. As observed with OpenSSH 9.2, a `-` list that removes
 * everything leaves the default in place.
 */
export function algorithmList(keyword: AlgorithmKeyword, s: Setting | undefined): AlgorithmList {
  const defaults = (sshdDefaults().values[keyword] ?? '').split(',').filter(Boolean);
  if (!s || s.source === 'default') return { keyword, offered: defaults, written: [], mode: 'default' };
  const raw = s.args[0] ?? '';
  const head = raw[0];
  const names = uniq(raw.slice(head === '+' || head === '-' || head === '^' ? 1 : 0).split(','));
  if (head === '+') return { keyword, offered: uniq([...defaults, ...names]), written: names, mode: 'append' };
  if (head === '^') return { keyword, offered: uniq([...names, ...defaults]), written: names, mode: 'prepend' };
  if (head === '-') {
    const left = defaults.filter((a) => !names.some((p) => wildcardMatch(a, p)));
    return { keyword, offered: left.length > 0 ? left : defaults, written: [], mode: 'remove' };
  }
  return { keyword, offered: names, written: names, mode: 'replace' };
}

export interface WeakAlgorithm {
  name: string;
  reason: string;
  /** True when the administrator wrote it, false when it comes from the compiled-in default. */
  written: boolean;
}

export function weakAlgorithms(list: AlgorithmList): WeakAlgorithm[] {
  const rules = algorithmData().weak[list.keyword] ?? [];
  const out: WeakAlgorithm[] = [];
  for (const name of list.offered) {
    const rule = rules.find((r) => wildcardMatch(name, r.pattern));
    if (rule) out.push({ name, reason: rule.reason, written: list.written.includes(name) });
  }
  return out;
}

/** True when every offered cipher carries its own integrity protection, so MACs are never used. */
export function onlyAead(ciphers: AlgorithmList): boolean {
  const aead = algorithmData().aead;
  return ciphers.offered.every((c) => aead.includes(c));
}

/** The combination CVE-2023-48795 needs, if offered: chacha20-poly1305, or a CBC cipher with an EtM MAC. */
export function terrapinExposure(ciphers: AlgorithmList, macs: AlgorithmList): string[] {
  const t = algorithmData().terrapin;
  const out: string[] = [];
  if (ciphers.offered.includes(t.cipher)) out.push(t.cipher);
  const cbc = ciphers.offered.filter((c) => wildcardMatch(c, t.cbcCipher));
  const etm = macs.offered.filter((m) => wildcardMatch(m, t.etmMac));
  if (cbc.length > 0 && etm.length > 0) pushAll(out, cbc.map((c) => `${c} with ${etm.join('/')}`));
  return out;
}
