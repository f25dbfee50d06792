/**
 * Baselines: the `seen` sets detectors learn (which credentials each identity uses, which source ranges
 * reach each management port). This module lists, approves, forgets, exports and imports them; the CLI
 * (`drawbridge baseline …`) is a thin shell over it. Everything here works on any StateStore.
 *
 * Users name entries with a per-detector key syntax (KEY_SYNTAX); stored keys join the two halves with
 * NUL, which the user writes as "=".
 *
 * Only the namespaces in BASELINE_KINDS are baselines: detectors also keep registers, marks and counters
 * in the store (and the engine its own bookkeeping), which these commands must never list or age out.
 * A detector whose `seen` set is a baseline adds an entry there.
 */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { DrawbridgeConfig } from '../config/schema.js';
import { networkOf, parseIp } from '../intel/ranges.js';
import { NEW_SOURCE_RANGE_NS } from './detectors/new-source-range.js';
import { ACCOUNT_CREDENTIAL_NS, UNSEEN_CREDENTIAL_NS } from './detectors/unseen-credential.js';
import { ORG_APPROVED_NS } from '../organisation/networks.js';
import type { BaselineEntry, StateStore } from './state/types.js';

/**
 * Last-seen time of an approved entry: the latest instant a Date can hold. `seen()` then never finds it
 * expired (time - last is negative), and `forget --older-than` never drops it.
 */
export const APPROVED_LAST = 8_640_000_000_000_000;

/** A wider range than this many detector-sized ranges is refused by `approve`. */
export const MAX_EXPANDED_RANGES = 4096;

const SEP = '\u0000';

export class BaselineKeyError extends Error {}

interface BaselineKind {
  detector: string;
  ns: string;
  /** One line for help texts. */
  syntax: string;
  /** User key → the stored keys it stands for (a wide range stands for several). */
  parse(text: string, config: DrawbridgeConfig): string[];
  /** Derived entries that must go with a forgotten one (ns, key). */
  derived?(key: string): [string, string][];
}

const CREDENTIAL_PREFIX = /^(key|cert|token|token-from|method|password|other):./;

/** `USER@HOST=CREDENTIAL` → `USER@HOST\0CREDENTIAL`, as the unseen-credential detector stores it. */
function parseCredentialKey(text: string): string[] {
  const [identity, credential] = splitKey(text, 'USER@HOST=CREDENTIAL');
  if (!identity.includes('@')) throw new BaselineKeyError(`"${text}": the identity must be USER@HOST (got "${identity}")`);
  // A bare fingerprint is a key, as sshd logs it.
  let cred = /^(SHA256|MD5):/.test(credential) ? `key:${credential}` : credential;
  if (!CREDENTIAL_PREFIX.test(cred)) {
    throw new BaselineKeyError(
      `"${text}": the credential must start with key:, cert:, token:, token-from:, method:, password: or other: (or be a SHA256:/MD5: fingerprint)`,
    );
  }
  if (cred.startsWith('cert:') && !/^cert:.*\|ca:.+$/.test(cred)) {
    throw new BaselineKeyError(`"${text}": a certificate is cert:KEY_ID|ca:CA_FINGERPRINT`);
  }
  if (cred.startsWith('token-from:')) {
    // The detector keys service-account tokens by the /24 (/48) they were used from.
    const nets = networks(cred.slice('token-from:'.length), 24, 48, text);
    if (nets.length !== 1) throw new BaselineKeyError(`"${text}": token-from: takes one /24 (IPv6: /48) range or an address`);
    cred = `token-from:${nets[0]}`;
  }
  return [identity + SEP + cred];
}

/** `HOST:PORT=RANGE` → one `HOST:PORT\0NETWORK` per detector-sized network inside RANGE. */
function parseRangeKey(text: string, config: DrawbridgeConfig): string[] {
  const [target, range] = splitKey(text, 'HOST:PORT=RANGE');
  const colon = target.lastIndexOf(':');
  const port = Number(target.slice(colon + 1));
  let host = target.slice(0, Math.max(colon, 0));
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (colon <= 0 || host === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BaselineKeyError(`"${text}": the target must be HOST:PORT (IPv6: [ADDR]:PORT) with a port 1-65535`);
  }
  const { sourcePrefixV4, sourcePrefixV6 } = config.detect;
  return networks(range, sourcePrefixV4, sourcePrefixV6, text).map((n) => `${host}:${port}${SEP}${n}`);
}

