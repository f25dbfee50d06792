/**
 * The deny rules of one rule group, indexed by the address ranges they name, so that "which denies
 * cover this source" costs one lookup per prefix length of the source instead of a comparison with
 * every deny range. Address ranges are either nested or disjoint, so the ranges that cover a source
 * are exactly its prefixes: a /24 is covered by the ranges at its own /0 … /24. Words (`*`, `any`,
 * `Internet`, the /0 spellings) are few and checked one by one, as before.
 */
import type ipaddr from 'ipaddr.js';
import { parseCidr, type SourceVerdict } from '../exposure.js';
import type { NetRule } from './net-rules.js';

const WORDS = new Set(['*', 'any', '0.0.0.0/0', '::/0', 'internet']);

/** Does a deny source that is a word cover this source? (A world deny covers its own family; `*` both.) */
function wordCovers(word: string, source: SourceVerdict): boolean {
  if (word === '0.0.0.0/0') return !source.source.includes(':');
  if (word === '::/0') return source.source.includes(':') || source.class === 'world';
  if (word === 'internet') return source.class === 'world' || source.class === 'public';
  return true;
}

/** The address as an integer (32 or 128 bits). */
function addressValue(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  let v = 0n;
  if (addr.kind() === 'ipv4') for (const o of (addr as ipaddr.IPv4).octets) v = (v << 8n) | BigInt(o);
  else for (const p of (addr as ipaddr.IPv6).parts) v = (v << 16n) | BigInt(p);
  return v;
}

function prefixKey(kind: string, width: number, value: bigint, bits: number): string {
  const shift = BigInt(width - bits);
  return `${kind}/${bits}/${((value >> shift) << shift).toString(16)}`;
}

export interface DenyCounters {
  /** Deny rules weighed against a source (found by the index, before order, protocol and targets). */
  candidates: number;
}

export class DenyIndex {
  private readonly byPrefix = new Map<string, NetRule[]>();
  private readonly byWord: [string, NetRule][] = [];

  constructor(denies: readonly NetRule[]) {
    for (const d of denies) {
      for (const s of d.sources) {
        const t = s.trim().toLowerCase();
        if (WORDS.has(t)) {
          this.byWord.push([t, d]);
          continue;
        }
        const parsed = parseCidr(s);
        if (!parsed) continue;
        const [addr, bits] = parsed;
        const width = addr.kind() === 'ipv4' ? 32 : 128;
        const key = prefixKey(addr.kind(), width, addressValue(addr), bits);
        const list = this.byPrefix.get(key);
        if (list === undefined) this.byPrefix.set(key, [d]);
        else if (list.at(-1) !== d) list.push(d);
      }
    }
  }

  /** The deny rules one of whose sources covers `source`, each once. */
  covering(source: SourceVerdict, counters?: DenyCounters): NetRule[] {
    const found = new Set<NetRule>();
    for (const [word, d] of this.byWord) if (wordCovers(word, source)) found.add(d);
    const parsed = this.byPrefix.size > 0 ? parseCidr(source.source) : undefined;
    if (parsed) {
      const [addr, bits] = parsed;
      const width = addr.kind() === 'ipv4' ? 32 : 128;
      const value = addressValue(addr);
      for (let p = 0; p <= bits; p++) for (const d of this.byPrefix.get(prefixKey(addr.kind(), width, value, p)) ?? []) found.add(d);
    }
    if (counters) counters.candidates += found.size;
    return [...found];
  }
}
