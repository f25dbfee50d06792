/**
 * API tokens with scopes. The token file holds one `scope:token` per line (`#` comments allowed); a line
 * may also give the token's SHA-256 instead of the token (`scope:sha256:<64 hex>`), so the file need not
 * hold a usable secret. In memory only hashes are kept, and a presented token is compared by hash in
 * constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readNamedFile } from '../io/safe-read.js';
import { UsageError } from '../cli/errors.js';

export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface TokenEntry {
  scope: Scope;
  /** SHA-256 of the token. */
  hash: Buffer;
  /** Where it was defined, for the admin audit log ("tokens.txt:3"). */
  origin: string;
}

/** Shorter secrets are refused: a token is the only thing between the network and the API. */
const MIN_TOKEN_LENGTH = 24;

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function parseTokenFile(text: string, file: string): TokenEntry[] {
  const out: TokenEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${i + 1}`;
    const colon = line.indexOf(':');
    const scope = colon > 0 ? line.slice(0, colon) : '';
    if (!(SCOPES as readonly string[]).includes(scope)) {
      throw new UsageError(`${where}: expected "scope:token" with scope ${SCOPES.join(', ')}`);
    }
    const secret = line.slice(colon + 1);
    const hashed = /^sha256:([0-9a-f]{64})$/i.exec(secret);
    if (hashed) out.push({ scope: scope as Scope, hash: Buffer.from(hashed[1]!, 'hex'), origin: where });
    else if (secret.length < MIN_TOKEN_LENGTH) throw new UsageError(`${where}: token shorter than ${MIN_TOKEN_LENGTH} characters`);
    else out.push({ scope: scope as Scope, hash: hashToken(secret), origin: where });
  });
  return out;
}

export function loadTokenFile(file: string): TokenEntry[] {
  let text: string;
  try {
    text = readNamedFile(file);
  } catch (e) {
    throw new UsageError(`cannot read token file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const tokens = parseTokenFile(text, file);
  if (tokens.length === 0) throw new UsageError(`${file}: no tokens (one "scope:token" per line)`);
  return tokens;
}

/** admin may do everything; read and ingest only themselves. */
export function grants(held: Scope, wanted: Scope): boolean {
  return held === wanted || held === 'admin';
}

export class TokenSet {
  constructor(private readonly entries: readonly TokenEntry[]) {}

  get size(): number {
    return this.entries.length;
  }

  /** The entry a presented token matches, or undefined. Every entry is compared, so timing says nothing. */
  match(token: string): TokenEntry | undefined {
    const h = hashToken(token);
    let found: TokenEntry | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.hash, h) && !found) found = e;
    return found;
  }
}

/** The token from an `Authorization: Bearer …` header value. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

/** A new random token: 32 bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