function splitKey(text: string, shape: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new BaselineKeyError(`"${text}": expected ${shape}`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/**
 * The networks of the detector's size that make up `range`: an address or a narrower range gives the one
 * network holding it; a wider range is split into all the networks it holds.
 */
function networks(range: string, v4: number, v6: number, text: string): string[] {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    if (range.includes('/')) [addr, bits] = ipaddr.parseCIDR(range);
    else {
      const a = parseIp(range);
      if (!a) throw new Error('not an address');
      addr = a;
      bits = a.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    throw new BaselineKeyError(`"${text}": "${range}" is not an IP address or CIDR range`);
  }
  const size = addr.kind() === 'ipv4' ? v4 : v6;
  if (bits >= size) return [networkOf(addr.toString(), v4, v6)!];
  if (size - bits > Math.log2(MAX_EXPANDED_RANGES)) {
    throw new BaselineKeyError(`"${text}": ${range} holds more than ${MAX_EXPANDED_RANGES} /${size} ranges; approve narrower ranges`);
  }
  const bytes = addr.toByteArray();
  const out: string[] = [];
  for (let i = 0; i < 2 ** (size - bits); i++) {
    const b = [...bytes];
    // Write i into bits [bits, size) of the address; the bits after `size` networkOf clears.
    for (let bit = 0; bit < size - bits; bit++) {
      const pos = size - 1 - bit;
      const mask = 0x80 >> pos % 8;
      const idx = Math.floor(pos / 8);
      b[idx] = (i >> bit) & 1 ? b[idx]! | mask : b[idx]! & ~mask;
    }
    out.push(networkOf(ipaddr.fromByteArray(b).toString(), v4, v6)!);
  }
  return out;
}

/** `CIDR`, an address or `AS64500` → the organisation networks it stands for (`range:NET` per detector-sized range, or `asn:N`). */
function parseOrgNetwork(text: string, config: DrawbridgeConfig): string[] {
  const asn = /^AS(\d+)$/i.exec(text);
  if (asn) return [`asn:${Number(asn[1])}`];
  const { sourcePrefixV4, sourcePrefixV6 } = config.detect;
  return networks(text, sourcePrefixV4, sourcePrefixV6, text).map((n) => `range:${n}`);
}

/** The baselines, one per detector that keeps one, with the key syntax users type. */
export const BASELINE_KINDS: readonly BaselineKind[] = [
  {
    detector: 'unseen-credential',
    ns: UNSEEN_CREDENTIAL_NS,
    syntax:
      'USER@HOST=CREDENTIAL, CREDENTIAL being key:SHA256:… (or just SHA256:…), cert:KEY_ID|ca:CA_FINGERPRINT, token:ID, ' +
      'token-from:CIDR, method:password — e.g. alice@web1=SHA256:AbC…',
    parse: parseCredentialKey,
    // The account-wide record of the credential (USER\0CREDENTIAL) would keep it known on every host.
    derived: (key) => {
      const [identity, credential] = key.split(SEP) as [string, string];
      return [[ACCOUNT_CREDENTIAL_NS, `${identity.slice(0, identity.lastIndexOf('@'))}${SEP}${credential}`]];
    },
  },
  {
    detector: 'new-source-range',
    ns: NEW_SOURCE_RANGE_NS,
    syntax:
      'HOST:PORT=RANGE as the alert asset shows HOST:PORT, RANGE an address or CIDR (cut to the configured /24 or /48 ranges; ' +
      `wider ranges are split, up to ${MAX_EXPANDED_RANGES}) — e.g. 10.0.1.5:22=198.51.100.0/24`,
    parse: parseRangeKey,
  },
  {
    detector: 'organisation',
    ns: ORG_APPROVED_NS,
    syntax:
      'RANGE or ASN: a network that is the organisation’s besides what it learns from logins — an address or CIDR (cut to the ' +
      'configured /24 or /48 ranges) or AS64500',
    parse: parseOrgNetwork,
  },
];

/** The baseline a --detector value names. */
export interface BaselineTarget {
  detector: string;
  ns: string;
  kind: BaselineKind;
}

export function detectorOf(ns: string): string {
  return BASELINE_KINDS.find((k) => k.ns === ns)?.detector ?? ns;
}

/** A detector id (or its namespace, as exports name it). */
export function resolveDetector(id: string): BaselineTarget {
  const kind = BASELINE_KINDS.find((k) => k.detector === id || k.ns === id);
  if (!kind) throw new BaselineKeyError(`"${id}" keeps no baseline (baselines: ${BASELINE_KINDS.map((k) => k.detector).join(', ')})`);
  return { detector: kind.detector, ns: kind.ns, kind };
}

/** How a stored key is shown and typed: the NUL between its halves becomes "=". */
export function displayKey(key: string): string {
  return key.replace(SEP, '=');
}

/** Stored keys for a user key. */
export function storedKeys(target: BaselineTarget, text: string, config: DrawbridgeConfig): string[] {
  return target.kind.parse(text, config);
}

export interface BaselineRow {
  detector: string;
  ns: string;
  /** As typed on the command line (see KEY syntax). */
  key: string;
  first: number;
  /** Undefined for approved entries. */
  last?: number;
  approved: boolean;
}

export function isBaselineNs(ns: string): boolean {
  return BASELINE_KINDS.some((k) => k.ns === ns);
}

/** Every baseline entry, or one namespace's, in BASELINE_KINDS order then key order. */
function baselineEntries(store: StateStore, ns?: string): BaselineEntry[] {
  return BASELINE_KINDS.filter((k) => ns === undefined || k.ns === ns).flatMap((k) => store.entries(k.ns));
}

export function listBaseline(store: StateStore, ns?: string): BaselineRow[] {
  return baselineEntries(store, ns).map((e) => {
      const approved = e.last >= APPROVED_LAST;
      return { detector: detectorOf(e.ns), ns: e.ns, key: displayKey(e.key), first: e.first, ...(approved ? {} : { last: e.last }), approved };
    });
}

/** Approve keys (they never alert again); returns the stored entries written. */
export function approveKeys(store: StateStore, target: BaselineTarget, texts: readonly string[], config: DrawbridgeConfig, now: number): BaselineEntry[] {
  // Parse everything first: one bad key approves nothing.
  const keys = texts.flatMap((t) => storedKeys(target, t, config));
  const written: BaselineEntry[] = [];
  store.transaction(() => {
    for (const key of keys) {
      const first = store.peek(target.ns, key)?.first ?? now;
      const entry = { ns: target.ns, key, first, last: APPROVED_LAST };
      store.putEntry(entry);
      written.push(entry);
    }
  });
  return written;
}

const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/**
 * How a typed key was stored when that is not as typed: a wide range becomes every detector-sized range
 * it holds, an address or a narrow range the one that holds it. Undefined when stored as typed.
 */
export function describeStoredAs(target: BaselineTarget, text: string, config: DrawbridgeConfig): string | undefined {
  const stored = storedKeys(target, text, config).map(displayKey);
  if (stored.length === 1 && stored[0] === text) return undefined;
  const range = (k: string): string => k.slice(k.indexOf('=') + 1);
  if (stored.length === 1) return `${range(text)} is kept as ${range(stored[0]!)}, the range the detector compares`;
  const prefix = range(stored[0]!).split('/')[1];
  const count = COUNT_WORDS[stored.length] ?? String(stored.length);
  const shown = stored.length <= 4 ? stored.map(range).join(', ') : `${range(stored[0]!)} … ${range(stored[stored.length - 1]!)}`;
  return `${range(text)} becomes ${count} /${prefix}s (${shown}), the ranges the detector compares`;
}

export interface ForgetResult {
  forgotten: BaselineEntry[];
  /** User keys (or their parts) not in the baseline. */
  missing: string[];
}

export function forgetKeys(store: StateStore, target: BaselineTarget, texts: readonly string[], config: DrawbridgeConfig): ForgetResult {
  const parsed = texts.map((t) => ({ text: t, keys: storedKeys(target, t, config) }));
  const result: ForgetResult = { forgotten: [], missing: [] };
  store.transaction(() => {
    for (const { text, keys } of parsed) {
      let any = false;
      for (const key of keys) {
        const e = store.peek(target.ns, key);
        if (e && store.forget(target.ns, key)) {
          for (const [ns, k] of target.kind.derived?.(key) ?? []) store.forget(ns, k);
          any = true;
          result.forgotten.push({ ns: target.ns, key, ...e });
        }
      }
      if (!any) result.missing.push(text);
    }
  });
  return result;
}

/** Forget entries last seen before `cutoff` (event time, epoch ms); approved entries stay. */
export function forgetOlderThan(store: StateStore, cutoff: number, ns?: string): BaselineEntry[] {
  const gone: BaselineEntry[] = [];
  store.transaction(() => {
    for (const e of baselineEntries(store, ns)) {
      if (e.last >= cutoff) continue;
      if (store.forget(e.ns, e.key)) gone.push(e);
    }
  });
  return gone;
}

// ── export / import ─────────────────────────────────────────────────────────────────────────────

export const EXPORT_FORMAT = 'drawbridge-baseline';
export const EXPORT_VERSION = 1;

const iso = z.iso.datetime();
const HeaderSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: iso,
});
const EntrySchema = z
  .strictObject({
    detector: z.string(),
    ns: z.string().refine(isBaselineNs, `not a baseline (baselines: ${BASELINE_KINDS.map((k) => k.ns).join(', ')})`),
    key: z.string().min(1),
    first: iso,
    last: iso.optional(),
    approved: z.boolean(),
  })
  .superRefine((e, ctx) => {
    if (!e.approved && e.last === undefined) ctx.addIssue({ code: 'custom', path: ['last'], message: 'required unless approved' });
    if (e.last !== undefined && Date.parse(e.last) < Date.parse(e.first)) ctx.addIssue({ code: 'custom', path: ['last'], message: 'earlier than first' });
  });
