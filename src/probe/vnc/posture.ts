import type { AuthState } from '../types.js';
import { SECURITY_NONE, SECURITY_VENCRYPT, securityTypeName, VENCRYPT_NO_AUTH, vencryptSubtypeName, type SecurityOffer } from './wire.js';

/** Everything read before hanging up, as plain data. */
export interface VncHandshake {
  serverVersion: string;
  /** The version we answered with, "RFB 003.008". */
  clientVersion: string;
  offer: SecurityOffer;
  /** VeNCrypt subtypes when type 19 was offered and listing them worked. */
  vencryptSubtypes?: number[];
  /** Why the VeNCrypt subtypes are missing although 19 was offered. */
  vencryptError?: string;
}

export interface VncPosture {
  auth: AuthState;
  securityTypes: string[];
  vencryptSubtypes?: string[];
  /** Which offer lets a stranger in without credentials ("None", "VeNCrypt/TLSNone"). */
  noAuthVia: string[];
  /** The server's refusal before any security type (e.g. too many failed attempts). */
  refused?: string;
}

/**
 * OPEN when a type (or VeNCrypt subtype) needs no credentials; LOGIN when types are offered and none is
 * credential-free; UNKNOWN when the server refused to list types (it may be blocking us for a while).
 */
export function assessVnc(h: VncHandshake): VncPosture {
  if ('refused' in h.offer) return { auth: 'unknown', securityTypes: [], noAuthVia: [], refused: h.offer.refused };
  const types = h.offer.types;
  const noAuthVia: string[] = [];
  if (types.includes(SECURITY_NONE)) noAuthVia.push(securityTypeName(SECURITY_NONE));
  if (types.includes(SECURITY_VENCRYPT) && h.vencryptSubtypes) {
    for (const s of h.vencryptSubtypes) if (VENCRYPT_NO_AUTH.includes(s)) noAuthVia.push(`VeNCrypt/${vencryptSubtypeName(s)}`);
  }
  return {
    auth: noAuthVia.length > 0 ? 'open' : 'login',
    securityTypes: types.map(securityTypeName),
    ...(h.vencryptSubtypes ? { vencryptSubtypes: h.vencryptSubtypes.map(vencryptSubtypeName) } : {}),
    noAuthVia,
  };
}
