import { wildcardMatch } from './match.js';
import { listOfKeyword, onlyAead as onlyAeadCiphers, terrapinModes, weakIn } from '../../catalog/ssh-algorithms.js';
import { sshdDefaults, type AlgorithmKeyword } from './data.js';
import type { Setting } from './effective.js';

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
  const kind = listOfKeyword(list.keyword);
  if (!kind) return [];
  // The file cannot show whether sshd has strict key exchange (no keyword), so Terrapin reasons stay.
  return weakIn(kind, list.offered).map((w) => ({ ...w, written: list.written.includes(w.name) }));
}

/** True when every offered cipher carries its own integrity protection, so MACs are never used. */
export function onlyAead(ciphers: AlgorithmList): boolean {
  return onlyAeadCiphers(ciphers.offered);
}

/** The combination CVE-2023-48795 needs, if offered: chacha20-poly1305, or a CBC cipher with an EtM MAC. */
export function terrapinExposure(ciphers: AlgorithmList, macs: AlgorithmList): string[] {
  const t = terrapinModes(ciphers.offered, macs.offered);
  return [...t.chacha20, ...t.cbcWithEtm.ciphers.map((c) => `${c} with ${t.cbcWithEtm.macs.join('/')}`)];
}