export type ExportedEntry = z.infer<typeof EntrySchema>;

/** The baseline as JSON lines: a header naming format and version, then one entry a line. */
export function exportBaseline(store: StateStore, now: number, ns?: string): string {
  const lines = [JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date(now).toISOString() })];
  for (const e of baselineEntries(store, ns)) {
    const approved = e.last >= APPROVED_LAST;
    const row: ExportedEntry = {
      detector: detectorOf(e.ns),
      ns: e.ns,
      key: e.key,
      first: new Date(e.first).toISOString(),
      ...(approved ? {} : { last: new Date(e.last).toISOString() }),
      approved,
    };
    lines.push(JSON.stringify(row));
  }
  return lines.join('\n') + '\n';
}

export interface ImportProblem {
  line: number;
  field?: string;
  message: string;
}

export interface ParsedImport {
  entries: BaselineEntry[];
  problems: ImportProblem[];
}

/** The field an issue is about; for unknown fields, their names. */
function fieldOf(issue: z.core.$ZodIssue): string | undefined {
  if (issue.path.length > 0) return issue.path.join('.');
  return issue.code === 'unrecognized_keys' ? issue.keys.join(',') : undefined;
}

/** Parse and validate an export; every problem names its line (1-based) and field. */
export function parseBaselineExport(text: string): ParsedImport {
  const problems: ImportProblem[] = [];
  const entries: BaselineEntry[] = [];
  const lines = text.split('\n');
  let header = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      problems.push({ line, message: `not JSON: ${(e as Error).message}` });
      return;
    }
    if (!header) {
      header = true;
      const h = HeaderSchema.safeParse(value);
      if (!h.success) {
        for (const issue of h.error.issues) problems.push({ line, field: fieldOf(issue), message: `${issue.message} (expected the ${EXPORT_FORMAT} version ${EXPORT_VERSION} header)` });
      }
      return;
    }
    const r = EntrySchema.safeParse(value);
    if (!r.success) {
      for (const issue of r.error.issues) problems.push({ line, field: fieldOf(issue), message: issue.message });
      return;
    }
    const e = r.data;
    entries.push({ ns: e.ns, key: e.key, first: Date.parse(e.first), last: e.approved ? APPROVED_LAST : Date.parse(e.last!) });
  });
  if (!header) problems.push({ line: 1, message: `empty file (expected the ${EXPORT_FORMAT} version ${EXPORT_VERSION} header)` });
  return { entries, problems };
}

/** Merge imported entries: the earliest first sighting and the latest last one win (approval included). */
export function importBaseline(store: StateStore, entries: readonly BaselineEntry[]): { added: number; merged: number } {
  let added = 0;
  let merged = 0;
  store.transaction(() => {
    for (const e of entries) {
      const old = store.peek(e.ns, e.key);
      if (old) merged++;
      else added++;
      store.putEntry(old ? { ...e, first: Math.min(old.first, e.first), last: Math.max(old.last, e.last) } : e);
    }
  });
  return { added, merged };
}
