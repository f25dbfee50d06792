/** Gateway listener settings as plain functions: Kong `admin_listen`, Traefik `api.insecure`. */
import { parseHostPort, type ListenAddress } from '../listen-address.js';

/**
 * Kong `admin_listen` / KONG_ADMIN_LISTEN: comma-separated `address:port [flags…]`, or `off`.
 * Kong's documented default is `127.0.0.1:8001 …, 127.0.0.1:8444 http2 ssl …`.
 */
export function parseKongListen(value: string): Array<ListenAddress & { ssl: boolean; raw: string }> {
  const v = value.trim();
  if (v === '' || v.toLowerCase() === 'off') return [];
  return v
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [addr = '', ...flags] = entry.split(/\s+/);
      return { ...parseHostPort(addr), ssl: flags.includes('ssl'), raw: entry };
    });
}

/** Traefik booleans accept `true`/`false` and bare flags; Go's ParseBool spellings too. */
export function traefikBool(v: unknown): boolean {
  if (v === true) return true;
  if (typeof v !== 'string') return false;
  return ['1', 't', 'true'].includes(v.trim().toLowerCase());
}
